"""Grid electricity CO2 factors by data year: which series (scope and region) a park uses, and
which published factor of it each data year's electricity uses.

The rules (../shared/domain/README.md, "Grid factors by data year"):
- By default a park uses its province's factors where any is published, else its regional grid's
  (province -> grid is data: indicators/data/province_grids.csv, the grids as the announcements
  name them), else the national average. Any other series needs a written reason, which the
  reviewer reads in the document (indicators.services.grid_choice_clean).
- Each data year uses its own year's factor of the series. A year without one uses the latest
  published year before it; a year before the series' first publication uses its earliest
  year: the MEE/NBS factors start with data year 2021 and nothing of the same method exists for
  2016-2020 (the older NDRC baseline factors are another method, for another purpose), so the
  nearest year of the same method is the defensible stand-in. Both are stand-ins and say so
  ("2024年数据暂用2023年因子"); when the year's own factor is published the figures can be
  recomputed.
- Only sourced factors (GridFactor.is_sourced) are offered or used.
"""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from indicators.accounting import GridYear
from indicators.models import GridFactor

PROVINCE_GRIDS = Path(__file__).resolve().parent / "data" / "province_grids.csv"
NATIONAL_AVERAGE = "national average"
REGIONAL = "regional"
PROVINCIAL = "provincial"
DEFAULT = ""  # the form's and the Accounting's value for "the default series"


@cache
def province_grids() -> dict[str, str]:
    """Province code (GB/T 2260) -> the regional grid it belongs to (华北, 东北, …)."""
    with PROVINCE_GRIDS.open(encoding="utf-8", newline="") as handle:
        return {row["province_code"]: row["grid"] for row in csv.DictReader(handle)}


def series_key(scope: str, region: str) -> str:
    return f"{scope}|{region}"


def split_key(key: str) -> tuple[str, str]:
    scope, _sep, region = key.partition("|")
    return scope, region


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    factors: tuple[GridFactor, ...]  # by data year

    def factor_for(self, year: int) -> GridFactor | None:
        """The year's own factor, else the latest before it, else the earliest after it."""
        if not self.factors:
            return None
        before = [f for f in self.factors if f.data_year <= year]
        return before[-1] if before else self.factors[0]


# The order the choice lists them in after the default: national average, regions, provinces,
# then the two national factors meant for other purposes.
SCOPE_ORDER = {
    NATIONAL_AVERAGE: 0,
    REGIONAL: 1,
    PROVINCIAL: 2,
    "national excluding market-traded non-fossil power": 3,
    "national fossil-fuel power": 4,
}


def all_series(factors) -> dict[str, Series]:
    """Every series of sourced factors, in the choice's order."""
    grouped: dict[str, list[GridFactor]] = {}
    for factor in factors:
        if factor.is_sourced:
            grouped.setdefault(series_key(factor.scope, factor.region), []).append(factor)
    ordered = sorted(
        grouped.items(),
        key=lambda item: (SCOPE_ORDER.get(item[1][0].scope, 9), item[1][0].region),
    )
    return {
        key: Series(key, found[0].series_label, tuple(sorted(found, key=lambda f: f.data_year)))
        for key, found in ordered
    }


def default_key(series: dict[str, Series], province) -> str | None:
    """The park's province's series where published, else its regional grid's, else the
    national average (None: no sourced factor at all)."""
    candidates = [
        series_key(PROVINCIAL, province.name) if province else "",
        series_key(REGIONAL, province_grids().get(province.code, "")) if province else "",
        series_key(NATIONAL_AVERAGE, "全国"),
    ]
    return next((key for key in candidates if key in series), None)


def grid_year(factor: GridFactor, year: int, *, newer: GridFactor | None = None) -> GridYear:
    return GridYear(
        year=year,
        value=factor.t_co2_per_mwh,
        factor_year=factor.data_year,
        series=factor.series_label,
        citation=factor.citation,
        newer_year=newer.data_year if newer is not None else None,
    )


@dataclass(frozen=True)
class Choice:
    """A plan's grid factor choice, resolved against a coefficient set's factors."""

    key: str  # the series used
    is_default: bool
    reason: str
    series: Series | None
    default: Series | None
    years: dict[int, GridYear]
    offered: dict[str, Series]  # every published series of the set

    @property
    def label(self) -> str:
        return self.series.label if self.series else ""

    @property
    def stale_years(self) -> list[int]:
        """Years whose figures use a stand-in although a newer factor is now published."""
        return [y for y, g in self.years.items() if g.newer_year is not None]


def resolve(
    factors, *, province, scope: str, region: str, reason: str, years, pins: dict | None = None
) -> Choice:
    """The plan's series (the default where `scope` is empty, or where the chosen series has no
    sourced factor any more) and each year's factor: the pinned one (`pins`: {year: factor pk},
    what the figures were last computed with) while it is in the series, else the rule's."""
    series = all_series(factors)
    default = default_key(series, province)
    chosen = series_key(scope, region) if scope else DEFAULT
    is_default = chosen in (DEFAULT, default) or chosen not in series
    key = default if is_default else chosen
    found = series.get(key) if key else None
    by_pk = {f.pk: f for f in (found.factors if found else ())}
    result = {}
    for year in years:
        now = found.factor_for(year) if found else None
        pinned = by_pk.get((pins or {}).get(str(year)))
        used = pinned or now
        if used is None:
            continue
        newer = now if pinned is not None and now is not None and now.pk != pinned.pk else None
        result[year] = grid_year(used, year, newer=newer)
    return Choice(
        key=key or "",
        is_default=is_default,
        reason="" if is_default else reason,
        series=found,
        default=series.get(default) if default else None,
        years=result,
        offered=series,
    )


def pins_of(choice: Choice) -> dict[str, int]:
    """{year: factor pk} of what the rule picks now for every year of the choice."""
    if choice.series is None:
        return {}
    return {
        str(year): factor.pk
        for year in choice.years
        if (factor := choice.series.factor_for(year)) is not None
    }
