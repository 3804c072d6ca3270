"""The summary workbook's sheets: their names, notes, columns and formats, and the write-only
sheet that writes them (summaries.export_workbook)."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core import spreadsheets
from core.numbers import to_decimal
from parks.models import ParkProfile
from parks.profile import PROFILE_GROUPS, field_label
from plans.models import ProjectProgress
from plans.outline import TASK_GROUPS
from plans.rows import ROW_KINDS
from plans.status import State

MONEY = "#,##0.00"
QUANTITY = "#,##0.00"
INTENSITY = "#,##0.0000"
PERCENT = "0.00"
WHOLE = "0"
WHEN = "yyyy-mm-dd hh:mm"

ABOUT = "说明"
STATUS = "1 填报状态"
INDICATORS = "2 指标"
AGGREGATES = "3 指标汇总"
DATA = "4 数据表（园区）"
DATA_SUMS = "4 数据表（全国及分省合计）"
PROJECTS = "5 重点项目"
PROJECT_SUMS = "5 项目投资汇总"
ACTUALS = "6 实际值（全国及分省）"
ATTAINMENT = "7 指标达成情况"
EXECUTION = "8 项目执行情况"
SHEETS = (
    ABOUT,
    STATUS,
    INDICATORS,
    AGGREGATES,
    DATA,
    DATA_SUMS,
    PROJECTS,
    PROJECT_SUMS,
    ACTUALS,
    ATTAINMENT,
    EXECUTION,
)
NATIONAL = "全国"
NOT_ADDED = {"%", "年"}  # stated rates and years: not added up across parks
GROUP_ORDER = [key for key, _label in TASK_GROUPS]

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DCEFE3")
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
TITLE_FONT = Font(bold=True, size=14)

GRID_RULE = (
    "电力二氧化碳排放量按各数据年份的电网排放因子计算（生态环境部、国家统计局公布）；"
    "无当年因子的年份暂用此前最近公布年份的因子，早于首个公布年份的暂用首个公布年份的因子。"
    "各园区默认采用所在省份的因子，未公布的采用所在区域电网的因子，再无则用全国平均；"
    "各园区所用因子见“1 填报状态”表的“电网排放因子”列。全国和分省合计把不同因子算出的排放量相加。"
)
AGGREGATION_RULE = (
    "绝对量（综合能源消费量、二氧化碳排放量、用水量、污染物排放量、投资额等）为各园区之和；"
    "强度和比率指标为比值之和（Σ分子 ÷ Σ分母，分子分母取自各园区2020年数据表），"
    "不是各园区比值的平均；强度指标的2025年目标按各园区2020年分母（如工业增加值）加权，"
    "即 Σ(目标 × 分母) ÷ Σ分母；百分比和年份类的自报指标不汇总。"
    "每个汇总数都注明其背后的园区数（有该项数据的园区）。"
)
SOURCE_RULE = (
    "数值一律取自已提交或已通过的版本（提交时冻结、不可修改的快照）：每个方案取其最新提交版本，"
    "选定汇总快照时取快照冻结的版本；未提交的草稿从不计入。"
)
SHEET_NOTES = {
    STATUS: (
        "各园区的方案状态、版本、提交与通过时间、审核人及园区基本信息中的联系人，"
        "以及其二氧化碳排放量所用的电网排放因子（范围、各数据年份所用因子的年份，暂用的注明）。"
    ),
    INDICATORS: "每个园区每项指标一行：基准值、2021-2025年目标、是否达到国家参考值、预警及说明。",
    AGGREGATES: "各指标的全国和分省汇总（汇总规则见上），以及背后的园区数。",
    DATA: "2016-2020年数据表：分品种能源实物量、折标准煤、二氧化碳，用水与污染物，每个园区。",
    DATA_SUMS: "同上，全国与分省合计；实物量只在同一品种、同一计量单位内相加。",
    PROJECTS: "全部重点项目，每个项目一行。",
    PROJECT_SUMS: "重点项目投资按省份、任务类别和开工年份汇总。",
    ACTUALS: (
        "已通过的年度实施情况报告（无则取终期评估报告）各数据年份的实际值，全国与分省："
        "综合能耗与二氧化碳强度为比值之和（Σ分子 ÷ Σ分母），对照国家目标"
        "（国家高新区整体单位工业增加值综合能耗不高于0.4；半数园区低于0.3，逐园区计数，0.3计入；"
        "单位工业增加值二氧化碳排放自2020年起年均下降不少于4%，各园区对照本园区基准值）。"
    ),
    ATTAINMENT: "各指标实际值对照当年目标的达成情况：达成数、未达成数、无目标或实际值数、达成率。",
    EXECUTION: "重点项目执行情况：按状态计的项目数，计划投资与累计完成投资（Σ完成 ÷ Σ计划）。",
}


@dataclass(frozen=True)
class Column:
    header: str
    width: float = 12
    number_format: str = ""


class Sheet:
    """A write-only sheet with a frozen, filtered header row and set column widths (both must be
    set before the first row is written). Every value goes in through core.spreadsheets, so the
    text the parks typed stays text (never a formula)."""

    def __init__(self, workbook: Workbook, title: str, columns: list[Column]):
        self.ws = workbook.create_sheet(title)
        self.columns = columns
        for index, column in enumerate(columns, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = column.width
        self.ws.freeze_panes = "A2"
        self.ws.row_dimensions[1].height = 36
        self.rows = 0
        header = []
        for column in columns:
            cell = spreadsheets.cell(self.ws, column.header)
            cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGN
            header.append(cell)
        self.ws.append(spreadsheets.row(self.ws, header))

    def append(self, values: Iterable, formats: dict[int, str] | None = None) -> None:
        row = []
        for index, (value, column) in enumerate(zip(values, self.columns, strict=True)):
            number_format = (formats or {}).get(index, column.number_format)
            if value == "":
                value = None
            if value is None or isinstance(value, str) or not number_format:
                row.append(value)
                continue
            cell = spreadsheets.cell(self.ws, value)
            cell.number_format = number_format
            row.append(cell)
        self.ws.append(spreadsheets.row(self.ws, row))
        self.rows += 1

    def close(self) -> None:
        last = get_column_letter(len(self.columns))
        self.ws.auto_filter.ref = f"A1:{last}{self.rows + 1}"


@dataclass
class About:
    """What the 说明 sheet says about the export besides what the pass finds."""

    generated_at: datetime.datetime
    generated_by: str
    cycle: object  # plans.models.Cycle
    provinces: str
    states: list[str]
    snapshot: object | None  # review.models.SummarySnapshot
    national: bool  # the export covers every province the user may see

    def states_text(self) -> str:
        states = self.snapshot.states if self.snapshot else self.states
        return "、".join(str(State(s).label) for s in states if s in State.values)

    def snapshot_text(self) -> str:
        if not self.snapshot:
            return "无：取每个方案当前最新的提交版本"
        frozen = timezone.localtime(self.snapshot.created_at)
        return f"{self.snapshot.name}（{frozen:%Y-%m-%d %H:%M} 冻结，{self.states_text()}）"


@dataclass
class Result:
    parks: int
    versions: int


def num(value) -> float | None:
    """A snapshot's number (string or Decimal) as Excel's number."""
    decimal = value if isinstance(value, Decimal) else to_decimal(value)
    return None if decimal is None else float(decimal)


def local(moment: datetime.datetime | None) -> datetime.datetime | None:
    """Excel has no time zones: Beijing time, naive."""
    return None if moment is None else timezone.localtime(moment).replace(tzinfo=None)


def indicator_format(unit: str) -> str:
    if unit == "年":
        return WHOLE
    if unit == "%":
        return PERCENT
    return INTENSITY


CONTACT_GROUPS = ("head", "dept", "contact")


def contact_fields() -> list[str]:
    """The park information's contact fields (parks.profile walks its groups), address first."""
    fields = ["address", "postcode"]
    return fields + [f for g in PROFILE_GROUPS if g.key in CONTACT_GROUPS for f in g.fields]


@dataclass
class DataSum:
    """One row of the province sums of the data tables: a year's total and the parks behind."""

    years: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    parks: int = 0


# The key projects sheet: the projects row kind's fields (plans.rows) that a summary reads, in
# the kind's order, with each column's width and number format; the headers are the fields'
# labels, as the editor and the preview show them. The amounts are also summed (PROJECT_SUMS).
PROJECT_KIND = ROW_KINDS["projects"]
# the project progress statuses (plans.models.ProjectProgress), labelled in Chinese when written
PROGRESS_STATUSES = ProjectProgress.Status.choices
PROJECT_FIELDS: dict[str, tuple[float, str]] = {
    "name": (34, ""),
    "group": (30, ""),
    "implementer": (24, ""),
    "start_year": (9, WHOLE),
    "end_year": (9, WHOLE),
    "investment": (14, MONEY),
    "government_funds": (14, MONEY),
    "energy_saved_tce": (14, QUANTITY),
    "co2_reduced_t": (14, QUANTITY),
    "status": (10, ""),
}
PROJECT_AMOUNTS = ("investment", "government_funds", "energy_saved_tce", "co2_reduced_t")


def project_label(name: str) -> str:
    return str(PROJECT_KIND.field(name).verbose_name)


def project_cell(name: str, value):
    """A project's frozen value as its column shows it: a choice by its label (the value itself
    where it is not one of the choices), an amount as a number."""
    model_field = PROJECT_KIND.field(name)
    if model_field.choices:
        labels = dict(model_field.flatchoices)
        return str(labels[value]) if value in labels else value
    if isinstance(model_field, models.DecimalField):
        return num(value)
    return value


@dataclass
class ProjectSum:
    projects: int = 0
    parks: set = field(default_factory=set)
    amounts: dict[str, Decimal] = field(
        default_factory=lambda: dict.fromkeys(PROJECT_AMOUNTS, Decimal(0))
    )


def sheet_columns(cycle) -> dict[str, list[Column]]:
    """Each park-level and summary sheet's columns, by sheet name."""
    profile_label = {
        "address": "通信地址",
        "postcode": "邮政编码",
    }
    plan_years = cycle.plan_years
    years = [Column(f"{y}年", 14, QUANTITY) for y in cycle.history_years]
    return {
        STATUS: [
            Column("省份", 12),
            Column("园区", 30),
            Column("方案状态", 14),
            Column("版本", 7, WHOLE),
            Column("提交时间", 17, WHEN),
            Column("通过时间", 17, WHEN),
            Column("审核人", 12),
            *(
                Column(profile_label.get(f) or field_label(ParkProfile, f), 18)
                for f in contact_fields()
            ),
            Column("内容哈希（SHA-256）", 20),
            Column("电网排放因子（范围及各数据年份所用因子年份）", 40),
        ],
        INDICATORS: [
            Column("省份", 12),
            Column("园区", 30),
            Column("版本", 7, WHOLE),
            Column("指标", 30),
            Column("指标代码", 16),
            Column("类别", 8),
            Column("类型", 8),
            Column("单位", 14),
            Column("方向", 10),
            Column(f"基准值（{cycle.base_year}年）", 13, INTENSITY),
            *(Column(f"{y}年目标", 12, INTENSITY) for y in plan_years),
            Column("国家参考值", 28),
            Column(f"{plan_years[-1]}年目标是否达到国家参考值", 14),
            Column("预警数", 8, WHOLE),
            Column("预警均已说明", 10),
            Column("预警及说明", 60),
            Column("数据来源", 24),
        ],
        AGGREGATES: [
            Column("范围", 10),
            Column("指标", 30),
            Column("指标代码", 16),
            Column("单位", 14),
            Column("汇总方法", 30),
            Column(f"基准值（{cycle.base_year}年）", 14, INTENSITY),
            Column("基准值园区数", 10, WHOLE),
            Column(f"{plan_years[-1]}年目标", 14, INTENSITY),
            Column("目标园区数", 10, WHOLE),
            Column("达到国家参考值园区数", 12, WHOLE),
            Column("未达到国家参考值园区数", 12, WHOLE),
            Column("国家参考值", 28),
        ],
        DATA: [
            Column("省份", 12),
            Column("园区", 30),
            Column("版本", 7, WHOLE),
            Column("数据表", 26),
            Column("项目", 22),
            Column("口径", 12),
            Column("计量单位", 12),
            *years,
        ],
        DATA_SUMS: [
            Column("范围", 10),
            Column("数据表", 26),
            Column("项目", 22),
            Column("口径", 12),
            Column("计量单位", 12),
            Column("园区数", 8, WHOLE),
            *years,
        ],
        PROJECTS: [
            Column("省份", 12),
            Column("园区", 30),
            *(
                Column(project_label(name), width, number_format)
                for name, (width, number_format) in PROJECT_FIELDS.items()
            ),
        ],
        ACTUALS: [
            Column("数据年份", 8, WHOLE),
            Column("范围", 20),
            Column("已报告园区数", 9, WHOLE),
            Column("综合能源消费量（吨标准煤）", 16, QUANTITY),
            Column("工业增加值（万元）", 16, QUANTITY),
            Column("单位工业增加值综合能耗（吨标准煤/万元）", 16, INTENSITY),
            Column("不高于0.4", 9),
            Column("有能耗强度的园区数", 10, WHOLE),
            Column("不高于0.3的园区数", 10, WHOLE),
            Column("不高于0.3的园区占比（%）", 10, PERCENT),
            Column("二氧化碳排放量（吨）", 16, QUANTITY),
            Column("单位工业增加值二氧化碳排放（吨/万元）", 16, INTENSITY),
            Column("可比园区数（有2020年基准值）", 12, WHOLE),
            Column("年均下降不少于4%的园区数", 12, WHOLE),
        ],
        ATTAINMENT: [
            Column("数据年份", 8, WHOLE),
            Column("范围", 20),
            Column("指标", 30),
            Column("单位", 14),
            Column("达成", 8, WHOLE),
            Column("未达成", 8, WHOLE),
            Column("无目标或实际值", 10, WHOLE),
            Column("达成率（%）", 10, PERCENT),
        ],
        EXECUTION: [
            Column("数据年份", 8, WHOLE),
            Column("范围", 20),
            Column("园区数", 8, WHOLE),
            Column("项目数", 8, WHOLE),
            *(Column(f"{label}项目数", 10, WHOLE) for _status, label in PROGRESS_STATUSES),
            Column("实施中新增项目数", 10, WHOLE),
            Column("计划投资（万元）", 16, MONEY),
            Column("累计完成投资（万元）", 16, MONEY),
            Column("其中政府资金（万元）", 16, MONEY),
            Column("投资完成率（%）", 10, PERCENT),
        ],
        PROJECT_SUMS: [
            Column("汇总维度", 10),
            Column("分组", 34),
            Column("项目数", 9, WHOLE),
            Column("园区数", 9, WHOLE),
            *(Column(project_label(name), 16, PROJECT_FIELDS[name][1]) for name in PROJECT_AMOUNTS),
        ],
    }
