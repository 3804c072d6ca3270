"""The national summary workbook of issue 7, written with openpyxl's write-only mode.

One pass over the versions in scope (review.summaries.iterate: chunks, bounded memory) writes
every park's rows to the park-level sheets while review.summaries.indicator_summaries reads the
same versions for the aggregates; what the later sheets need (sums by province, fuel, task group
and year; the list of versions) is small and kept as the pass goes. Each write-only sheet streams
to its own temporary file, so the sheets fill in any order and `说明` still comes first.

The workbook is a document in Chinese, like the data workbook (indicators/workbook.py): sheet
names and headings are the template's wording; the labels of states, roles and profile fields
come from their declarations under `translation.override("zh-hans")`.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from indicators.accounting import RATIOS
from indicators.models import Direction
from indicators.tables import TABLES
from parks.profile import PROFILE_GROUPS, field_label
from plans.models import KeyProject
from plans.outline import TASK_GROUPS
from review import summaries
from review.summaries import Figure, IndicatorSummary, to_decimal
from review.workflow import State

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
SHEETS = (ABOUT, STATUS, INDICATORS, AGGREGATES, DATA, DATA_SUMS, PROJECTS, PROJECT_SUMS)
NATIONAL = "全国"
NOT_ADDED = {"%", "年"}  # stated rates and years: not added up across parks
GROUP_LABELS = dict(TASK_GROUPS)
GROUP_ORDER = [key for key, _label in TASK_GROUPS]

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DCEFE3")
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
TITLE_FONT = Font(bold=True, size=14)

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
    STATUS: "各园区的方案状态、版本、提交与通过时间、审核人及园区基本信息中的联系人。",
    INDICATORS: "每个园区每项指标一行：基准值、2021-2025年目标、是否达到国家参考值、预警及说明。",
    AGGREGATES: "各指标的全国和分省汇总（汇总规则见上），以及背后的园区数。",
    DATA: "2016-2020年数据表：分品种能源实物量、折标准煤、二氧化碳，用水与污染物，每个园区。",
    DATA_SUMS: "同上，全国与分省合计；实物量只在同一品种、同一计量单位内相加。",
    PROJECTS: "全部重点项目，每个项目一行。",
    PROJECT_SUMS: "重点项目投资按省份、任务类别和开工年份汇总。",
}


@dataclass(frozen=True)
class Column:
    header: str
    width: float = 12
    number_format: str = ""


class Sheet:
    """A write-only sheet with a frozen, filtered header row and set column widths (both must be
    set before the first row is written)."""

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
            cell = WriteOnlyCell(self.ws, value=column.header)
            cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGN
            header.append(cell)
        self.ws.append(header)

    def append(self, values: Iterable, formats: dict[int, str] | None = None) -> None:
        row = []
        for index, (value, column) in enumerate(zip(values, self.columns, strict=True)):
            number_format = (formats or {}).get(index, column.number_format)
            if value == "":
                value = None
            if value is None or isinstance(value, str) or not number_format:
                row.append(value)
                continue
            cell = WriteOnlyCell(self.ws, value=value)
            cell.number_format = number_format
            row.append(cell)
        self.ws.append(row)
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


@dataclass
class ProjectSum:
    projects: int = 0
    parks: set = field(default_factory=set)
    investment: Decimal = Decimal(0)
    government_funds: Decimal = Decimal(0)
    energy_saved: Decimal = Decimal(0)
    co2_reduced: Decimal = Decimal(0)


class SummaryBook:
    """The workbook being written: its sheets and what the pass keeps for the later sheets."""

    def __init__(self, *, cycle, approvals: dict[int, datetime.datetime], total_label: str):
        from parks.models import ParkProfile

        self.cycle = cycle
        self.approvals = approvals
        self.total_label = total_label  # 全国, or 合计 where the export covers some provinces
        self.history_years = cycle.history_years
        self.plan_years = cycle.plan_years
        self.workbook = Workbook(write_only=True)
        self.about = self.workbook.create_sheet(ABOUT)
        self.contact_fields = contact_fields()
        profile_label = {
            "address": "通信地址",
            "postcode": "邮政编码",
        }
        self.status = Sheet(
            self.workbook,
            STATUS,
            [
                Column("省份", 12),
                Column("园区", 30),
                Column("方案状态", 14),
                Column("版本", 7, WHOLE),
                Column("提交时间", 17, WHEN),
                Column("通过时间", 17, WHEN),
                Column("审核人", 12),
                *(
                    Column(profile_label.get(f) or field_label(ParkProfile, f), 18)
                    for f in self.contact_fields
                ),
                Column("内容哈希（SHA-256）", 20),
            ],
        )
        self.indicators = Sheet(
            self.workbook,
            INDICATORS,
            [
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
                *(Column(f"{y}年目标", 12, INTENSITY) for y in self.plan_years),
                Column("国家参考值", 28),
                Column(f"{self.plan_years[-1]}年目标是否达到国家参考值", 14),
                Column("预警数", 8, WHOLE),
                Column("预警均已说明", 10),
                Column("预警及说明", 60),
                Column("数据来源", 24),
            ],
        )
        self.aggregates = Sheet(
            self.workbook,
            AGGREGATES,
            [
                Column("范围", 10),
                Column("指标", 30),
                Column("指标代码", 16),
                Column("单位", 14),
                Column("汇总方法", 30),
                Column(f"基准值（{cycle.base_year}年）", 14, INTENSITY),
                Column("基准值园区数", 10, WHOLE),
                Column(f"{self.plan_years[-1]}年目标", 14, INTENSITY),
                Column("目标园区数", 10, WHOLE),
                Column("达到国家参考值园区数", 12, WHOLE),
                Column("未达到国家参考值园区数", 12, WHOLE),
                Column("国家参考值", 28),
            ],
        )
        years = [Column(f"{y}年", 14, QUANTITY) for y in self.history_years]
        self.data = Sheet(
            self.workbook,
            DATA,
            [
                Column("省份", 12),
                Column("园区", 30),
                Column("版本", 7, WHOLE),
                Column("数据表", 26),
                Column("项目", 22),
                Column("口径", 12),
                Column("计量单位", 12),
                *years,
            ],
        )
        self.data_sums = Sheet(
            self.workbook,
            DATA_SUMS,
            [
                Column("范围", 10),
                Column("数据表", 26),
                Column("项目", 22),
                Column("口径", 12),
                Column("计量单位", 12),
                Column("园区数", 8, WHOLE),
                *years,
            ],
        )
        self.projects = Sheet(
            self.workbook,
            PROJECTS,
            [
                Column("省份", 12),
                Column("园区", 30),
                Column("项目名称", 34),
                Column("任务类别", 30),
                Column("实施主体", 24),
                Column("开工年份", 9, WHOLE),
                Column("完工年份", 9, WHOLE),
                Column("总投资（万元）", 14, MONEY),
                Column("其中政府资金（万元）", 14, MONEY),
                Column("年节能量（吨标准煤）", 14, QUANTITY),
                Column("年减排二氧化碳（吨）", 14, QUANTITY),
                Column("建设状态", 10),
            ],
        )
        self.project_sums = Sheet(
            self.workbook,
            PROJECT_SUMS,
            [
                Column("汇总维度", 10),
                Column("分组", 34),
                Column("项目数", 9, WHOLE),
                Column("园区数", 9, WHOLE),
                Column("总投资（万元）", 16, MONEY),
                Column("其中政府资金（万元）", 16, MONEY),
                Column("年节能量（吨标准煤）", 16, QUANTITY),
                Column("年减排二氧化碳（吨）", 16, QUANTITY),
            ],
        )
        # what the pass keeps
        self.provinces: dict[str, str] = {}
        self.parks: set[int] = set()
        self.versions: list[tuple] = []
        self.coefficient_sets: dict[str, None] = {}
        self.indicator_order: dict[str, int] = {}  # the catalogue's order, as the parks have it
        self.met: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        self.data_totals: dict[str, dict[tuple, DataSum]] = defaultdict(dict)
        self.project_totals: dict[tuple[str, object], ProjectSum] = defaultdict(ProjectSum)

    # --- the pass ------------------------------------------------------------------------------

    def stream(
        self, versions: Iterable, *, total: int, report: Callable[[int, str], None]
    ) -> Iterator:
        """Write each version's rows, then hand it on (to indicator_summaries)."""
        for done, version in enumerate(versions, start=1):
            self.add(version)
            step = _("Writing park %(done)s of %(total)s") % {"done": done, "total": total}
            report(5 + 85 * done // max(total, 1), step)
            yield version

    def add(self, version) -> None:
        plan, snapshot = version.plan, version.snapshot
        province = plan.park.province
        self.provinces.setdefault(province.code, province.name)
        self.parks.add(plan.park_id)
        coefficient_set = snapshot.get("accounting", {}).get("coefficient_set")
        if coefficient_set:
            self.coefficient_sets.setdefault(coefficient_set, None)
        self.versions.append(
            (
                province.name,
                plan.park.name,
                version.number,
                local(version.submitted_at),
                version.content_hash,
            )
        )
        lead = (province.name, plan.park.name)
        self._status_row(version, lead)
        self._indicator_rows(version, lead, province.code)
        self._data_rows(version, lead, province.code)
        self._project_rows(version, lead, province.code)

    def _status_row(self, version, lead) -> None:
        plan, park = version.plan, version.snapshot.get("park", {})
        self.status.append(
            (
                *lead,
                str(State(plan.status).label),
                version.number,
                local(version.submitted_at),
                local(self.approvals.get(version.pk)),
                plan.assigned_to.display_name if plan.assigned_to_id else None,
                *(park.get(f) for f in self.contact_fields),
                version.content_hash,
            )
        )

    def _indicator_rows(self, version, lead, province: str) -> None:
        for item in version.snapshot.get("indicators", []):
            code = item.get("code") or ""
            if code:
                self.indicator_order.setdefault(code, len(self.indicator_order))
            met = summaries.reference_met(item)
            if code and met is not None:
                for key in ("*", province):
                    self.met[(code, key)][0 if met else 1] += 1
            warnings = item.get("warnings", [])
            given = item.get("justifications") or {}
            explained = [
                f"{w['message']}（说明：{(given.get(w['code']) or '').strip() or '未填写'}）"
                for w in warnings
            ]
            fmt = indicator_format(item.get("unit", ""))
            targets = item.get("targets") or {}
            year_columns = range(9, 10 + len(self.plan_years))
            self.indicators.append(
                (
                    *lead,
                    version.number,
                    item.get("name"),
                    code,
                    item.get("category"),
                    "必选" if item.get("required") else ("可选" if code else "自定"),
                    item.get("unit"),
                    _direction(item.get("direction")),
                    num(item.get("baseline")),
                    *(num(targets.get(str(y))) for y in self.plan_years),
                    item.get("reference_text"),
                    {True: "是", False: "否"}.get(met),
                    len(warnings),
                    ("否" if summaries.unjustified(item) else "是") if warnings else None,
                    "；".join(explained),
                    item.get("data_source"),
                ),
                formats=dict.fromkeys(year_columns, fmt),
            )

    def _data_rows(self, version, lead, province: str) -> None:
        for key, values in data_table_rows(version.snapshot, self.history_years):
            self.data.append(
                (*lead, version.number, *key, *(num(values.get(y)) for y in self.history_years))
            )
            for scope in ("*", province):
                total = self.data_totals[scope].setdefault(key, DataSum())
                present = [y for y in self.history_years if values.get(y) is not None]
                for y in present:
                    total.years[y] += values[y]
                total.parks += bool(present)

    def _project_rows(self, version, lead, province: str) -> None:
        for project in version.snapshot.get("rows", {}).get("projects", []):
            status = project.get("status")
            self.projects.append(
                (
                    *lead,
                    project.get("name"),
                    GROUP_LABELS.get(project.get("group"), project.get("group")),
                    project.get("implementer"),
                    project.get("start_year"),
                    project.get("end_year"),
                    num(project.get("investment")),
                    num(project.get("government_funds")),
                    num(project.get("energy_saved_tce")),
                    num(project.get("co2_reduced_t")),
                    str(KeyProject.Status(status).label)
                    if status in KeyProject.Status.values
                    else status,
                )
            )
            for dimension in (
                ("national", "*"),
                ("province", province),
                ("group", project.get("group") or ""),
                ("year", project.get("start_year")),
            ):
                total = self.project_totals[dimension]
                total.projects += 1
                total.parks.add(version.plan.park_id)
                total.investment += to_decimal(project.get("investment")) or Decimal(0)
                total.government_funds += to_decimal(project.get("government_funds")) or Decimal(0)
                total.energy_saved += to_decimal(project.get("energy_saved_tce")) or Decimal(0)
                total.co2_reduced += to_decimal(project.get("co2_reduced_t")) or Decimal(0)

    # --- after the pass ------------------------------------------------------------------------

    def write_aggregates(self, found: list[IndicatorSummary]) -> None:
        year = self.plan_years[-1]
        for summary in sorted(found, key=lambda s: self.indicator_order.get(s.code, 0)):
            scopes = [("*", self.total_label), *self.provinces.items()]
            for code, name in scopes:
                if code == "*":
                    baseline, target = summary.national_baseline(), summary.national_target()
                else:
                    baseline = _province_figure(summary, code, "baselines")
                    target = _province_figure(summary, code, "targets")
                met, missed = self.met.get((summary.code, code), (0, 0))
                fmt = indicator_format(summary.unit)
                self.aggregates.append(
                    (
                        name,
                        summary.name,
                        summary.code,
                        summary.unit,
                        _method(summary, year),
                        num(baseline.value),
                        baseline.parks,
                        num(target.value),
                        target.parks,
                        met,
                        missed,
                        summary.reference_text,
                    ),
                    formats={5: fmt, 7: fmt},
                )

    def write_data_sums(self) -> None:
        for scope, name in [("*", self.total_label), *self.provinces.items()]:
            for key, total in self.data_totals.get(scope, {}).items():
                self.data_sums.append(
                    (
                        name,
                        *key,
                        total.parks,
                        *(
                            num(total.years[y]) if y in total.years else None
                            for y in self.history_years
                        ),
                    )
                )

    def write_project_sums(self) -> None:
        labels = {
            "national": (self.total_label, lambda key: "合计"),
            "province": ("省份", lambda key: self.provinces.get(key, key)),
            "group": ("任务类别", lambda key: GROUP_LABELS.get(key, key)),
            "year": ("开工年份", lambda key: f"{key}年"),
        }
        for dimension, (label, name_of) in labels.items():
            keys = [key for (d, key) in self.project_totals if d == dimension]
            if dimension == "group":
                keys.sort(
                    key=lambda k: GROUP_ORDER.index(k) if k in GROUP_ORDER else len(GROUP_ORDER)
                )
            elif dimension == "year":
                keys.sort(key=lambda k: k or 0)
            for key in keys:
                total = self.project_totals[(dimension, key)]
                self.project_sums.append(
                    (
                        label,
                        name_of(key),
                        total.projects,
                        len(total.parks),
                        num(total.investment),
                        num(total.government_funds),
                        num(total.energy_saved),
                        num(total.co2_reduced),
                    )
                )

    def write_about(self, about: About) -> None:
        ws = self.about
        for letter, width in zip("ABCDE", (18, 40, 8, 18, 70), strict=True):
            ws.column_dimensions[letter].width = width
        title = WriteOnlyCell(ws, value="国家高新区绿色发展五年行动方案汇总表")
        title.font = TITLE_FONT
        ws.append([title])
        cycle = about.cycle
        lines = [
            ("生成时间", f"{timezone.localtime(about.generated_at):%Y-%m-%d %H:%M}（北京时间）"),
            ("生成人", about.generated_by),
            ("填报周期", f"{cycle.name}（{cycle.code}）"),
            ("省份", about.provinces),
            ("方案状态", about.states_text()),
            ("汇总快照", about.snapshot_text()),
            ("园区数", f"{len(self.parks)} 个园区，{len(self.versions)} 个版本（每园区一个）"),
            ("系数集", "；".join(self.coefficient_sets) or "—"),
            ("数值来源", SOURCE_RULE),
            ("汇总规则", AGGREGATION_RULE),
        ]
        lines += [
            ("工作表" if i == 0 else "", f"{name}：{note}")
            for i, (name, note) in enumerate(SHEET_NOTES.items())
        ]
        for label, text in lines:
            cell = WriteOnlyCell(ws, value=label or None)
            cell.font = HEADER_FONT
            ws.append([cell, text])
        ws.append([])
        heading = []
        for text in ("省份", "园区", "版本", "提交时间", "内容哈希（SHA-256）"):
            cell = WriteOnlyCell(ws, value=text)
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            heading.append(cell)
        ws.append(heading)
        for province, park, number, submitted_at, content_hash in self.versions:
            when = WriteOnlyCell(ws, value=submitted_at)
            when.number_format = WHEN
            ws.append([province, park, f"v{number}", when, content_hash])

    def close(self) -> None:
        for sheet in (
            self.status,
            self.indicators,
            self.aggregates,
            self.data,
            self.data_sums,
            self.projects,
            self.project_sums,
        ):
            sheet.close()


def data_table_rows(snapshot: dict, years: list[int]) -> Iterator[tuple[tuple, dict]]:
    """A version's data tables as ((table, item, basis, unit), {year: Decimal}) rows: the
    economy, each fuel in its statistical unit, in standard coal and in CO2, the totals, water
    and pollutants."""
    tables = snapshot.get("tables", {})
    energy = snapshot.get("energy", {})

    def series(mapping: dict | None) -> dict[int, Decimal]:
        mapping = mapping or {}
        found = {y: to_decimal(mapping.get(str(y))) for y in years}
        return {y: v for y, v in found.items() if v is not None}

    for row in TABLES["economy"].rows:
        yield (
            (TABLES["economy"].title, row.label, "填报值", row.unit),
            series(tables.get("economy", {}).get(row.key)),
        )
    title = TABLES["energy"].title
    for line in energy.get("lines", []):
        quantity = tables.get("energy", {}).get(line["key"]) or line.get("quantity")
        yield (title, line["name"], "实物量", line["unit"]), series(quantity)
        yield (title, line["name"], "折标准煤", "吨标准煤"), series(line.get("tce"))
        yield (title, line["name"], "二氧化碳排放", "吨二氧化碳"), series(line.get("co2"))
    yield (title, "合计（综合能源消费量）", "折标准煤", "吨标准煤"), series(energy.get("total_tce"))
    yield (title, "合计", "二氧化碳排放", "吨二氧化碳"), series(energy.get("total_co2"))
    for key in ("water", "pollutants"):
        for row in TABLES[key].rows:
            yield (
                (TABLES[key].title, row.label, "填报值", row.unit),
                series(tables.get(key, {}).get(row.key)),
            )


def _direction(value: str | None) -> str | None:
    return str(Direction(value).label) if value in Direction.values else value


def _method(summary: IndicatorSummary, year: int) -> str:
    if summary.code in RATIOS:
        return f"比值之和（Σ分子 ÷ Σ分母）；{year}年目标按各园区基准年分母加权"
    if summary.unit in NOT_ADDED:
        return "不汇总（各园区自报的比率或年份）"
    return "求和"


def _province_figure(summary: IndicatorSummary, province: str, of: str) -> Figure:
    """A province's figure: the ratio of sums where the indicator is derivable, else the sum of
    the parks' stated values (absolute quantities), else none."""
    if summary.code in RATIOS:
        if of == "baselines":
            return summary.province_baseline(province)
        return summary.province_target(province)
    stated = summary.by_province[province][of] if province in summary.by_province else []
    if summary.unit in NOT_ADDED or not stated:
        return Figure(None, len(stated))
    return Figure(sum(stated, Decimal(0)), len(stated))


def build(
    path: str,
    *,
    versions: Iterable,
    total: int,
    approvals: dict[int, datetime.datetime],
    about: About,
    report: Callable[..., None],
) -> Result:
    """Write the workbook of `versions` (an iterator over the versions in scope) to `path`."""
    with translation.override("zh-hans"):
        book = SummaryBook(
            cycle=about.cycle,
            approvals=approvals,
            total_label=NATIONAL if about.national else "合计",
        )
        report(5, _("Writing the park sheets"), phase=True)
        found = summaries.indicator_summaries(
            book.stream(versions, total=total, report=report), base_year=about.cycle.base_year
        )
        report(90, _("Working out the national and provincial aggregates"), phase=True)
        book.write_aggregates(found)
        book.write_data_sums()
        book.write_project_sums()
        book.write_about(about)
        book.close()
        report(95, _("Saving the workbook"), phase=True)
        book.workbook.save(path)
    return Result(parks=len(book.parks), versions=len(book.versions))
