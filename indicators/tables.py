"""The 2016-2020 data tables of 第六章 (1)-(2), declared once.

The web form, the Excel template and its import, the accounting, the preview/PDF and the national
export all walk TABLES. The energy table's rows are the fuels of the plan's coefficient set (data,
admin-edited) plus the park's own fuels; the other tables' rows are fixed here.
"""

from dataclasses import dataclass

from plans.outline import (
    ENERGY_TABLES_KEY,
    FEASIBILITY_KEY,
    INDICATORS_KEY,
    TARGETS_KEY,
    WATER_TABLES_KEY,
)


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    unit: str
    note: str = ""
    positive: bool = False  # intensities divide by it: 0 is refused (indicators.bounds)


@dataclass(frozen=True)
class Table:
    key: str
    section_key: str  # the outline entry (plans.outline) the table belongs to
    title: str
    rows: tuple[Row, ...] = ()
    fuel_rows: bool = False  # rows come from the coefficient set and the park's own fuels
    note: str = ""


ECONOMY = Table(
    "economy",
    ENERGY_TABLES_KEY,
    "园区主要经济指标",
    rows=(
        Row("iav", "工业增加值", "万元", "规模以上工业", positive=True),
        Row("gdp", "园区生产总值", "万元", positive=True),
    ),
    note="用于计算单位工业增加值、单位园区生产总值的强度指标。",
)
ENERGY = Table(
    "energy",
    ENERGY_TABLES_KEY,
    "规模以上工业分品种能源消费量",
    fuel_rows=True,
    note="按统计报表计量单位填写实物量；折标准煤与二氧化碳排放量由系统计算。",
)
WATER = Table(
    "water",
    WATER_TABLES_KEY,
    "规模以上工业用水量",
    rows=(
        Row("total", "工业用水总量", "万立方米"),
        Row("fresh", "其中：新鲜水量", "万立方米"),
        Row("reused", "其中：重复用水量", "万立方米"),
    ),
)
POLLUTANTS = Table(
    "pollutants",
    WATER_TABLES_KEY,
    "废水及主要污染物排放量",
    rows=(
        Row("wastewater", "工业废水排放量", "万吨"),
        Row("cod", "化学需氧量排放量", "吨"),
        Row("nh3n", "氨氮排放量", "吨"),
        Row("so2", "二氧化硫排放量", "吨"),
        Row("nox", "氮氧化物排放量", "吨"),
        Row("sw_generated", "一般工业固体废物产生量", "万吨"),
        Row("sw_utilised", "一般工业固体废物综合利用量", "万吨"),
        Row("sw_stored", "一般工业固体废物往年贮存量", "万吨", "当年综合利用的往年贮存量"),
        Row("hazardous", "危险废物产生量", "吨"),
    ),
)

TABLES: dict[str, Table] = {t.key: t for t in (ECONOMY, ENERGY, WATER, POLLUTANTS)}


# What the document shows for the outline's number sections (plans.outline Kind.INDICATORS and
# Kind.DATA_TABLES): each part is a partial templates/indicators/_doc_<part>.html.
DOCUMENT_PARTS: dict[str, tuple[str, ...]] = {
    TARGETS_KEY: ("targets",),
    INDICATORS_KEY: ("indicators",),
    FEASIBILITY_KEY: ("feasibility",),
    ENERGY_TABLES_KEY: ("table_economy", "table_energy", "energy_account"),
    WATER_TABLES_KEY: ("table_water", "table_pollutants", "derived"),
}


def tables_for_section(key: str) -> list[Table]:
    return [t for t in TABLES.values() if t.section_key == key]


def custom_fuel_key(fuel_id: int) -> str:
    return f"custom-{fuel_id}"
