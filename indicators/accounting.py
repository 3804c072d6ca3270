"""Energy and carbon accounting, and the indicators derived from the data tables.

Formulas (../shared/domain/README.md, "Formulas"):
- tce of a fuel = quantity × tce_per_unit; comprehensive energy consumption = sum over fuels;
- CO2 of a fuel = quantity × NCV × carbon content × oxidation rate × 44/12;
- electricity CO2 = MWh × the grid factor of the data year and the chosen region (indicators.grid
  picks each year's factor); heat CO2 = GJ × factor;
- 单位工业增加值X = X / 工业增加值 (万元).
Every figure carries the coefficient set it used; values are Decimals, never floats.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from core.numbers import to_decimal

# Molar masses: CO2 44.01 g/mol, C 12.01 g/mol; 44/12 is the conversion the formula above and
# the IPCC 2006 Guidelines (Vol. 2, Ch. 1) use.
CO2_PER_C = Decimal(44) / Decimal(12)
GJ_PER_TJ = Decimal(1000)  # SI prefixes
MWH_PER_10K_KWH = Decimal(10)  # 1 万千瓦时 = 10,000 kWh = 10 MWh
TONNES_PER_10K_TONNES = Decimal(10000)  # 1 万吨 = 10,000 吨
M3_PER_10K_M3 = Decimal(10000)  # 1 万立方米 = 10,000 立方米
KG_PER_TONNE = Decimal(1000)
HUNDRED = Decimal(100)

ELECTRICITY = "electricity"
HEAT = "heat"

# 1 kgce = 7,000 kcal × 4.1868 kJ/kcal = 29,307.6 kJ (GB/T 2589), so 1 tce = 29.3076 GJ.
GJ_PER_TCE = Decimal("29.3076")
# A fuel's standard coal factor and its net calorific value must describe one calorific value.
# GB/T 2589's own table leaves 0.12-0.13 % between its kJ column (kcal × 4.1816) and its kgce
# column (kcal ÷ 7,000); a wider gap means two calorific values (natural gas was 9.5 % apart:
# 35,544 kJ/m³ for tce, 38,931 kJ/m³ for CO2).
CALORIFIC_TOLERANCE = Decimal("0.005")


def calorific_mismatch(tce_per_unit, ncv_gj_per_unit) -> Decimal | None:
    """How far (a fraction) the calorific value behind the standard coal factor is from the net
    calorific value the CO2 uses; None where a fuel has no NCV (electricity, heat)."""
    if not tce_per_unit or not ncv_gj_per_unit:
        return None
    return abs(ncv_gj_per_unit / GJ_PER_TCE - tce_per_unit) / tce_per_unit


@dataclass
class Fuel:
    """A fuel row with its coefficients, from the coefficient set or the park's own."""

    key: str
    name: str
    unit: str
    tce_per_unit: Decimal
    co2_t_per_unit: Decimal | None  # None: no emission factor known
    co2_method: str
    source: str


def fuel_from_coefficient(c) -> Fuel:
    """CO2 factor from NCV × carbon content × oxidation × 44/12 where those are given, else the
    set's stated CO2 per unit (heat), else none (washed coal in the seed set)."""
    if c.ncv_gj_per_unit and c.carbon_tc_per_tj and c.oxidation_rate:
        factor = c.ncv_gj_per_unit / GJ_PER_TJ * c.carbon_tc_per_tj * c.oxidation_rate * CO2_PER_C
        method = (
            f"{c.ncv_gj_per_unit} GJ/{c.unit} × {c.carbon_tc_per_tj} 吨碳/TJ × "
            f"{c.oxidation_rate} × 44/12"
        )
    elif c.co2_t_per_unit is not None:
        factor, method = c.co2_t_per_unit, f"{c.co2_t_per_unit} tCO2/{c.unit}"
    else:
        factor, method = None, ""
    return Fuel(c.code, c.name, c.unit, c.tce_per_unit, factor, method, c.source)


def fuel_from_custom(f, key: str) -> Fuel:
    method = f"{f.co2_t_per_unit} tCO2/{f.unit}" if f.co2_t_per_unit is not None else ""
    return Fuel(key, f.name, f.unit, f.tce_per_unit, f.co2_t_per_unit, method, f.source)


@dataclass(frozen=True)
class GridYear:
    """The grid factor one data year's electricity uses: its value, the data year it was
    published for (another year's where the year has none: a stand-in), its series and source."""

    year: int
    value: Decimal
    factor_year: int
    series: str  # 华东区域电网, 全国平均, 安徽省（省级）
    citation: str  # issuing body, announcement title and year
    newer_year: int | None = None  # a factor published since, closer to the year (live only)

    @property
    def stand_in(self) -> bool:
        return self.factor_year != self.year

    @property
    def note(self) -> str:
        return f"{self.year}年数据暂用{self.factor_year}年因子" if self.stand_in else ""

    @property
    def label(self) -> str:
        return f"{self.value} tCO2/MWh（{self.series}，{self.factor_year}年）"


def stand_in_notes(grid_years: dict[int, GridYear]) -> list[str]:
    """One note per run of years using the same stand-in: 2016-2021年数据暂用2022年因子."""
    runs: list[list[GridYear]] = []
    for grid in sorted(grid_years.values(), key=lambda g: g.year):
        if not grid.stand_in:
            continue
        if (
            runs
            and runs[-1][-1].factor_year == grid.factor_year
            and runs[-1][-1].year + 1 == (grid.year)
        ):
            runs[-1].append(grid)
        else:
            runs.append([grid])
    notes = []
    for run in runs:
        years = f"{run[0].year}" if len(run) == 1 else f"{run[0].year}-{run[-1].year}"
        notes.append(f"{years}年数据暂用{run[0].factor_year}年因子")
    return notes


@dataclass
class FuelLine:
    fuel: Fuel
    quantity: dict[int, Decimal | None]
    tce: dict[int, Decimal | None]
    co2: dict[int, Decimal | None]

    @property
    def used(self) -> bool:
        return any(q for q in self.quantity.values())


@dataclass
class EnergyAccount:
    years: list[int]
    lines: list[FuelLine]
    total_tce: dict[int, Decimal | None]
    total_co2: dict[int, Decimal | None]
    share: dict[str, dict[int, Decimal | None]]  # fuel key -> year -> % of total tce
    grid_years: dict[int, GridYear]
    grid_factor_label: str  # the series as one line (the only grid facts of a format-2 snapshot)
    coefficient_set_label: str
    missing_co2: list[str] = field(default_factory=list)  # fuels used without a CO2 factor
    grid_choice: str = ""  # the series and whether it is the default
    grid_reason: str = ""  # why the park chose another series than the default

    @property
    def stand_in_notes(self) -> list[str]:
        return stand_in_notes(self.grid_years)

    @property
    def citations(self) -> list[str]:
        """The announcements the grid factors used come from, oldest first, once each."""
        by_year = {g.factor_year: g.citation for g in self.grid_years.values()}
        return list(dict.fromkeys(by_year[y] for y in sorted(by_year)))


def energy_account(
    *,
    values: dict,
    fuels: list[Fuel],
    years: list[int],
    grid_years: dict[int, GridYear] | None = None,
    grid_factor: Decimal | None = None,
    grid_factor_label: str = "",
    coefficient_set_label: str = "",
    grid_choice: str = "",
    grid_reason: str = "",
) -> EnergyAccount:
    """The account of `years`: electricity at each year's factor (`grid_years`), or at one
    factor for every year (`grid_factor`, where no year has its own)."""
    grid_years = grid_years or {}
    factors = {y: grid_years[y].value if y in grid_years else grid_factor for y in years}
    lines = []
    total_tce: dict[int, Decimal | None] = dict.fromkeys(years)
    total_co2: dict[int, Decimal | None] = dict.fromkeys(years)
    missing = []
    for fuel in fuels:
        row = values.get(fuel.key, {})
        quantity = {y: to_decimal(row.get(str(y))) for y in years}
        tce, co2 = {}, {}
        for year, q in quantity.items():
            tce[year] = None if q is None else q * fuel.tce_per_unit
            if q is None:
                co2[year] = None
            elif fuel.key == ELECTRICITY:
                factor = factors[year]
                co2[year] = q * MWH_PER_10K_KWH * factor if factor is not None else None
            elif fuel.co2_t_per_unit is not None:
                co2[year] = q * fuel.co2_t_per_unit
            else:
                co2[year] = None
            if q and co2[year] is None and fuel.name not in missing:
                missing.append(fuel.name)
            if tce[year] is not None:
                total_tce[year] = (total_tce[year] or Decimal(0)) + tce[year]
            if co2[year] is not None:
                total_co2[year] = (total_co2[year] or Decimal(0)) + co2[year]
        lines.append(FuelLine(fuel, quantity, tce, co2))
    share = {
        line.fuel.key: {
            y: (line.tce[y] / total_tce[y] * HUNDRED)
            if line.tce[y] is not None and total_tce[y]
            else None
            for y in years
        }
        for line in lines
    }
    return EnergyAccount(
        years,
        lines,
        total_tce,
        total_co2,
        share,
        grid_years,
        grid_factor_label,
        coefficient_set_label,
        missing,
        grid_choice,
        grid_reason,
    )


def _ratio(numerator, denominator, scale=Decimal(1)):
    if numerator is None or not denominator:
        return None
    return numerator * scale / denominator


def _row(values: dict, table: str, row: str, year: int) -> Decimal | None:
    return to_decimal(values.get(table, {}).get(row, {}).get(str(year)))


# key -> (label, unit); the keys are the catalogue's indicator codes (Indicator.derivation).
DERIVED = {
    "energy_intensity_iav": ("单位工业增加值综合能耗", "吨标准煤/万元"),
    "co2_intensity_iav": ("单位工业增加值二氧化碳排放量", "吨二氧化碳/万元"),
    "energy_intensity_gdp": ("单位园区生产总值综合能耗", "吨标准煤/万元"),
    "wastewater_intensity_iav": ("单位工业增加值废水排放量", "吨/万元"),
    "fresh_water_intensity_iav": ("单位工业增加值新鲜水耗", "立方米/万元"),
    "water_reuse_rate": ("工业用水重复利用率", "%"),
    "solid_waste_utilization_rate": ("一般工业固体废物综合利用率", "%"),
    "cod_intensity_iav": ("单位工业增加值化学需氧量排放量", "千克/万元"),
    "nh3n_intensity_iav": ("单位工业增加值氨氮排放量", "千克/万元"),
    "so2_intensity_iav": ("单位工业增加值二氧化硫排放量", "千克/万元"),
    "nox_intensity_iav": ("单位工业增加值氮氧化物排放量", "千克/万元"),
    "co2_intensity_cut_rate": ("单位工业增加值二氧化碳排放量年均削减率", "%"),
}


def average_yearly_cut(first: Decimal | None, last: Decimal | None, years: int) -> Decimal | None:
    """Average yearly % cut from `first` to `last` over `years` years: (1 - (last/first)^(1/n))."""
    if first is None or last is None or not first or years <= 0 or last < 0:
        return None
    ratio = float(last / first) ** (1 / years)
    return (Decimal(1) - Decimal(str(ratio))) * HUNDRED


@dataclass(frozen=True)
class Ratio:
    """A derived indicator as numerator / denominator × scale, each read for a year from the data
    tables (`values`) or the energy totals (`totals`: {"tce"|"co2": {year: Decimal}}). A plan's
    figure is its own ratio; a group of parks' figure is Σ numerators / Σ denominators (a ratio
    of sums, never the average of the parks' ratios)."""

    numerator: Callable[[dict, dict, int], Decimal | None]
    denominator: Callable[[dict, dict, int], Decimal | None]
    scale: Decimal = Decimal(1)

    def parts(self, values: dict, totals: dict, year: int) -> tuple[Decimal | None, ...]:
        return self.numerator(values, totals, year), self.denominator(values, totals, year)

    def of(self, values: dict, totals: dict, year: int) -> Decimal | None:
        return _ratio(*self.parts(values, totals, year), self.scale)


def _cell(table: str, row: str):
    return lambda values, totals, year: _row(values, table, row, year)


def _total(kind: str):
    return lambda values, totals, year: totals[kind].get(year)


def _solid_waste_base(values: dict, totals: dict, year: int) -> Decimal | None:
    generated = _row(values, "pollutants", "sw_generated", year)
    stored = _row(values, "pollutants", "sw_stored", year)
    return None if generated is None else generated + (stored or Decimal(0))


# The formulas of ../shared/domain/README.md ("Formulas"); units as the data tables are entered.
RATIOS: dict[str, Ratio] = {
    "energy_intensity_iav": Ratio(_total("tce"), _cell("economy", "iav")),
    "co2_intensity_iav": Ratio(_total("co2"), _cell("economy", "iav")),
    "energy_intensity_gdp": Ratio(_total("tce"), _cell("economy", "gdp")),
    "wastewater_intensity_iav": Ratio(
        _cell("pollutants", "wastewater"), _cell("economy", "iav"), TONNES_PER_10K_TONNES
    ),
    "fresh_water_intensity_iav": Ratio(
        _cell("water", "fresh"), _cell("economy", "iav"), M3_PER_10K_M3
    ),
    "water_reuse_rate": Ratio(_cell("water", "reused"), _cell("water", "total"), HUNDRED),
    "solid_waste_utilization_rate": Ratio(
        _cell("pollutants", "sw_utilised"), _solid_waste_base, HUNDRED
    ),
    **{
        f"{pollutant}_intensity_iav": Ratio(
            _cell("pollutants", pollutant), _cell("economy", "iav"), KG_PER_TONNE
        )
        for pollutant in ("cod", "nh3n", "so2", "nox")
    },
}


def derived_series(values: dict, account: EnergyAccount) -> dict[str, dict[int, Decimal | None]]:
    """Every derivable indicator for every history year."""
    years = account.years
    totals = {"tce": account.total_tce, "co2": account.total_co2}
    series: dict[str, dict[int, Decimal | None]] = {key: {} for key in DERIVED}
    for y in years:
        for key, ratio in RATIOS.items():
            series[key][y] = ratio.of(values, totals, y)
        series["co2_intensity_cut_rate"][y] = None
    co2 = series["co2_intensity_iav"]
    if years:
        series["co2_intensity_cut_rate"][years[-1]] = average_yearly_cut(
            co2[years[0]], co2[years[-1]], years[-1] - years[0]
        )
    return series


def _year_runs(grid_years: dict[int, GridYear]) -> list[list[GridYear]]:
    """Consecutive years using the same factor, as runs."""
    runs: list[list[GridYear]] = []
    for grid in sorted(grid_years.values(), key=lambda g: g.year):
        last = runs[-1][-1] if runs else None
        if last and (last.factor_year, last.value, last.stand_in, last.year + 1) == (
            grid.factor_year,
            grid.value,
            grid.stand_in,
            grid.year,
        ):
            runs[-1].append(grid)
        else:
            runs.append([grid])
    return runs


def grid_summary(choice: str, grid_years: dict[int, GridYear], *, fallback: str = "") -> str:
    """Which factor a park's figures use, in one line for exports and dashboards: the series,
    then each run of years with the factor year it used (华东区域电网（按园区所在地默认）：
    2016-2021年数据暂用2022年因子，2022年数据用2022年因子)."""
    if not grid_years:
        return fallback or "—"
    runs: list[list[GridYear]] = []
    for grid in sorted(grid_years.values(), key=lambda g: g.year):
        last = runs[-1][-1] if runs else None
        if last and (last.factor_year, last.stand_in, last.year + 1) == (
            grid.factor_year,
            grid.stand_in,
            grid.year,
        ):
            runs[-1].append(grid)
        else:
            runs.append([grid])
    parts = []
    for run in runs:
        first, last = run[0], run[-1]
        span = f"{first.year}" if first is last else f"{first.year}-{last.year}"
        verb = "暂用" if first.stand_in else "用"
        parts.append(f"{span}年数据{verb}{first.factor_year}年因子")
    return f"{choice}：{'，'.join(parts)}"


def grid_note(account: EnergyAccount) -> list[str]:
    """What the carbon note says of electricity: the series, each year's factor (stand-ins
    named), the announcements cited by issuing body, title and year, and the park's reason."""
    if not account.grid_years:
        label = account.grid_factor_label or "未选择"
        return [f"  · 电力：电网排放因子 {label}。"]
    years = []
    for run in _year_runs(account.grid_years):
        first, last = run[0], run[-1]
        span = f"{first.year}年" if first is last else f"{first.year}-{last.year}年"
        note = f"暂用{first.factor_year}年因子" if first.stand_in else f"{first.factor_year}年因子"
        years.append(f"{span} {first.value} tCO2/MWh（{note}）")
    lines = [
        f"  · 电力：电网排放因子采用{account.grid_choice}，按数据年份取值："
        + "；".join(years)
        + "。",
        "    无当年因子的数据年份暂用此前最近公布年份的因子，早于首个公布年份的数据年份暂用"
        "首个公布年份的因子；当年因子公布后可重新计算。",
        "    因子来源：" + "；".join(account.citations) + "。",
    ]
    if account.grid_reason:
        lines.append(f"    选用理由：{account.grid_reason}")
    return lines


def carbon_note(account: EnergyAccount, *, park_name: str, base_year: int) -> str:
    """碳排放核算说明: method, boundary, factors and sources, as the template's 2.4 (2) asks.
    In Chinese throughout: it is part of the document of record."""
    used = [line for line in account.lines if line.used]
    lines = [
        f"一、核算边界：{park_name}规模以上工业企业{account.years[0]}-{account.years[-1]}年"
        "能源活动产生的二氧化碳排放，包括化石燃料燃烧直接排放和净调入电力、热力的间接排放；"
        "不含工业生产过程排放和非能源活动排放。",
        "二、核算方法：化石燃料排放量 = 消费量 × 平均低位发热量 × 单位热值含碳量 × 碳氧化率 × "
        "44/12；电力排放量 = 电力消费量（兆瓦时）× 当年电网排放因子；热力排放量 = 热力消费量"
        "（吉焦）× 热力排放因子。能源消费量按统计报表计量单位填报，按折标准煤系数折算综合能耗。",
        f"三、系数来源：折标准煤系数和化石燃料、热力排放因子采用系数集"
        f"“{account.coefficient_set_label}”，各系数的来源与核实状态随系数集公布。",
    ]
    for line in used:
        if line.fuel.key == ELECTRICITY:
            lines.append(
                f"  · {line.fuel.name}（{line.fuel.unit}）：折标准煤系数 {line.fuel.tce_per_unit}。"
            )
            lines += grid_note(account)
            continue
        factor = line.fuel.co2_method or "无排放因子"
        lines.append(
            f"  · {line.fuel.name}（{line.fuel.unit}）：折标准煤系数 {line.fuel.tce_per_unit}；"
            f"排放因子 {factor}。"
        )
    total = account.total_co2.get(base_year)
    if total is not None:
        lines.append(
            f"四、核算结果：{base_year}年园区规模以上工业二氧化碳排放量约 {total:,.0f} 吨，"
            f"综合能源消费量约 {account.total_tce[base_year]:,.0f} 吨标准煤。"
        )
    if account.missing_co2:
        lines.append(
            "五、说明：" + "、".join(account.missing_co2) + "缺少排放因子，未计入二氧化碳排放量。"
        )
    return "\n".join(lines)
