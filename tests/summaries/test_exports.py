"""The Excel exports of issue 7: a workbook made by a background job from the submitted or
approved versions (never a draft), read back here with openpyxl and checked against the
versions' snapshots, with one aggregate worked out by hand; scoped to the province of a
provincial reviewer; downloaded by its requester only; its progress shown while it is made;
expired files deleted; failures recorded with their reason."""

import datetime
import io
import time
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from indicators import selectors as numbers_selectors
from indicators import services as numbers_services
from plans.rows import ROW_KINDS
from plans.services import row_create
from plans.status import State
from portal.demo import numbers as numbers_demo
from portal.demo.numbers import seed_demo_numbers
from portal.demo.plan import PROJECTS, seed_demo_plan
from review.models import StatusChange, Version
from review.selectors import submission_checklist
from summaries import export_workbook
from summaries.export_workbook.sheets import PROJECT_SUMS as PROJECT_SUMS_SHEET
from summaries.export_workbook.sheets import PROJECTS as PROJECTS_SHEET
from summaries.export_workbook.sheets import project_cell, sheet_columns
from summaries.exports import Progress, export_request, export_run, exports_expire
from summaries.figures import SUMMARY_STATES, Scope
from summaries.models import ExportJob, SummarySnapshot
from tests.factories import ParkFactory, PlanFactory, UserFactory
from tests.review.conftest import complete_park_profile
from tests.review.helpers import messages_of, walk

D = Decimal

# What a draft holds and no export may show (park C's edits after its return, park D's plan).
DRAFT_IAV_C = "7654321"
DRAFT_IAV_D = "8765432"
DRAFT_PROJECT_C = "草稿才有的节能改造项目"
DRAFT_PROJECT_D = "从未提交的草稿项目"
DRAFT_INVESTMENT = D("4321.98")

STATUS_HEADERS = ["省份", "园区", "方案状态", "版本", "提交时间", "通过时间", "审核人"]
INDICATOR_HEADERS = [
    "省份",
    "园区",
    "版本",
    "指标",
    "指标代码",
    "类别",
    "类型",
    "单位",
    "方向",
    "基准值（2020年）",
    "2021年目标",
    "2022年目标",
    "2023年目标",
    "2024年目标",
    "2025年目标",
    "国家参考值",
    "2025年目标是否达到国家参考值",
    "预警数",
    "预警均已说明",
    "预警及说明",
    "数据来源",
]
AGGREGATE_HEADERS = [
    "范围",
    "指标",
    "指标代码",
    "单位",
    "汇总方法",
    "基准值（2020年）",
    "基准值园区数",
    "2025年目标",
    "目标园区数",
    "达到国家参考值园区数",
    "未达到国家参考值园区数",
    "国家参考值",
]
YEARS = ["2016年", "2017年", "2018年", "2019年", "2020年"]
DATA_HEADERS = ["省份", "园区", "版本", "数据表", "项目", "口径", "计量单位", *YEARS]
DATA_SUM_HEADERS = ["范围", "数据表", "项目", "口径", "计量单位", "园区数", *YEARS]
PROJECT_HEADERS = [
    "省份",
    "园区",
    "项目名称",
    "任务类别",
    "实施主体",
    "开工年份",
    "完工年份",
    "投资总额（万元）",
    "其中政府资金（万元）",
    "节能量（吨标准煤/年）",
    "二氧化碳减排量（吨/年）",
    "状态",
]
PROJECT_SUM_HEADERS = [
    "汇总维度",
    "分组",
    "项目数",
    "园区数",
    "投资总额（万元）",
    "其中政府资金（万元）",
    "节能量（吨标准煤/年）",
    "二氧化碳减排量（吨/年）",
]


# --- the plans behind the exports ---------------------------------------------------------------


def as_people(world, **who) -> SimpleNamespace:
    """`world` with other users in the walk's roles (helpers.walk names park A's people)."""
    return SimpleNamespace(**{**vars(world), **who})


def full_plan(park, editor, manager):
    complete_park_profile(park, manager)
    plan = PlanFactory(park=park)
    seed_demo_plan(plan, editor)
    seed_demo_numbers(plan, editor)
    plan.refresh_from_db()
    assert submission_checklist(plan) == []
    return plan


def edit_draft(plan, actor, *, iav_2020: str, project: str) -> None:
    """What a park changes in its draft: the 2020 industrial added value and a new project."""
    record = numbers_selectors.table_records(plan)["economy"]
    values = record.values if record else {"iav": {}, "gdp": {}}
    values = {**values, "iav": {**values.get("iav", {}), "2020": iav_2020}}
    numbers_services.table_save(
        plan=plan,
        table_key="economy",
        values=values,
        expected_revision=record.revision if record else 0,
        actor=actor,
    )
    row_create(
        kind=ROW_KINDS["projects"],
        plan=plan,
        actor=actor,
        data={
            "name": project,
            "group": "emission",
            "implementer": "草稿实施单位",
            "start_year": 2022,
            "end_year": 2023,
            "investment": DRAFT_INVESTMENT,
            "government_funds": D(0),
            "status": "planned",
        },
    )


@pytest.fixture
def approved(world, catalogue, monkeypatch):
    """Park A (江苏) with the demo plan and park B (浙江) with other numbers (twice the added
    value, 0.6 times the energy intensity), both approved through the workflow."""
    plan_a = full_plan(world.park_a, world.editor_a, world.manager_a)
    walk(plan_a, world, State.APPROVED)
    world.manager_b = UserFactory(park_manager=True, park=world.park_b, username="manager_b")
    with monkeypatch.context() as patch:
        patch.setattr(numbers_demo, "IAV", {y: v * 2 for y, v in numbers_demo.IAV.items()})
        patch.setattr(
            numbers_demo,
            "INTENSITY",
            {y: v * D("0.6") for y, v in numbers_demo.INTENSITY.items()},
        )
        plan_b = full_plan(world.park_b, world.editor_b, world.manager_b)
    walk(
        plan_b,
        as_people(world, manager_a=world.manager_b, reviewer_a=world.reviewer_b),
        State.APPROVED,
    )
    world.plan_a, world.plan_b = plan_a, plan_b
    world.version_a = Version.objects.get(plan=plan_a)
    world.version_b = Version.objects.get(plan=plan_b)
    return world


@pytest.fixture
def with_drafts(approved):
    """Besides: park C (江苏) submitted, returned, and its draft changed since; park D (浙江)
    with a draft never submitted. Both drafts hold numbers no export may show."""
    world = approved
    world.park_c = ParkFactory(name="南京高新技术产业开发区", province=world.province_a)
    world.manager_c = UserFactory(park_manager=True, park=world.park_c, username="manager_c")
    world.plan_c = full_plan(world.park_c, world.manager_c, world.manager_c)
    walk(world.plan_c, as_people(world, manager_a=world.manager_c), State.RETURNED)
    edit_draft(world.plan_c, world.manager_c, iav_2020=DRAFT_IAV_C, project=DRAFT_PROJECT_C)
    world.park_d = ParkFactory(name="宁波高新技术产业开发区", province=world.province_b)
    world.editor_d = UserFactory(park_editor=True, park=world.park_d, username="editor_d")
    world.plan_d = PlanFactory(park=world.park_d)
    edit_draft(world.plan_d, world.editor_d, iav_2020=DRAFT_IAV_D, project=DRAFT_PROJECT_D)
    return world


@pytest.fixture
def export(world, django_capture_on_commit_callbacks):
    """`export(user, **scope)`: ask for an export as the page does, let the worker run it (in
    process, once committed), and read the workbook back."""

    def run(user, **scope):
        with django_capture_on_commit_callbacks(execute=True):
            job = export_request(user=user, scope=Scope(cycle=world.cycle.code, **scope))
        job.refresh_from_db()
        assert job.state == ExportJob.State.DONE, job.error
        return job, read(job)

    return run


def read(job):
    with job.file.open("rb") as handle:
        return load_workbook(io.BytesIO(handle.read()))


def records(ws) -> list[dict]:
    rows = ws.iter_rows(values_only=True)
    header = next(rows)
    return [dict(zip(header, row, strict=True)) for row in rows]


def headers(ws) -> list[str]:
    return [cell.value for cell in next(ws.iter_rows(max_row=1))]


def every_value(workbook) -> list:
    return [v for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for v in row]


def one(rows: list[dict], **match) -> dict:
    found = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert len(found) == 1, (match, found)
    return found[0]


def indicator(snapshot: dict, code: str) -> dict:
    return next(i for i in snapshot["indicators"] if i["code"] == code)


# --- the workbook -------------------------------------------------------------------------------


def test_the_workbook_has_every_sheet_with_chinese_headers_frozen_and_filtered(approved, export):
    # when the national admin exports the approved plans
    job, workbook = export(approved.admin)

    # then the sheets are those the issue lists, after the 说明 sheet
    assert workbook.sheetnames == [
        "说明",
        "1 填报状态",
        "2 指标",
        "3 指标汇总",
        "4 数据表（园区）",
        "4 数据表（全国及分省合计）",
        "5 重点项目",
        "5 项目投资汇总",
        "6 实际值（全国及分省）",
        "7 指标达成情况",
        "8 项目执行情况",
    ]
    # each with its Chinese headers
    status = headers(workbook["1 填报状态"])
    assert status[:7] == STATUS_HEADERS
    assert {"园区管理机构负责人 · 姓名", "部门联系人 · 手机", "通信地址"} <= set(status)
    assert status[-2:] == ["内容哈希（SHA-256）", "电网排放因子（范围及各数据年份所用因子年份）"]
    assert headers(workbook["2 指标"]) == INDICATOR_HEADERS
    assert headers(workbook["3 指标汇总"]) == AGGREGATE_HEADERS
    assert headers(workbook["4 数据表（园区）"]) == DATA_HEADERS
    assert headers(workbook["4 数据表（全国及分省合计）"]) == DATA_SUM_HEADERS
    assert headers(workbook["5 重点项目"]) == PROJECT_HEADERS
    assert headers(workbook["5 项目投资汇总"]) == PROJECT_SUM_HEADERS
    # the header row frozen, filters over the whole table, columns sized, numbers formatted
    for ws in workbook.worksheets[1:]:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}"
        assert ws.column_dimensions["B"].width >= 20, ws.title
    projects = workbook["5 重点项目"]
    assert projects["H2"].number_format == "#,##0.00"
    assert workbook["2 指标"]["J2"].number_format == "#,##0.0000"
    # and the job says what it made
    assert (job.parks, job.progress, job.size > 10_000) == (2, 100, True)
    assert job.expires_at - job.finished_at == datetime.timedelta(days=7)


def test_the_project_sheets_head_each_column_as_the_project_form_and_the_preview_do(world):
    # given the labels of the key projects' fields, as their form and the preview show them
    kind = ROW_KINDS["projects"]
    with translation.override("zh-hans"):
        label = {name: str(kind.field(name).verbose_name) for name in kind.fields}

        # when the export's sheets are laid out
        columns = sheet_columns(world.cycle)

    # then the key projects sheet is headed with those labels, and so are the sums of its amounts
    amounts = ["investment", "government_funds", "energy_saved_tce", "co2_reduced_t"]
    fields = ["name", "group", "implementer", "start_year", "end_year", *amounts, "status"]
    assert [c.header for c in columns[PROJECTS_SHEET]] == ["省份", "园区", *map(label.get, fields)]
    assert [c.header for c in columns[PROJECT_SUMS_SHEET]][4:] == [label[n] for n in amounts]
    assert label["investment"] == "投资总额（万元）"  # as the template's 4.3 says, not 总投资


def test_a_project_is_written_with_its_choices_labelled_and_other_values_as_frozen():
    with translation.override("zh-hans"):
        statuses = [project_cell("status", v) for v in (None, "", "under_construction", "odd")]
        group = project_cell("group", "emission")
    assert statuses == [None, "", "在建", "odd"]
    assert group == "推动节能减排，优化绿色生态环境"
    assert (project_cell("investment", "38000.00"), project_cell("start_year", 2021)) == (
        38000,
        2021,
    )


def test_the_about_sheet_says_when_by_whom_what_and_how(approved, export):
    # when the national admin exports the approved plans
    job, workbook = export(approved.admin)

    # then 说明 names the time, the person, the scope, the versions and the rules
    about = {row[0]: row[1] for row in workbook["说明"].iter_rows(values_only=True) if row[0]}
    assert about["生成人"] == f"{approved.admin.display_name}（国家级管理员）"
    assert about["生成时间"].startswith(f"{timezone.localtime(job.started_at):%Y-%m-%d}")
    assert about["填报周期"] == "2021-2025年（2021-2025）"
    assert about["方案状态"] == "审核通过"
    assert about["园区数"].startswith("2 个园区，2 个版本")
    coefficient_set = approved.version_a.snapshot["accounting"]["coefficient_set"]
    assert about["系数集"] == coefficient_set
    assert "比值之和" in about["汇总规则"] and "加权" in about["汇总规则"]
    # and lists each version with its content hash
    hashes = {row[4] for row in workbook["说明"].iter_rows(values_only=True)}
    assert {approved.version_a.content_hash, approved.version_b.content_hash} <= hashes


def test_park_rows_are_the_values_of_the_submitted_versions(approved, export):
    # given park A's approved version
    version = approved.version_a
    snapshot = version.snapshot

    # when the national admin exports
    _job, workbook = export(approved.admin)

    # then the status row has the version, its dates, the reviewer and the park's contacts
    status = one(records(workbook["1 填报状态"]), 园区=approved.park_a.name)
    approval = StatusChange.objects.get(version=version, action="approve")
    assert (status["省份"], status["方案状态"], status["版本"]) == ("江苏省", "审核通过", 1)
    local = timezone.localtime
    assert abs(status["提交时间"] - local(version.submitted_at).replace(tzinfo=None)).seconds < 1
    assert abs(status["通过时间"] - local(approval.at).replace(tzinfo=None)).seconds < 1
    assert status["审核人"] == approved.national.display_name
    assert status["部门联系人 · 手机"] == snapshot["park"]["contact_mobile"] == "13800000003"
    assert status["园区管理机构负责人 · 姓名"] == snapshot["park"]["head_name"]

    # and its indicators are the frozen baseline and targets, flags included
    rows = records(workbook["2 指标"])
    for item in snapshot["indicators"]:
        row = one(rows, 园区=approved.park_a.name, 指标代码=item["code"])
        baseline = float(D(item["baseline"])) if item["baseline"] else None
        assert row["基准值（2020年）"] == baseline
        for year in range(2021, 2026):
            assert row[f"{year}年目标"] == float(D(item["targets"][str(year)])), item["code"]
        assert row["单位"] == item["unit"]
    energy = one(rows, 园区=approved.park_a.name, 指标代码="energy_intensity_iav")
    assert (energy["2025年目标是否达到国家参考值"], energy["预警数"]) == ("是", 0)
    cut = one(rows, 园区=approved.park_a.name, 指标代码="co2_intensity_cut_rate")
    assert (cut["预警数"], cut["预警均已说明"]) == (1, "是")
    assert "燃煤锅炉" in cut["预警及说明"]

    # and its data tables: each fuel in its unit and in standard coal, the totals, the water
    data = [r for r in records(workbook["4 数据表（园区）"]) if r["园区"] == approved.park_a.name]
    for line in snapshot["energy"]["lines"]:
        quantity = one(data, 项目=line["name"], 口径="实物量")
        tce = one(data, 项目=line["name"], 口径="折标准煤")
        assert quantity["计量单位"] == line["unit"]
        for year in range(2016, 2021):
            physical = snapshot["tables"]["energy"][line["key"]][str(year)]
            assert quantity[f"{year}年"] == float(D(physical))
            assert tce[f"{year}年"] == pytest.approx(float(D(line["tce"][str(year)])))
    total = one(data, 项目="合计（综合能源消费量）")
    assert total["2020年"] == pytest.approx(float(D(snapshot["energy"]["total_tce"]["2020"])))
    assert one(data, 项目="其中：新鲜水量")["2020年"] == 9000
    assert one(data, 项目="工业增加值")["2020年"] == 11_000_000

    # and its projects, one row each
    projects = [r for r in records(workbook["5 重点项目"]) if r["园区"] == approved.park_a.name]
    assert [p["项目名称"] for p in projects] == [p[0] for p in PROJECTS]
    heating = one(projects, 项目名称="园区集中供热管网改造项目")
    assert (heating["投资总额（万元）"], heating["开工年份"], heating["状态"]) == (
        38000,
        2021,
        "在建",
    )
    assert heating["任务类别"] == "推动节能减排，优化绿色生态环境"


def test_national_intensity_is_the_ratio_of_the_sums_worked_out_by_hand(approved, export):
    # given the two approved versions' 2020 figures, read from their snapshots
    a, b = approved.version_a.snapshot, approved.version_b.snapshot
    tce_a = D(a["energy"]["total_tce"]["2020"])
    tce_b = D(b["energy"]["total_tce"]["2020"])
    iav_a = D(a["tables"]["economy"]["iav"]["2020"])
    iav_b = D(b["tables"]["economy"]["iav"]["2020"])
    assert (iav_a, iav_b) == (11_000_000, 22_000_000)  # park B: twice the added value
    # 单位工业增加值综合能耗, all parks: Σ energy / Σ added value, not the mean of the ratios
    by_hand = (tce_a + tce_b) / (iav_a + iav_b)
    mean_of_ratios = (tce_a / iav_a + tce_b / iav_b) / 2
    assert abs(by_hand - mean_of_ratios) > D("0.005")
    # the 2025 target: each park's target weighted by its own 2020 added value
    target_a = D(indicator(a, "energy_intensity_iav")["targets"]["2025"])
    target_b = D(indicator(b, "energy_intensity_iav")["targets"]["2025"])
    target_by_hand = (target_a * iav_a + target_b * iav_b) / (iav_a + iav_b)

    # when the national admin exports
    _job, workbook = export(approved.admin)

    # then the national row is the figure worked out by hand, with the two parks behind it
    rows = records(workbook["3 指标汇总"])
    national = one(rows, 范围="全国", 指标代码="energy_intensity_iav")
    assert national["基准值（2020年）"] == pytest.approx(float(by_hand), rel=1e-9)
    assert national["基准值园区数"] == 2
    assert national["2025年目标"] == pytest.approx(float(target_by_hand), rel=1e-9)
    assert national["目标园区数"] == 2
    assert national["达到国家参考值园区数"] == 2
    assert "比值之和" in national["汇总方法"]
    # and each province's row is its one park's own ratio
    jiangsu = one(rows, 范围="江苏省", 指标代码="energy_intensity_iav")
    assert jiangsu["基准值（2020年）"] == pytest.approx(float(tce_a / iav_a), rel=1e-9)
    assert jiangsu["基准值园区数"] == 1
    # and rates and years are not added up
    peak = one(rows, 范围="全国", 指标代码="carbon_peak_year")
    assert (peak["2025年目标"], peak["目标园区数"]) == (None, 2)

    # and the data tables add up the two parks, nationally and by province
    sums = records(workbook["4 数据表（全国及分省合计）"])
    total = one(sums, 范围="全国", 项目="合计（综合能源消费量）")
    assert total["2020年"] == pytest.approx(float(tce_a + tce_b))
    assert total["园区数"] == 2
    coal_a = D(a["tables"]["energy"]["raw_coal"]["2020"])
    coal_b = D(b["tables"]["energy"]["raw_coal"]["2020"])
    coal = one(sums, 范围="全国", 项目="原煤", 口径="实物量")
    assert (coal["计量单位"], coal["2020年"]) == ("吨", float(coal_a + coal_b))
    assert one(sums, 范围="浙江省", 项目="工业增加值")["2020年"] == 22_000_000

    # and the project investment: 6 demo projects of 451,000 万元 in each park
    projects = records(workbook["5 项目投资汇总"])
    assert sum(D(p[5]) for p in PROJECTS) == 451_000
    national = one(projects, 汇总维度="全国")
    assert (national["项目数"], national["园区数"], national["投资总额（万元）"]) == (
        12,
        2,
        902_000,
    )
    assert one(projects, 汇总维度="省份", 分组="江苏省")["投资总额（万元）"] == 451_000
    emission = one(projects, 汇总维度="任务类别", 分组="推动节能减排，优化绿色生态环境")
    assert emission["投资总额（万元）"] == 2 * (38_000 + 52_000 + 64_000)
    started_2021 = one(projects, 汇总维度="开工年份", 分组="2021年")
    assert (started_2021["项目数"], started_2021["投资总额（万元）"]) == (6, 2 * 135_000)


def test_drafts_never_appear_in_any_export(with_drafts, export):
    world = with_drafts

    # when the national admin exports every state a summary may cover
    _job, workbook = export(world.admin, states=SUMMARY_STATES)

    # then park C (returned) is there with what it submitted, park D (never submitted) is not
    parks = [r["园区"] for r in records(workbook["1 填报状态"])]
    assert sorted(parks) == sorted([world.park_a.name, world.park_b.name, world.park_c.name])
    data = records(workbook["4 数据表（园区）"])
    assert one(data, 园区=world.park_c.name, 项目="工业增加值")["2020年"] == 11_000_000
    # and nothing the drafts hold appears anywhere in the workbook
    values = every_value(workbook)
    assert float(DRAFT_IAV_C) not in values and float(DRAFT_IAV_D) not in values
    assert float(DRAFT_INVESTMENT) not in values
    text = " ".join(str(v) for v in values if v is not None)
    for name in (DRAFT_PROJECT_C, DRAFT_PROJECT_D, world.park_d.name, DRAFT_IAV_C, DRAFT_IAV_D):
        assert name not in text

    # and the default export (approved plans) leaves the returned plan out too
    _job, workbook = export(world.admin)
    parks = [r["园区"] for r in records(workbook["1 填报状态"])]
    assert sorted(parks) == sorted([world.park_a.name, world.park_b.name])


def test_provincial_reviewer_exports_only_their_province_even_asking_for_another(approved, export):
    # when province A's reviewer asks for province B's parks
    job, workbook = export(approved.reviewer_a, provinces=("330000",))

    # then the export covers their own province: park A only, park B and 浙江 nowhere
    assert job.provinces == ["320000"]
    assert [r["园区"] for r in records(workbook["1 填报状态"])] == [approved.park_a.name]
    text = " ".join(str(v) for v in every_value(workbook) if v is not None)
    assert approved.park_b.name not in text and "浙江" not in text
    scopes = {r["范围"] for r in records(workbook["3 指标汇总"])}
    assert scopes == {"合计", "江苏省"}


def test_an_export_of_a_snapshot_has_the_versions_it_froze(approved, export):
    # given a named snapshot that froze park A's version only
    snapshot = SummarySnapshot.objects.create(
        name="2025年6月已通过方案", cycle=approved.cycle, states=["approved"]
    )
    snapshot.versions.set([approved.version_a])

    # when the national reviewer exports it
    job, workbook = export(approved.national, snapshot=snapshot.pk)

    # then only that version is in it, and 说明 names the snapshot
    assert [r["园区"] for r in records(workbook["1 填报状态"])] == [approved.park_a.name]
    about = {row[0]: row[1] for row in workbook["说明"].iter_rows(values_only=True) if row[0]}
    assert about["汇总快照"].startswith("2025年6月已通过方案")
    assert job.snapshot == snapshot


# --- the pages ----------------------------------------------------------------------------------


def test_national_admin_asks_for_an_export_on_the_page_and_downloads_it(
    approved, client_for, django_capture_on_commit_callbacks
):
    client = client_for(approved.admin)
    page = client.get(reverse("summaries:exports"))
    assert page.status_code == 200
    assert page.context["form"]["states"].value() == ["approved"]  # approved only, by default

    # when they ask for the approved plans (the worker runs in process once committed)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("summaries:exports"), {"cycle": approved.cycle.code, "states": ["approved"]}
        )

    # then the page lists it ready, and the download is the workbook, named in Chinese
    assert response.status_code == 302
    assert messages_of(response) == ["正在生成导出文件，完成后会显示在下方。"]
    job = ExportJob.objects.get(requested_by=approved.admin)
    html = client.get(reverse("summaries:exports")).content.decode()
    assert 'data-export-state="done"' in html
    download = client.get(reverse("summaries:export-download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in download["Content-Disposition"]
    assert "filename*=utf-8''" in download["Content-Disposition"]
    content = b"".join(download.streaming_content)
    download.close()
    assert content[:2] == b"PK"
    assert load_workbook(io.BytesIO(content)).sheetnames[0] == "说明"


@pytest.mark.parametrize("persona", ["editor_a", "manager_a"])
def test_park_staff_cannot_open_the_exports_page(world, client_for, persona):
    client = client_for(getattr(world, persona))
    statuses = [
        client.get(reverse("summaries:exports")).status_code,
        client.post(reverse("summaries:exports"), {"cycle": world.cycle.code}).status_code,
        client.get(reverse("summaries:export-jobs")).status_code,
    ]
    assert statuses == [403, 403, 403]
    assert ExportJob.objects.count() == 0


def test_provincial_reviewer_is_offered_their_own_province_only(world, client_for):
    html = client_for(world.reviewer_a).get(reverse("summaries:exports")).content.decode()
    assert "江苏省" in html and "浙江省" not in html


@pytest.mark.parametrize("persona", ["national", "reviewer_a", "editor_a"])
def test_another_user_gets_404_on_the_download(world, client_for, export, persona):
    # given an export made for the national admin
    job, _workbook = export(world.admin)

    # when anyone else asks for it, even with the right to export
    response = client_for(getattr(world, persona)).get(
        reverse("summaries:export-download", args=[job.pk])
    )

    # then it does not exist for them
    assert response.status_code == 404


def test_the_jobs_fragment_shows_the_state_and_polls_while_pending(
    world, client_for, django_capture_on_commit_callbacks
):
    # given an export that is queued (no worker has it yet)
    with django_capture_on_commit_callbacks(execute=False):
        job = export_request(user=world.national, scope=Scope(cycle=world.cycle.code))
    client = client_for(world.national)
    url = reverse("summaries:export-jobs")

    # then the fragment says so and asks again every 2 seconds
    html = client.get(url).content.decode()
    assert 'data-export-state="queued"' in html
    assert 'hx-trigger="every 2s"' in html

    # when the worker is half-way, the fragment shows how far and what it does
    ExportJob.objects.filter(pk=job.pk).update(
        state="running", progress=45, step="正在写入第3个园区"
    )
    html = client.get(url).content.decode()
    assert 'aria-valuenow="45"' in html and "正在写入第3个园区" in html
    assert 'hx-trigger="every 2s"' in html

    # when it is done, the fragment offers the download and stops asking
    export_run(job.pk)
    html = client.get(url).content.decode()
    assert 'data-export-state="done"' in html
    assert reverse("summaries:export-download", args=[job.pk]) in html
    assert "hx-trigger" not in html


def test_progress_is_written_every_five_percent_only(world):
    # given a running export
    job = ExportJob.objects.create(requested_by=world.national, cycle="2021-2025", state="running")
    progress = Progress(job.pk)

    # when the pass reports every percent from 5 to 90
    with CaptureQueriesContext(connection) as queries:
        for percent in range(5, 91):
            progress(percent, f"正在写入（{percent}%）")

    # then the row is written every 5 percent, not 86 times
    assert len(queries) == 18
    job.refresh_from_db()
    assert (job.progress, job.step) == (90, "正在写入（90%）")


def test_expiry_deletes_the_file_and_marks_the_export_expired(world, export, client_for):
    # given two ready exports, one past its expiry
    old, _workbook = export(world.national)
    fresh, _workbook = export(world.national)
    ExportJob.objects.filter(pk=old.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    storage, name = old.file.storage, old.file.name
    assert storage.exists(name)

    # when the daily task runs
    from summaries.tasks import expire_exports

    expired = expire_exports.delay().get()

    # then the old file is gone and the export says so; the fresh one is untouched
    assert expired == 1
    old.refresh_from_db()
    assert (old.state, old.file.name, storage.exists(name)) == ("expired", "", False)
    fresh.refresh_from_db()
    assert fresh.state == "done" and fresh.file.storage.exists(fresh.file.name)
    client = client_for(world.national)
    assert client.get(reverse("summaries:export-download", args=[old.pk])).status_code == 404
    html = client.get(reverse("summaries:export-jobs")).content.decode()
    assert 'data-export-state="expired"' in html
    # and running it again changes nothing
    assert exports_expire() == 0


def test_a_failing_build_records_its_reason_and_the_page_still_answers(
    world, client_for, monkeypatch, django_capture_on_commit_callbacks
):
    # given a workbook that cannot be written
    def broken(*args, **kwargs):
        raise ValueError("第 3 个园区的快照无法读取")

    monkeypatch.setattr(export_workbook, "build", broken)
    client = client_for(world.national)

    # when the national reviewer asks for an export
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("summaries:exports"), {"cycle": world.cycle.code})

    # then the page answers, and the export failed with the reason, shown on the page
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert (job.state, job.error, job.file.name) == ("failed", "第 3 个园区的快照无法读取", "")
    assert job.finished_at is not None
    html = client.get(reverse("summaries:exports")).content.decode()
    assert 'data-export-state="failed"' in html
    assert "第 3 个园区的快照无法读取" in html


def test_a_transient_error_leaves_the_export_queued_for_another_try_then_fails(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    # given an export queued, and a storage that stays away
    with django_capture_on_commit_callbacks(execute=False):
        job = export_request(user=world.national, scope=Scope(cycle=world.cycle.code))

    def away(*args, **kwargs):
        raise OSError("存储暂时不可用")

    monkeypatch.setattr(export_workbook, "build", away)

    # when the worker meets the error with tries left, the task is to be retried
    with pytest.raises(OSError):
        export_run(job.pk, last_attempt=False)

    # then the export waits for the next try and says why
    job.refresh_from_db()
    assert (job.state, job.error) == ("queued", "稍后将重试：存储暂时不可用")

    # when the last try meets it too, the export failed with the reason
    with pytest.raises(OSError):
        export_run(job.pk, last_attempt=True)
    job.refresh_from_db()
    assert (job.state, job.error) == ("failed", "存储暂时不可用")


def test_without_a_worker_a_transient_error_is_recorded_not_raised(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    # given a storage that is away, and no broker (tasks run in the web process)
    def away(*args, **kwargs):
        raise OSError("存储暂时不可用")

    monkeypatch.setattr(export_workbook, "build", away)

    # when an export is asked for
    with django_capture_on_commit_callbacks(execute=True):
        job = export_request(user=world.national, scope=Scope(cycle=world.cycle.code))

    # then there is no worker to try again later: it failed, with the reason, and nothing raised
    job.refresh_from_db()
    assert (job.state, job.error) == ("failed", "存储暂时不可用")


def test_an_export_for_a_user_who_lost_the_right_fails_with_the_reason(
    world, django_capture_on_commit_callbacks
):
    # given an export queued for a provincial reviewer, whose account is then deactivated
    with django_capture_on_commit_callbacks(execute=False):
        job = export_request(user=world.reviewer_a, scope=Scope(cycle=world.cycle.code))
    type(world.reviewer_a).objects.filter(pk=world.reviewer_a.pk).update(is_active=False)

    # when the worker runs it
    export_run(job.pk)

    # then nothing is exported
    job.refresh_from_db()
    assert job.state == "failed" and not job.file
    assert job.error == "申请导出的用户已无导出权限。"


# --- through a real worker ----------------------------------------------------------------------


@pytest.mark.live_services
@pytest.mark.django_db(transaction=True)
def test_a_worker_makes_the_export_after_the_commit(world, client_for, request):
    # given a Celery worker on Redis (skipped with the reason where none can run)
    process = request.getfixturevalue("live_worker")

    # when the national reviewer asks for an export (queued on Redis once committed)
    job = export_request(user=world.national, scope=Scope(cycle=world.cycle.code))

    # then a worker makes it within the time limit
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if not job.is_pending:
            break
        time.sleep(0.5)
    assert job.state == "done", (job.state, job.error, process.poll())
    assert (job.progress, job.step) == (100, "已生成")

    # and the polled fragment now offers the download, and stops polling
    html = client_for(world.national).get(reverse("summaries:export-jobs")).content.decode()
    assert reverse("summaries:export-download", args=[job.pk]) in html
    assert "hx-trigger" not in html


def test_the_status_sheet_says_which_grid_factor_each_parks_co2_uses(approved, export):
    # given park A (江苏, East China grid by default) and park B (浙江, likewise), both approved
    # with their 2016-2020 tables: no factor is published for those years, so each year uses
    # the East China grid's first published one, 2022's

    # when the national admin exports
    _job, workbook = export(approved.admin)

    # then each park's status row names the series and the factor year of every data year
    rows = records(workbook["1 填报状态"])
    column = "电网排放因子（范围及各数据年份所用因子年份）"
    for park in (approved.park_a, approved.park_b):
        row = one(rows, 园区=park.name)
        assert row[column] == "华东区域电网（按园区所在地默认）：2016-2020年数据暂用2022年因子"
    # and the about sheet states the rule
    about = [row[1] for row in workbook["说明"].iter_rows(values_only=True) if row[0]]
    assert any("无当年因子的年份暂用此前最近公布年份的因子" in (text or "") for text in about)
