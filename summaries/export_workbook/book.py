"""The summary workbook being written: one pass over the versions writes the park-level sheets
and keeps what the summary sheets need (figures.export_workbook)."""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core import spreadsheets
from core.numbers import to_decimal
from documents.schema import Frozen, Series, series
from indicators.accounting import RATIOS
from indicators.models import Direction
from indicators.tables import TABLES
from plans.status import State
from summaries import figures
from summaries.actuals import NATIONAL as ALL_PARKS
from summaries.actuals import Figures as ActualFigures
from summaries.export_workbook.sheets import (
    ABOUT,
    ACTUALS,
    AGGREGATES,
    AGGREGATION_RULE,
    ATTAINMENT,
    DATA,
    DATA_SUMS,
    EXECUTION,
    GRID_RULE,
    GROUP_ORDER,
    HEADER_FILL,
    HEADER_FONT,
    INDICATORS,
    NOT_ADDED,
    PROGRESS_STATUSES,
    PROJECT_AMOUNTS,
    PROJECT_FIELDS,
    PROJECT_KIND,
    PROJECT_SUMS,
    PROJECTS,
    SHEET_NOTES,
    SOURCE_RULE,
    STATUS,
    TITLE_FONT,
    WHEN,
    About,
    DataSum,
    ProjectSum,
    Sheet,
    contact_fields,
    indicator_format,
    local,
    num,
    project_cell,
    project_label,
    sheet_columns,
)
from summaries.figures import Figure, IndicatorSummary


class SummaryBook:
    """The workbook being written: its sheets and what the pass keeps for the later sheets."""

    def __init__(self, *, cycle, approvals: dict[int, datetime.datetime], total_label: str):
        self.cycle = cycle
        self.approvals = approvals
        self.total_label = total_label  # 全国, or 合计 where the export covers some provinces
        self.history_years = cycle.history_years
        self.plan_years = cycle.plan_years
        self.workbook = Workbook(write_only=True)
        self.about = self.workbook.create_sheet(ABOUT)
        self.contact_fields = contact_fields()
        columns = sheet_columns(cycle)
        self.status = Sheet(self.workbook, STATUS, columns[STATUS])
        self.indicators = Sheet(self.workbook, INDICATORS, columns[INDICATORS])
        self.aggregates = Sheet(self.workbook, AGGREGATES, columns[AGGREGATES])
        self.data = Sheet(self.workbook, DATA, columns[DATA])
        self.data_sums = Sheet(self.workbook, DATA_SUMS, columns[DATA_SUMS])
        self.projects = Sheet(self.workbook, PROJECTS, columns[PROJECTS])
        self.project_sums = Sheet(self.workbook, PROJECT_SUMS, columns[PROJECT_SUMS])
        self.actuals = Sheet(self.workbook, ACTUALS, columns[ACTUALS])
        self.attainment = Sheet(self.workbook, ATTAINMENT, columns[ATTAINMENT])
        self.execution = Sheet(self.workbook, EXECUTION, columns[EXECUTION])

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
        plan = version.plan
        province = plan.park.province
        self.provinces.setdefault(province.code, province.name)
        self.parks.add(plan.park_id)
        coefficient_set = version.frozen.accounting.coefficient_set
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
        plan, park = version.plan, version.frozen.park
        self.status.append(
            (
                *lead,
                str(State(plan.status).label),
                version.number,
                local(version.submitted_at),
                local(self.approvals.get(version.pk)),
                plan.assigned_to.display_name if plan.assigned_to_id else None,
                *(park.profile.get(f) for f in self.contact_fields),
                version.content_hash,
                figures.grid_text(version.frozen),
            )
        )

    def _indicator_rows(self, version, lead, province: str) -> None:
        for item in version.frozen.indicators:
            code = item.code or ""
            if code:
                self.indicator_order.setdefault(code, len(self.indicator_order))
            met = figures.reference_met(item)
            if code and met is not None:
                for key in ("*", province):
                    self.met[(code, key)][0 if met else 1] += 1
            warnings = item.warnings
            explained = [
                f"{w.message}（说明：{item.justification(w.code) or '未填写'}）" for w in warnings
            ]
            fmt = indicator_format(item.unit or "")
            year_columns = range(9, 10 + len(self.plan_years))
            self.indicators.append(
                (
                    *lead,
                    version.number,
                    item.name,
                    code,
                    item.category,
                    "必选" if item.required else ("可选" if code else "自定"),
                    item.unit,
                    _direction(item.direction),
                    num(item.baseline),
                    *(num(item.target(y)) for y in self.plan_years),
                    item.reference_text,
                    {True: "是", False: "否"}.get(met),
                    len(warnings),
                    ("否" if figures.unjustified(item) else "是") if warnings else None,
                    "；".join(explained),
                    item.data_source,
                ),
                formats=dict.fromkeys(year_columns, fmt),
            )

    def _data_rows(self, version, lead, province: str) -> None:
        for key, values in data_table_rows(version.frozen, self.history_years):
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
        for project in version.frozen.rows(PROJECT_KIND.slug):
            self.projects.append(
                (*lead, *(project_cell(name, project.get(name)) for name in PROJECT_FIELDS))
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
                for name in PROJECT_AMOUNTS:
                    total.amounts[name] += to_decimal(project.get(name)) or Decimal(0)

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
            "group": (project_label("group"), lambda key: project_cell("group", key)),
            "year": (project_label("start_year"), lambda key: f"{key}年"),
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
                        *(num(total.amounts[name]) for name in PROJECT_AMOUNTS),
                    )
                )

    def write_actuals(self, found: ActualFigures) -> None:
        """The reports' actuals, attainment and project execution, each data year nationally
        and by province (summaries.actuals: ratios of sums)."""
        scopes = [(ALL_PARKS, self.total_label), *sorted(found.province_names.items())]
        for code, name in scopes:
            for year in self.plan_years:
                if (year, code) not in found.groups:
                    continue
                group = found.group(year, code)
                intensity, half = group.intensity, group.half
                self.actuals.append(
                    (
                        year,
                        name,
                        group.parks,
                        num(group.energy.numerator) if group.energy.parks else None,
                        num(group.energy.denominator) if group.energy.parks else None,
                        num(intensity.value),
                        {True: "是", False: "否"}.get(group.zones_met),
                        half.parks,
                        half.within,
                        num(half.share),
                        num(group.co2.numerator) if group.co2.parks else None,
                        num(group.co2_intensity.value),
                        group.cut_parks,
                        group.cut_met,
                    )
                )
                for row in found.indicators(year, code):
                    self.attainment.append(
                        (
                            year,
                            name,
                            row.name,
                            row.unit,
                            row.met,
                            row.missed,
                            row.without,
                            num(row.rate),
                        )
                    )
                if group.investment_parks:
                    self.execution.append(
                        (
                            year,
                            name,
                            group.investment_parks,
                            group.project_count,
                            *(group.projects.get(status, 0) for status, _l in PROGRESS_STATUSES),
                            group.added,
                            num(group.planned),
                            num(group.invested),
                            num(group.invested_government),
                            num(group.executed),
                        )
                    )

    def write_about(self, about: About) -> None:
        ws = self.about
        for letter, width in zip("ABCDE", (18, 40, 8, 18, 70), strict=True):
            ws.column_dimensions[letter].width = width
        title = spreadsheets.cell(ws, "国家高新区绿色发展五年行动方案汇总表")
        title.font = TITLE_FONT
        ws.append(spreadsheets.row(ws, [title]))
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
            ("电网排放因子", GRID_RULE),
            ("数值来源", SOURCE_RULE),
            ("汇总规则", AGGREGATION_RULE),
        ]
        lines += [
            ("工作表" if i == 0 else "", f"{name}：{note}")
            for i, (name, note) in enumerate(SHEET_NOTES.items())
        ]
        for label, text in lines:
            cell = spreadsheets.cell(ws, label or None)
            cell.font = HEADER_FONT
            ws.append(spreadsheets.row(ws, [cell, text]))
        ws.append(spreadsheets.row(ws, []))
        heading = []
        for text in ("省份", "园区", "版本", "提交时间", "内容哈希（SHA-256）"):
            cell = spreadsheets.cell(ws, text)
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            heading.append(cell)
        ws.append(spreadsheets.row(ws, heading))
        for province, park, number, submitted_at, content_hash in self.versions:
            when = spreadsheets.cell(ws, submitted_at)
            when.number_format = WHEN
            ws.append(spreadsheets.row(ws, [province, park, f"v{number}", when, content_hash]))

    def close(self) -> None:
        for sheet in (
            self.status,
            self.indicators,
            self.aggregates,
            self.data,
            self.data_sums,
            self.projects,
            self.project_sums,
            self.actuals,
            self.attainment,
            self.execution,
        ):
            sheet.close()


def data_table_rows(frozen: Frozen, years: list[int]) -> Iterator[tuple[tuple, dict]]:
    """A version's data tables (indicators.tables.TABLES, in their order) as ((table, item,
    basis, unit), {year: Decimal}) rows: each row as entered, and for the energy table each fuel
    in its statistical unit, in standard coal and in CO2, then the totals."""

    def present(mapping: Series | None) -> dict[int, Decimal]:
        return {y: v for y, v in series(mapping, years).items() if v is not None}

    for table in TABLES.values():
        values = frozen.table(table.key)
        if not table.fuel_rows:
            for row in table.rows:
                yield (table.title, row.label, "填报值", row.unit), present(values.get(row.key))
            continue
        for line in frozen.energy.lines:
            quantity = values.get(line.key) or line.quantity
            yield (table.title, line.name, "实物量", line.unit), present(quantity)
            yield (table.title, line.name, "折标准煤", "吨标准煤"), present(line.tce)
            yield (table.title, line.name, "二氧化碳排放", "吨二氧化碳"), present(line.co2)
        total_tce, total_co2 = frozen.energy.total_tce, frozen.energy.total_co2
        yield (table.title, "合计（综合能源消费量）", "折标准煤", "吨标准煤"), present(total_tce)
        yield (table.title, "合计", "二氧化碳排放", "吨二氧化碳"), present(total_co2)


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
