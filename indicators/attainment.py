"""Actual values against targets, the 2020 baseline and the national goals.

The national goals are those of 国科发火〔2021〕28号 (《国家高新区绿色发展专项行动实施方案》):
by 2025 the zones' 单位工业增加值综合能耗 falls to 0.4 tce/万元 or below ("降至0.4以下": 0.4 itself
meets it), half of the zones below 0.3, and 单位工业增加值二氧化碳排放 falls by at least 4 % a year
on average from 2020. A park's figure is its own; the zones' figure is a ratio of sums
(summaries.figures), never an average of the parks' ratios.
"""

from dataclasses import dataclass
from decimal import Decimal

from indicators.accounting import average_yearly_cut

LOWER = "lower"  # indicators.models.Direction.LOWER (models import this module)

ENERGY_GOAL = Decimal("0.4")  # tce/万元, the zones as a whole, 2025, inclusive
ENERGY_HALF_GOAL = Decimal("0.3")  # half of the zones at or below it (indicators.checks)
CO2_CUT_GOAL = Decimal(4)  # % a year on average from 2020


@dataclass(frozen=True)
class Attainment:
    """An actual against a target in the indicator's direction."""

    met: bool | None  # None: no target or no actual to compare
    gap: Decimal | None  # how far the actual is on the wrong side (0 when met)
    change: Decimal | None  # actual - baseline
    change_pct: Decimal | None  # (actual - baseline) / baseline × 100

    @property
    def label(self) -> str:
        return {True: "达成", False: "未达成", None: "—"}[self.met]


def attainment(
    direction: str,
    target: Decimal | None,
    actual: Decimal | None,
    baseline: Decimal | None = None,
) -> Attainment:
    """达成 when the actual is at or beyond the target in the indicator's direction (a
    lower-is-better indicator meets a target of 0.40 with 0.40)."""
    change = None if actual is None or baseline is None else actual - baseline
    change_pct = (
        None
        if change is None or not baseline
        else (change / abs(baseline) * 100).quantize(Decimal("0.01"))
    )
    if target is None or actual is None:
        return Attainment(None, None, change, change_pct)
    if direction == LOWER:
        met, gap = actual <= target, max(actual - target, Decimal(0))
    else:
        met, gap = actual >= target, max(target - actual, Decimal(0))
    return Attainment(met, gap, change, change_pct)


def yearly_cut_since(
    baseline: Decimal | None, actual: Decimal | None, years: int
) -> Decimal | None:
    """Average yearly % cut of an intensity from the 2020 baseline over `years` years."""
    return average_yearly_cut(baseline, actual, years)


def meets_co2_cut(baseline: Decimal | None, actual: Decimal | None, years: int) -> bool | None:
    cut = yearly_cut_since(baseline, actual, years)
    return None if cut is None else cut >= CO2_CUT_GOAL


def meets_energy_goal(intensity: Decimal | None) -> bool | None:
    return None if intensity is None else intensity <= ENERGY_GOAL


CO2_INTENSITY = "co2_intensity_iav"  # indicators.accounting.DERIVED keys
CO2_CUT = "co2_intensity_cut_rate"


def derived_actual(derivation: str, series_of, year: int, base_year: int, co2_baseline):
    """A derived indicator's actual for `year`, `series_of(key, year)` reading the report's
    derived series: the series' value, except the yearly CO2 cut, which is measured from the
    2020 baseline the plan was approved with (`co2_baseline`), not within the report's own
    years (an annual report has one; the final evaluation's start at 2021). The document
    (indicators.selectors.actual_rows) and the national figures (summaries.actuals) both ask
    here."""
    if derivation == CO2_CUT:
        return yearly_cut_since(co2_baseline, series_of(CO2_INTENSITY, year), year - base_year)
    return series_of(derivation, year)
