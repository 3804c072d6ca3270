"""Demo reports of the demo plan (issue 16): approved annual reports for 2021-2024 and the 2025
report in draft, written through the same services a park uses (report_start, the section, row
and table saves), so every figure is carried forward and computed as in real use, and reviewed
through the workflow by the demo users (portal.demo.workflow): each approved report has its
versions, status changes with opinions and its PDFs of record.

The story the figures tell: the industrial added value grows, the energy intensity falls from the
2020 baseline but misses its 2022 target (the reason is written), the central heating network is
finished a year late (with its reason), the rooftop solar task falls behind in 2022, and a smart
energy platform is added during implementation in 2022. The 2022 report goes back once: the
province asks, on the missed target's row, for the reason in figures; the park answers in the
thread, writes the reason out and submits again, and the report is then approved.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from indicators import selectors
from indicators import services as indicator_services
from indicators.models import IndicatorActual
from parks.models import User
from plans.models import Plan, ProgressStatus, ProjectProgress, Section, TaskProgress
from plans.outline import Kind, outline_for
from plans.rows import ALL_KINDS
from plans.services import row_create, row_update, section_save
from portal.demo.numbers import DEMO_SOURCE, MIX, _r
from portal.demo.plan import DEMO_LABEL
from portal.demo.workflow import PROVINCE, to_approval, to_province, walk
from reports import schedule
from reports.services import report_start
from review.models import Comment
from review.services import comment_post, comment_resolve, transition_apply
from review.workflow import ReturnReason

D = Decimal
APPROVED_YEARS = (2021, 2022, 2023, 2024)
DRAFT_YEAR = 2025
# industrial added value (万元), park GDP (万元) and energy intensity (tce/万元) of each data year:
# 2020 was 11,000,000 万元 at 0.17; 2022 grew slowly and missed the intensity target (0.1598)
IAV = {2021: 11800000, 2022: 12150000, 2023: 13000000, 2024: 13900000, 2025: 14800000}
GDP = {2021: 31200000, 2022: 32100000, 2023: 34300000, 2024: 36500000, 2025: 38600000}
INTENSITY = {2021: D("0.163"), 2022: D("0.1625"), 2023: D("0.153"), 2024: D("0.1475")}
# coal gives way to gas as the heating network is converted (shares of standard coal)
COAL_SHARE = {2021: D("0.09"), 2022: D("0.08"), 2023: D("0.06"), 2024: D("0.05")}

REASONS = {
    "energy_intensity_iav": (
        "（演示数据）2022年受疫情影响工业增加值增速放缓至3.0%，同时新建数据中心投产，新增用电约"
        "1.2亿千瓦时（折合约1.5万吨标准煤），单位工业增加值综合能耗下降幅度低于年度目标；"
        "2023年起通过能源管理中心和集中供热改造追回。"
    ),
    "energy_intensity_gdp": (
        "（演示数据）与单位工业增加值综合能耗同因：2022年经济增速放缓而用能刚性增长。"
    ),
    "co2_intensity_iav": (
        "（演示数据）用电量增长快于工业增加值，且电网排放因子下降幅度低于预期，单位工业增加值"
        "二氧化碳排放量未达年度目标；分布式光伏二期投运后可弥补。"
    ),
}
GENERIC_REASON = "（演示数据）年度工作进度滞后于计划，已在下一年度工作安排中提出追赶措施。"

# The report returned once (the others go straight through), and what is said on the way: the
# reason first written for the missed energy-intensity target, the province's comment on that
# row, the park's answer in the thread (the reason is then written out as REASONS has it).
RETURNED_YEAR = 2022
RETURNED_INDICATOR = "energy_intensity_iav"
FIRST_REASON = (
    "（演示数据）2022年受疫情影响工业增加值增速放缓，单位工业增加值综合能耗下降幅度低于年度目标。"
)
RETURN_COMMENT = (
    "（演示数据）单位工业增加值综合能耗未完成2022年度目标，原因说明过于笼统：请量化新建数据中心"
    "投产新增的用能，并说明2023年追回目标的措施。"
)
RETURN_OPINION = "（演示数据）未达标指标的原因说明不充分，请按意见补充后重新报送。"
PARK_ANSWER = (
    "（演示数据）已补充：新建数据中心2022年投产，新增用电约1.2亿千瓦时（折合约1.5万吨标准煤）；"
    "2023年起通过能源管理中心和集中供热改造追回，详见修改后的原因说明。"
)

# the tasks' progress (by the task's position in the plan): a year's exception to 按期完成
TASK_EXCEPTIONS = {
    (2022, 3): (
        ProgressStatus.BEHIND,
        "（演示数据）储能电池价格上涨，三家企业推迟储能配套建设，分布式光伏装机完成年度目标的70%。",
    ),
    (2023, 5): (ProgressStatus.IN_PROGRESS, ""),
    (2024, 5): (ProgressStatus.IN_PROGRESS, ""),
}
# (planned position) -> {year: (status, start, finish, share of the planned investment, note,
# reason)}; the last state given holds for later years
PROJECT_PATH = {
    0: {  # 集中供热管网改造 2021-2023: finished a year late
        2021: ("under_construction", "2021-03-15", None, "0.25", "完成主干管网与一期施工。", ""),
        2022: ("under_construction", "2021-03-15", None, "0.55", "二期管网施工中。", ""),
        2023: (
            "under_construction",
            "2021-03-15",
            None,
            "0.85",
            "穿越运河段施工中。",
            "",
        ),
        2024: (
            "completed",
            "2021-03-15",
            "2024-06-30",
            "1.02",
            "2024年6月全线通热。",
            "（演示数据）管网穿越京杭运河段的涉水审批比预期延后9个月，项目于2024年6月完工，"
            "较计划推迟一年。",
        ),
    },
    1: {  # 屋顶分布式光伏（一期）2021-2022: on time
        2021: ("under_construction", "2021-05-10", None, "0.45", "完成42家企业屋顶签约。", ""),
        2022: ("completed", "2021-05-10", "2022-12-20", "0.98", "并网装机35兆瓦。", ""),
    },
    2: {  # 工业废水近零排放 2022-2024
        2022: ("under_construction", "2022-06-01", None, "0.20", "完成工艺比选与土建招标。", ""),
        2023: ("under_construction", "2022-06-01", None, "0.60", "主体工程施工。", ""),
        2024: ("completed", "2022-06-01", "2024-11-30", "0.97", "通过竣工环保验收。", ""),
    },
    3: {  # 绿色技术创新中心 2021-2023
        2021: ("under_construction", "2021-09-01", None, "0.30", "", ""),
        2022: ("under_construction", "2021-09-01", None, "0.70", "", ""),
        2023: ("completed", "2021-09-01", "2023-12-15", "1.00", "中心投入运行。", ""),
    },
    4: {  # 氢能与燃料电池中试平台 2023-2025
        2023: ("under_construction", "2023-09-01", None, "0.15", "", ""),
        2024: ("under_construction", "2023-09-01", None, "0.50", "", ""),
    },
    5: {  # 绿色低碳产业园（二期）2022-2025
        2022: ("under_construction", "2022-03-01", None, "0.15", "", ""),
        2023: ("under_construction", "2022-03-01", None, "0.40", "", ""),
        2024: ("under_construction", "2022-03-01", None, "0.65", "", ""),
    },
}
ADDED_PROJECT = {
    "name": "园区智慧能源管理平台升级项目（实施中新增）",
    "implementer": "园区能源公司（演示）",
    "planned_start_year": 2022,
    "planned_end_year": 2023,
    "planned_investment": D("8000"),
    "is_added": True,
}
ADDED_PATH = {
    2022: ("under_construction", "2022-07-01", None, "0.40", "接入120家重点用能单位。", ""),
    2023: ("completed", "2022-07-01", "2023-09-30", "1.00", "平台上线运行。", ""),
}


def report_tables(year: int) -> dict[str, dict]:
    """The data tables of one data year, consistent with the demo plan's 2016-2020 tables."""
    y = str(year)
    iav = D(IAV[year])
    total_tce = INTENSITY.get(year, D("0.143")) * iav
    coal = COAL_SHARE.get(year, D("0.05"))
    shares = {**{code: share for code, (share, _f) in MIX.items()}, "raw_coal": coal}
    shares["natural_gas"] += MIX["raw_coal"][0] - coal
    energy = {
        code: {y: _r(total_tce * shares[code] / tce_per_unit)}
        for code, (_share, tce_per_unit) in MIX.items()
    }
    scale = iav / D(11000000)
    better = D(1) - D("0.03") * (year - 2020)  # less water and pollution per unit each year
    total = D(_r(60000 * scale))
    fresh = D(_r(D(9000) * scale * better))
    water = {"total": {y: str(total)}, "fresh": {y: str(fresh)}, "reused": {y: str(total - fresh)}}
    pollutants = {
        key: {y: _r(D(value) * scale * better)}
        for key, value in (
            ("wastewater", 8000),
            ("cod", 2400),
            ("nh3n", 160),
            ("so2", 900),
            ("nox", 2600),
            ("sw_generated", 180),
            ("sw_utilised", 170),
            ("sw_stored", 3),
            ("hazardous", 45000),
        )
    }
    return {
        "economy": {"iav": {y: str(IAV[year])}, "gdp": {y: str(GDP[year])}},
        "energy": energy,
        "water": water,
        "pollutants": pollutants,
    }


@transaction.atomic
def seed_demo_reports(plan: Plan, *, editor, manager) -> list[Plan]:
    """The approved 2021-2024 reports of the approved `plan`, each written by `editor` and
    submitted by `manager`, and its 2025 report in draft; the reports that exist are left alone.
    Returns the reports written now."""
    owed = {item.key for item in schedule.owed(plan.cycle, today=timezone.localdate())}
    written = []
    for year in (*APPROVED_YEARS, DRAFT_YEAR):
        if (Plan.Kind.ANNUAL, year) not in owed:
            continue
        if Plan.objects.filter(follows=plan, kind=Plan.Kind.ANNUAL, data_year=year).exists():
            continue
        report = report_start(plan=plan, kind=Plan.Kind.ANNUAL, data_year=year, actor=editor)
        if year == DRAFT_YEAR:
            _write_sections(report, editor, only=("overview",))
        else:
            _write_report(report, year, editor)
            _review(report, year, editor=editor, manager=manager)
        written.append(report)
    return written


def _write_report(report: Plan, year: int, editor) -> None:
    for key, values in report_tables(year).items():
        indicator_services.table_save(
            plan=report, table_key=key, values=values, expected_revision=0, actor=editor
        )
    _write_actuals(report, editor)
    _write_tasks(report, year, editor)
    _write_projects(report, year, editor)
    _write_sections(report, editor)


def _write_actuals(report: Plan, editor) -> None:
    numbers = selectors.plan_numbers(report, selectors.accounting_for_reading(report))
    for line in selectors.report_actuals(report, numbers):
        row = line.row
        data = {"data_source": DEMO_SOURCE}
        if line.result.met is False:
            data["reason"] = _first_reason(report, row.derivation)
        elif not row.derivation and row.target is not None and row.actual is None:
            data["actual"] = row.target  # a typed indicator reaching its target
        row_update(
            kind=ALL_KINDS["actuals"],
            row=row,
            actor=editor,
            data=data,
            expected_revision=IndicatorActual.objects.get(pk=row.pk).revision,
        )


def _first_reason(report: Plan, derivation: str) -> str:
    if report.data_year == RETURNED_YEAR and derivation == RETURNED_INDICATOR:
        return FIRST_REASON
    return REASONS.get(derivation, GENERIC_REASON)


def _write_tasks(report: Plan, year: int, editor) -> None:
    kind = ALL_KINDS["task_progress"]
    for position, task in enumerate(TaskProgress.objects.filter(plan=report).order_by("position")):
        status, reason = TASK_EXCEPTIONS.get((year, position), (ProgressStatus.ON_SCHEDULE, ""))
        note = f"{DEMO_LABEL}{task.milestone or '年度工作'}：" + (
            "已完成。" if status == ProgressStatus.ON_SCHEDULE else "推进中。"
        )
        row_update(
            kind=kind,
            row=task,
            actor=editor,
            data={"status": status, "reason": reason, "note": note},
            expected_revision=task.revision,
        )


def _project_data(path: dict, year: int, planned: Decimal) -> dict | None:
    known = [y for y in path if y <= year]
    if not known:
        return None
    status, start, finish, share, note, reason = path[max(known)]
    invested = (planned * D(share)).quantize(D("0.01"))
    return {
        "status": status,
        "actual_start": datetime.date.fromisoformat(start),
        "actual_finish": datetime.date.fromisoformat(finish) if finish else None,
        "invested": invested,
        "invested_government": (invested * D("0.15")).quantize(D("0.01")),
        "note": f"{DEMO_LABEL}{note}" if note else "",
        "reason": reason,
    }


def _write_projects(report: Plan, year: int, editor) -> None:
    kind = ALL_KINDS["project_progress"]
    rows = list(ProjectProgress.objects.filter(plan=report).order_by("position"))
    carried = [r for r in rows if not r.is_added]
    for position, project in enumerate(carried):
        data = _project_data(PROJECT_PATH.get(position, {}), year, project.planned_investment)
        if data:
            row_update(
                kind=kind, row=project, actor=editor, data=data, expected_revision=project.revision
            )
    added = next((r for r in rows if r.is_added), None)
    data = _project_data(ADDED_PATH, year, ADDED_PROJECT["planned_investment"])
    if data and added is None:
        row_create(kind=kind, plan=report, actor=editor, data={**ADDED_PROJECT, **data})
    elif data:
        row_update(kind=kind, row=added, actor=editor, data=data, expected_revision=added.revision)


def _section_text(report: Plan, heading: str) -> str:
    year = report.data_year
    return (
        f"<p>{DEMO_LABEL}{year}年，园区按照绿色发展行动方案的年度分解，围绕“{heading}”"
        "统筹推进各项工作，相关情况说明如下。</p>"
        f"<p>{year}年园区工业增加值约{IAV[year] / 10000:,.0f}亿元，单位工业增加值综合能耗"
        "持续下降；重点任务和重点项目按年度计划推进，个别滞后事项已说明原因并提出整改措施。</p>"
    )


def _write_sections(report: Plan, editor, *, only: tuple[str, ...] = ()) -> None:
    outline = outline_for(report.outline_version)
    sections = {s.key: s for s in Section.objects.filter(plan=report)}
    for entry in outline.sections:
        if only and entry.key not in only:
            continue
        rich = Kind.RICH_TEXT in entry.kinds
        section_save(
            plan=report,
            key=entry.key,
            body=_section_text(report, entry.heading) if rich else "",
            is_done=True,
            expected_revision=sections[entry.key].revision,
            actor=editor,
        )


def _review(report: Plan, year: int, *, editor, manager) -> None:
    """Submitted by the park's manager, reviewed by the province, approved nationally; the
    RETURNED_YEAR's report is returned once with a comment on its missed target's row, which the
    park answers before submitting again."""
    walk(report, to_province(manager.username))
    if year == RETURNED_YEAR:
        comment = _return(report)
        _answer(report, comment, editor=editor)
        walk(report, to_province(manager.username))
        comment_resolve(comment=comment, actor=User.objects.get(username=PROVINCE))
    walk(
        report,
        to_approval(
            forward=f"（演示数据）{year}年度实施情况报告内容完整，指标数据与数据表一致，"
            "同意报送国家审核。",
            approve=f"（演示数据）同意该园区{year}年度绿色发展行动方案实施情况报告。",
        ),
    )


def _missed_row(report: Plan) -> IndicatorActual:
    return IndicatorActual.objects.get(plan=report, derivation=RETURNED_INDICATOR)


def _return(report: Plan) -> Comment:
    """The province's comment on the missed target's row, and the report returned with it."""
    reviewer = User.objects.get(username=PROVINCE)
    comment = comment_post(
        version=report.versions.order_by("-number").first(),
        actor=reviewer,
        body=RETURN_COMMENT,
        anchor=f"row:{ALL_KINDS['actuals'].slug}:{_missed_row(report).pk}",
    )
    transition_apply(
        plan=report,
        action="return",
        actor=reviewer,
        reasons=[ReturnReason.CONTENT],
        opinion=RETURN_OPINION,
    )
    comment.refresh_from_db()  # returning sent it to the park
    return comment


def _answer(report: Plan, comment: Comment, *, editor) -> None:
    """The park's answer in the thread, and the reason written out on the row."""
    comment_post(
        version=comment.version,
        actor=editor,
        body=PARK_ANSWER,
        anchor=comment.anchor,
        parent=comment,
    )
    row = _missed_row(report)
    row_update(
        kind=ALL_KINDS["actuals"],
        row=row,
        actor=editor,
        data={"reason": REASONS[RETURNED_INDICATOR]},
        expected_revision=row.revision,
    )
