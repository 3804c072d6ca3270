"""Energy and carbon accounting, and the indicators derived from the data tables.

Formulas (../shared/domain/README.md, "Formulas"):
- tce of a fuel = quantity × tce_per_unit; comprehensive energy consumption = sum over fuels;
- CO2 of a fuel = quantity × NCV × carbon content × oxidation rate × 44/12;
- electricity CO2 = MWh × the grid factor of the chosen year and region; heat CO2 = GJ × factor;
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
            f"{c.ncv_gj_per_unit} GJ/{c.unit} × {c.carbon_tc_per_tj} tC/TJ × "
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
    grid_factor: Decimal | None
    grid_factor_label: str
    coefficient_set_label: str
    missing_co2: list[str] = field(default_factory=list)  # fuels used without a CO2 factor


def energy_account(
    *,
    values: dict,
    fuels: list[Fuel],
    years: list[int],
    grid_factor: Decimal | None,
    grid_factor_label: str = "",
    coefficient_set_label: str = "",
) -> EnergyAccount:
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
                co2[year] = q * MWH_PER_10K_KWH * grid_factor if grid_factor is not None else None
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
        grid_factor,
        grid_factor_label,
        coefficient_set_label,
        missing,
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


def carbon_note(account: EnergyAccount, *, park_name: str, base_year: int) -> str:
    """碳排放核算说明: method, boundary, factors and sources, as the template's 2.4 (2) asks."""
    used = [line for line in account.lines if line.used]
    lines = [
        f"一、核算边界：{park_name}规模以上工业企业{account.years[0]}-{account.years[-1]}年"
        "能源活动产生的二氧化碳排放，包括化石燃料燃烧直接排放和净调入电力、热力的间接排放；"
        "不含工业生产过程排放和非能源活动排放。",
        "二、核算方法：化石燃料排放量 = 消费量 × 平均低位发热量 × 单位热值含碳量 × 碳氧化率 × "
        "44/12；电力排放量 = 电力消费量（兆瓦时）× 电网排放因子；热力排放量 = 热力消费量"
        "（吉焦）× 热力排放因子。能源消费量按统计报表计量单位填报，按折标准煤系数折算综合能耗。",
        f"三、系数来源：采用系数集“{account.coefficient_set_label}”。",
    ]
    for line in used:
        factor = line.fuel.co2_method or "无排放因子"
        if line.fuel.key == ELECTRICITY:
            factor = f"电网排放因子 {account.grid_factor_label}"
        lines.append(
            f"  · {line.fuel.name}（{line.fuel.unit}）：折标准煤系数 {line.fuel.tce_per_unit}；"
            f"排放因子 {factor}；来源：{line.fuel.source or '—'}。"
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
