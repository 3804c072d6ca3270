"""What the benchmarks seed alike (bench/run.py, bench/load.py)."""

from decimal import Decimal


def submitted_three_times(parks, *, snapshot, manager) -> list:
    """Each park's plan in review with three versions, all of one frozen snapshot (about 40 KB
    of JSON) reused, the rows bulk-made: the plans."""
    from plans.models import Plan
    from plans.selectors import cycle_current
    from plans.services import plan_get_or_create
    from plans.status import State
    from review.models import Version

    cycle = cycle_current()
    plans = [plan_get_or_create(park=park, cycle=cycle) for park in parks]
    Plan.objects.filter(pk__in=[p.pk for p in plans]).update(status=State.SUBMITTED)
    Version.objects.bulk_create(
        Version(
            plan=plan,
            number=n,
            outline_version=snapshot.outline_version,
            snapshot=snapshot.snapshot,
            content_hash=snapshot.content_hash,
            submitted_by=manager,
        )
        for plan in plans
        for n in (1, 2, 3)
    )
    return plans


# The indicators every bench report counts: (catalogue code, yearly factor on the 2020 baseline
# the plan targets); the actuals follow the park's own data tables.
REPORT_INDICATORS = (
    ("energy_intensity_iav", Decimal("0.97")),
    ("co2_intensity_iav", Decimal("0.96")),
    ("energy_intensity_gdp", Decimal("0.97")),
    ("wastewater_intensity_iav", Decimal("0.95")),
)
REPORT_YEARS = (2021, 2022, 2023, 2024, 2025)


def approved_reports(parks, *, years=REPORT_YEARS, manager=None, snapshot=None) -> list:
    """Each park's plan approved, with an approved annual report per year of `years`: its data
    tables (economy, energy, water, pollutants), the accounting (the default coefficient set)
    and its actuals against targets, all bulk-made (seconds for 174 parks × 5 years). Figures
    differ by park (seeded by the park's id) and improve year by year, some parks missing their
    targets. With `snapshot` (a review.models.Version) and `manager`, each report also gets one
    version of that snapshot. Returns the reports."""
    import random

    from indicators.models import Accounting, Direction, Indicator, IndicatorActual, TableData
    from indicators.services import default_coefficient_set
    from plans.models import Plan, Section
    from plans.outline import outline_for
    from plans.selectors import cycle_current
    from plans.services import plan_get_or_create
    from plans.status import State
    from reports import schedule
    from review.models import Version

    cycle = cycle_current()
    plans = [plan_get_or_create(park=park, cycle=cycle) for park in parks]
    Plan.objects.filter(pk__in=[p.pk for p in plans]).update(status=State.APPROVED)
    coefficient_set = default_coefficient_set()
    catalogue = Indicator.objects.in_bulk([c for c, _f in REPORT_INDICATORS], field_name="code")
    outline = outline_for(Plan.OUTLINES[Plan.Kind.ANNUAL])
    reports = Plan.objects.bulk_create(
        Plan(
            park_id=plan.park_id,
            cycle=cycle,
            kind=Plan.Kind.ANNUAL,
            follows=plan,
            data_year=year,
            due_date=schedule.default_due(cycle, Plan.Kind.ANNUAL, year),
            status=State.APPROVED,
            outline_version=outline.version,
        )
        for plan in plans
        for year in years
    )
    Section.objects.bulk_create(
        Section(plan=report, key=entry.key, body="<p>（基准测试数据）</p>", is_done=True)
        for report in reports
        for entry in outline.sections
    )
    Accounting.objects.bulk_create(
        Accounting(plan=report, coefficient_set=coefficient_set) for report in reports
    )
    tables, actuals = [], []
    for report in reports:
        numbers = _report_numbers(random.Random(report.park_id), report.data_year)
        tables += [
            TableData(plan=report, table=key, values=values)
            for key, values in numbers["tables"].items()
        ]
        step = report.data_year - cycle.base_year
        for position, (code, factor) in enumerate(REPORT_INDICATORS, start=1):
            indicator = catalogue.get(code)
            baseline = numbers["baseline"][code]
            actuals.append(
                IndicatorActual(
                    plan=report,
                    position=position,
                    indicator=indicator,
                    name=indicator.name if indicator else code,
                    unit=indicator.unit if indicator else "",
                    direction=Direction.LOWER,
                    derivation=code,
                    baseline=baseline,
                    target=(baseline * factor**step).quantize(Decimal("0.000001")),
                    actual=numbers["actual"][code],
                    data_source="园区统计报表（基准测试数据）",
                )
            )
    TableData.objects.bulk_create(tables, batch_size=1000)
    IndicatorActual.objects.bulk_create(actuals, batch_size=1000)
    if snapshot is not None:
        Version.objects.bulk_create(
            (
                Version(
                    plan=report,
                    number=1,
                    outline_version=snapshot.outline_version,
                    snapshot=snapshot.snapshot,
                    content_hash=snapshot.content_hash,
                    submitted_by=manager,
                )
                for report in reports
            ),
            batch_size=500,
        )
    return reports


def _report_numbers(rng, year: int) -> dict:
    """One park's data tables of `year` and what they imply (tce, CO2 at about 0.58 t/MWh for
    the electricity), with the 2020 baseline: the park's size and pace drawn from `rng`."""
    q = Decimal("0.000001")
    iav_2020 = Decimal(rng.randrange(300_000, 12_000_000))
    intensity_2020 = Decimal(rng.randrange(150, 900)) / 1000  # tce per 万元
    pace = Decimal(rng.randrange(0, 70)) / 1000  # yearly cut, 0-7 %: some miss the 3 % target
    growth = 1 + Decimal(rng.randrange(20, 90)) / 1000
    step = year - 2020
    iav = (iav_2020 * growth**step).quantize(Decimal("1"))
    intensity = intensity_2020 * (1 - pace) ** step
    tce = intensity * iav
    electricity = tce * Decimal("0.55") / Decimal("1.229")  # 万千瓦时
    gas = tce * Decimal("0.35") / Decimal("13.3")  # 万立方米
    coal = tce * Decimal("0.10") / Decimal("0.7143")  # 吨
    co2_per_tce = Decimal("2.1")
    wastewater = iav * Decimal("0.0007") * (1 - pace) ** step  # 万吨
    y = str(year)
    tables = {
        "economy": {"iav": {y: str(iav)}, "gdp": {y: str((iav * Decimal("2.6")).quantize(1))}},
        "energy": {
            "electricity": {y: f"{electricity:.1f}"},
            "natural_gas": {y: f"{gas:.1f}"},
            "raw_coal": {y: f"{coal:.1f}"},
        },
        "water": {"total": {y: f"{iav * Decimal('0.005'):.1f}"}},
        "pollutants": {"wastewater": {y: f"{wastewater:.1f}"}},
    }
    return {
        "tables": tables,
        "baseline": {
            "energy_intensity_iav": intensity_2020.quantize(q),
            "co2_intensity_iav": (intensity_2020 * co2_per_tce).quantize(q),
            "energy_intensity_gdp": (intensity_2020 / Decimal("2.6")).quantize(q),
            "wastewater_intensity_iav": Decimal("7").quantize(q),  # 吨/万元 × 1,000
        },
        "actual": {
            "energy_intensity_iav": intensity.quantize(q),
            "co2_intensity_iav": (intensity * co2_per_tce).quantize(q),
            "energy_intensity_gdp": (intensity / Decimal("2.6")).quantize(q),
            "wastewater_intensity_iav": (wastewater / iav * 10000).quantize(q),
        },
    }
