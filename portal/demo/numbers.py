"""Demo numbers for the demo plan: 2016-2020 tables and indicator targets that agree with each
other (baselines are what the tables imply). Clearly demo data: the data source says so."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from indicators import selectors, services
from indicators.models import Indicator, PlanIndicator
from indicators.services import plan_indicator_add
from plans.models import Plan
from plans.rows import ALL_KINDS
from plans.services import row_update

D = Decimal
DEMO_SOURCE = "园区统计年鉴（演示数据）"
# 2016 -> 2020: industrial added value (万元) and energy intensity falling from 0.21 to 0.17
IAV = {2016: 9000000, 2017: 9500000, 2018: 10100000, 2019: 10600000, 2020: 11000000}
GDP = {2016: 23000000, 2017: 24500000, 2018: 26000000, 2019: 27500000, 2020: 29000000}
INTENSITY = {2016: D("0.21"), 2017: D("0.20"), 2018: D("0.19"), 2019: D("0.18"), 2020: D("0.17")}
# share of standard coal by fuel, and tce per statistical unit of the seed set
MIX = {
    "electricity": (D("0.60"), D("1.229")),
    "natural_gas": (D("0.25"), D("13.300")),
    "raw_coal": (D("0.10"), D("0.7143")),
    "heat": (D("0.03"), D("0.03412")),
    "diesel": (D("0.02"), D("1.4571")),
}


def _r(value, places="1"):
    return str(D(value).quantize(D(places), rounding=ROUND_HALF_UP))


def demo_tables() -> dict[str, dict]:
    energy = {code: {} for code in MIX}
    for year, iav in IAV.items():
        total_tce = INTENSITY[year] * iav
        for code, (share, tce_per_unit) in MIX.items():
            energy[code][str(year)] = _r(total_tce * share / tce_per_unit)
    scale = {y: D(iav) / D(IAV[2020]) for y, iav in IAV.items()}
    water, pollutants = {"total": {}, "fresh": {}, "reused": {}}, {}
    for y, s in scale.items():
        water["total"][str(y)] = _r(60000 * s)
        water["fresh"][str(y)] = _r((9000 + 300 * (2020 - y)) * s)
        water["reused"][str(y)] = _r(D(water["total"][str(y)]) - D(water["fresh"][str(y)]))
        for key, value in (
            ("wastewater", 8000),
            ("cod", 2400),
            ("nh3n", 160),
            ("so2", 900),
            ("nox", 2600),
            ("sw_generated", 180),
            ("sw_utilised", 168),
            ("sw_stored", 4),
            ("hazardous", 45000),
        ):
            worse = D(1) + D("0.04") * (2020 - y)  # older years emitted more per unit
            pollutants.setdefault(key, {})[str(y)] = _r(D(value) * s * worse)
    return {
        "economy": {
            "iav": {str(y): str(v) for y, v in IAV.items()},
            "gdp": {str(y): str(v) for y, v in GDP.items()},
        },
        "energy": energy,
        "water": water,
        "pollutants": pollutants,
    }


# code -> yearly factor on the baseline (lower-is-better indicators fall, rates rise)
TARGET_PATHS = {
    "energy_intensity_iav": [D("0.97"), D("0.94"), D("0.91"), D("0.88"), D("0.85")],
    "co2_intensity_iav": [D("0.96"), D("0.9216"), D("0.8847"), D("0.8493"), D("0.8154")],
    "energy_intensity_gdp": [D("0.97"), D("0.94"), D("0.91"), D("0.88"), D("0.85")],
    "wastewater_intensity_iav": [D("0.95"), D("0.90"), D("0.85"), D("0.80"), D("0.75")],
}


@transaction.atomic
def seed_demo_numbers(plan: Plan, actor) -> None:
    accounting = services.accounting_get_or_create(plan=plan)
    for key, values in demo_tables().items():
        record = selectors.table_records(plan)[key]
        services.table_save(
            plan=plan,
            table_key=key,
            values=values,
            actor=actor,
            expected_revision=record.revision if record else 0,
        )
    services.plan_indicators_ensure(plan=plan)
    numbers = selectors.plan_numbers(plan, accounting)
    base = plan.cycle.base_year
    kind = ALL_KINDS["indicators"]
    for row in numbers.indicators:
        pi = row.plan_indicator
        code = pi.indicator.code if pi.indicator_id else ""
        data = {"data_source": DEMO_SOURCE, "justifications": {}}
        if code == "carbon_peak_year":
            data.update(
                baseline="",
                targets={str(y): "2028" for y in plan.cycle.plan_years},
                feasibility="（演示数据）依据 4.2 行动路线图，园区预计2028年碳排放达峰。",
            )
        elif code == "co2_intensity_cut_rate":
            data.update(
                baseline=_r(row.history.get(base) or 0, "0.01"),
                targets={str(y): "4.0" for y in plan.cycle.plan_years},
                feasibility="（演示数据）按年均下降4%分解单位工业增加值二氧化碳排放目标。",
                justifications={
                    "direction": "（演示数据）“十三五”期间削减率较高，主要来自燃煤锅炉集中淘汰等"
                    "一次性措施；“十四五”按政策要求的年均4%安排，并留有余量。"
                },
            )
        elif code in TARGET_PATHS and row.history.get(base) is not None:
            baseline = D(row.history[base])
            data.update(
                baseline=_r(baseline, "0.0001"),
                targets={
                    str(y): _r(baseline * f, "0.0001")
                    for y, f in zip(plan.cycle.plan_years, TARGET_PATHS[code], strict=True)
                },
                feasibility=f"（演示数据）{pi.name}目标依据2016-2020年趋势及重点项目节能量测算。",
            )
        row_update(
            kind=kind,
            row=pi,
            actor=actor,
            data=data,
            expected_revision=PlanIndicator.objects.get(pk=pi.pk).revision,
        )


def seed_more_indicators(plan: Plan, actor, total: int) -> None:
    """Bring the plan to `total` indicators: the catalogue's optional ones first, then the park's
    own (for the benchmarks' full plans)."""
    chosen = PlanIndicator.objects.filter(plan=plan, indicator__isnull=False)
    optional = Indicator.objects.filter(required=False).exclude(
        pk__in=chosen.values("indicator_id")
    )
    for indicator in optional.order_by("pk"):
        if PlanIndicator.objects.filter(plan=plan).count() >= total:
            return
        plan_indicator_add(plan=plan, actor=actor, indicator=indicator)
    for i in range(total - PlanIndicator.objects.filter(plan=plan).count()):
        plan_indicator_add(
            plan=plan,
            actor=actor,
            custom_name=f"自定指标{i + 1}",
            custom_unit="%",
            custom_direction="higher",
        )
