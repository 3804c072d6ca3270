"""The structured tables (重点任务, 路线图, 重点建设项目, 领导小组): rows added, edited, reordered
and removed through the htmx partials, validation shown in Chinese next to the field with the
input kept, lost updates, the projects' totals and amounts typed as Chinese users type them."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from parks.models import AuditEntry
from plans import services
from plans.models import GroupMember, KeyProject, KeyTask, Milestone
from plans.outline import OUTLINE
from plans.rows import ROW_KINDS, kinds_in
from plans.selectors import project_totals
from tests.factories import (
    GroupMemberFactory,
    KeyProjectFactory,
    KeyTaskFactory,
    PlanFactory,
)
from tests.parks.helpers import field_error_text
from tests.plans.helpers import form_values

# The plan's own tables (a report's are tested in tests/reports).
PLAN_KINDS = kinds_in(OUTLINE)

REQUIRED = "这个字段是必填项。"
ROW_CONFLICT = "其他用户已先保存了这一行"
NOT_REMOVED = "未删除：该行已被其他用户修改，请先核对。"

# What an editor types into each table's form: every value distinct and findable in the page.
TYPED = {
    "tasks": {
        "name": "重点用能企业节能改造",
        "group": "emission",
        "content": "对年综合能耗五千吨标煤以上企业开展节能诊断。",
        "year_2021": "完成诊断10家",
        "year_2022": "完成改造5家",
        "year_2023": "",
        "year_2024": "完成改造10家",
        "year_2025": "全部完成",
        "department": "经济发展局",
        "leader": "王副主任",
    },
    "milestones": {"year": "2030", "target": "园区碳排放达峰", "measures": "光伏全覆盖"},
    "projects": {
        "name": "屋顶分布式光伏项目",
        "group": "industry",
        "necessity": "提高可再生能源占比。",
        "implementer": "园区能源投资公司",
        "content": "建设屋顶光伏20兆瓦。",
        "start_year": "2022",
        "end_year": "2024",
        "investment": "8,000",
        "government_funds": "1200.5",
        "energy_saved_tce": "2400",
        "co2_reduced_t": "6000",
        "other_benefits": "",
        "status": "planned",
    },
    "members": {
        "body": "leading_group",
        "name": "李清源",
        "post": "管委会主任",
        "group_role": "组长",
    },
}
# A required field of each table, left empty.
REQUIRED_FIELD = {
    "tasks": "department",
    "milestones": "target",
    "projects": "implementer",
    "members": "post",
}
STORED = {
    "tasks": {
        "name": "重点用能企业节能改造",
        "department": "经济发展局",
        "yearly": {
            "2021": "完成诊断10家",
            "2022": "完成改造5家",
            "2023": "",
            "2024": "完成改造10家",
            "2025": "全部完成",
        },
    },
    "milestones": {"year": 2030, "target": "园区碳排放达峰"},
    "projects": {
        "name": "屋顶分布式光伏项目",
        "investment": Decimal("8000"),
        "government_funds": Decimal("1200.5"),
        "start_year": 2022,
    },
    "members": {"name": "李清源", "post": "管委会主任", "body": "leading_group"},
}


@pytest.fixture
def plan_a(world):
    return PlanFactory(park=world.park_a)


def url(name: str, plan, slug: str, pk=None) -> str:
    args = [plan.pk, slug] if pk is None else [plan.pk, slug, pk]
    return reverse(f"plans:{name}", args=args)


def row_ids(html: str, slug: str) -> list[int]:
    """The rows of a table in the order the page shows them."""
    return [int(pk) for pk in re.findall(rf'id="row-{slug}-(\d+)"', html)]


def rows_of(plan, slug: str):
    return ROW_KINDS[slug].model.objects.filter(plan=plan)


def audit_of(row):
    return AuditEntry.objects.filter(
        target_type__model=type(row)._meta.model_name, target_id=str(row.pk)
    ).order_by("at", "id")


# --- adding rows ------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", list(PLAN_KINDS))
def test_editor_adds_a_row_and_gets_the_table_back(world, client_for, plan_a, slug):
    # given park A's editor with the "add a row" form of the table open
    client = client_for(world.editor_a)
    opened = client.get(url("row-create", plan_a, slug))
    assert opened.status_code == 200
    assert url("row-create", plan_a, slug) in opened.content.decode()

    # when they fill it in and save (htmx posts the form, swaps the table)
    response = client.post(url("row-create", plan_a, slug), {**TYPED[slug], "revision": ""})

    # then the table comes back with the new row in it, the row is stored as typed, first in
    # its table, and the creation is in the audit trail
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="rows-{slug}"' in html
    [row] = rows_of(plan_a, slug)
    assert row_ids(html, slug) == [row.pk]
    assert {field: getattr(row, field) for field in STORED[slug]} == STORED[slug]
    assert row.position == 1
    assert row.revision == 0
    [entry] = audit_of(row)
    assert (entry.action, entry.actor, entry.park) == ("create", world.editor_a, world.park_a)


@pytest.mark.parametrize("slug", list(PLAN_KINDS))
def test_missing_required_field_is_shown_in_chinese_next_to_it_and_nothing_is_saved(
    world, client_for, plan_a, slug
):
    # given a row with one required field left empty
    field = REQUIRED_FIELD[slug]
    typed = {**TYPED[slug], field: ""}

    # when it is saved
    response = client_for(world.editor_a).post(url("row-create", plan_a, slug), typed)

    # then the form comes back with the Chinese message under that field, everything else typed
    # still there, and no row stored
    assert response.status_code == 200
    html = response.content.decode()
    assert field_error_text(html, field) == REQUIRED
    kept = form_values(html)
    assert {f: kept.get(f) for f in typed} == typed
    assert not rows_of(plan_a, slug).exists()


def test_milestone_year_outside_2021_to_2060_is_refused(world, client_for, plan_a):
    # given a milestone typed for 2070

    # when it is saved
    response = client_for(world.editor_a).post(
        url("row-create", plan_a, "milestones"), {**TYPED["milestones"], "year": "2070"}
    )

    # then the year field says it must be at most 2060, and nothing is stored
    assert "2060" in field_error_text(response.content.decode(), "year")
    assert not Milestone.objects.exists()


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"start_year": "2024", "end_year": "2022"}, ("开工年份", "完工年份")),
        ({"investment": "100", "government_funds": "200"}, ("投资总额", "政府资金")),
    ],
    ids=["end before start", "government funds above investment"],
)
def test_inconsistent_project_is_refused_with_a_message_and_nothing_saved(
    world, client_for, plan_a, changes, fields
):
    # given a project whose years or amounts contradict each other
    typed = {**TYPED["projects"], **changes}

    # when it is saved
    response = client_for(world.editor_a).post(url("row-create", plan_a, "projects"), typed)

    # then the form comes back with an error message on top, the input kept, nothing stored
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<div class="alert alert-danger small py-2">\s*\S', html)
    assert form_values(html)["name"] == typed["name"]
    assert not KeyProject.objects.exists()


@pytest.mark.parametrize(
    ("changes", "constraint", "fields"),
    [
        ({"start_year": "2024", "end_year": "2022"}, "project_years_in_order", ("完工年份",)),
        (
            {"investment": "100", "government_funds": "200"},
            "project_funds_within_investment",
            ("政府资金",),
        ),
    ],
    ids=["end before start", "government funds above investment"],
)
def test_inconsistent_project_message_says_what_is_wrong_in_the_users_words(
    world, client_for, plan_a, changes, constraint, fields
):
    # given a project whose years or amounts contradict each other
    typed = {**TYPED["projects"], **changes}

    # when it is saved
    html = client_for(world.editor_a).post(url("row-create", plan_a, "projects"), typed)
    html = html.content.decode()

    # then the message names the fields concerned, not the database constraint
    message = re.search(r'<div class="alert alert-danger small py-2">(.*?)</div>', html, re.S)
    assert message is not None
    assert constraint not in message.group(1)
    assert all(label in message.group(1) for label in fields)


@pytest.mark.parametrize(
    "typed", ["1,234.5", "１２３４．５", "1，234.5", "1234.50", " 1234.5 "], ids=repr
)
def test_investment_typed_the_chinese_way_is_read_as_a_decimal(world, client_for, plan_a, typed):
    # given a project whose investment is typed with a thousands separator or full-width digits
    data = {**TYPED["projects"], "investment": typed, "government_funds": "0"}

    # when it is saved
    response = client_for(world.editor_a).post(url("row-create", plan_a, "projects"), data)

    # then the amount is stored exactly
    assert response.status_code == 200
    assert KeyProject.objects.get().investment == Decimal("1234.5")


@pytest.mark.parametrize("typed", ["一千", "1.234,5", "12,34"])
def test_investment_that_is_not_a_number_is_refused(world, client_for, plan_a, typed):
    # given an investment that is not a number (or is grouped wrongly)
    data = {**TYPED["projects"], "investment": typed, "government_funds": "0"}

    # when it is saved
    response = client_for(world.editor_a).post(url("row-create", plan_a, "projects"), data)

    # then the field says so, in Chinese, and nothing is stored
    assert field_error_text(response.content.decode(), "investment") == "输入一个数字。"
    assert not KeyProject.objects.exists()


def test_yearly_breakdown_of_a_task_is_stored_per_plan_year(world, client_for, plan_a):
    # given the task form, which has a field per plan year of the cycle (2021-2025)
    client = client_for(world.editor_a)
    form = client.get(url("row-create", plan_a, "tasks")).content.decode()
    assert [f"year_{y}" for y in range(2021, 2026)] == re.findall(r'name="(year_\d{4})"', form)
    assert "2021年目标" in form

    # when a task is saved with targets for some years, padded with spaces
    client.post(
        url("row-create", plan_a, "tasks"),
        {**TYPED["tasks"], "year_2021": "  完成诊断10家 ", "year_2023": ""},
    )

    # then the breakdown is stored by year, trimmed, every plan year present
    assert KeyTask.objects.get().yearly == {
        "2021": "完成诊断10家",
        "2022": "完成改造5家",
        "2023": "",
        "2024": "完成改造10家",
        "2025": "全部完成",
    }


def test_rows_added_later_go_to_the_end(world, client_for, plan_a):
    # given a table with one row
    client = client_for(world.editor_a)
    client.post(url("row-create", plan_a, "members"), TYPED["members"])

    # when two more are added
    client.post(url("row-create", plan_a, "members"), {**TYPED["members"], "name": "王二"})
    response = client.post(
        url("row-create", plan_a, "members"), {**TYPED["members"], "name": "张三"}
    )

    # then they are numbered 1..3 in the order they were added, and shown in that order
    members = list(GroupMember.objects.order_by("position"))
    assert [(m.name, m.position) for m in members] == [("李清源", 1), ("王二", 2), ("张三", 3)]
    assert row_ids(response.content.decode(), "members") == [m.pk for m in members]


# --- editing rows -----------------------------------------------------------------------------


def test_editor_edits_a_row(world, client_for, plan_a):
    # given a task, and its edit form opened in the table
    task = KeyTaskFactory(plan=plan_a, department="经济发展局", yearly={"2022": "改造5家"})
    client = client_for(world.editor_a)
    form = client.get(url("row-edit", plan_a, "tasks", task.pk)).content.decode()
    assert form_values(form)["department"] == "经济发展局"
    assert "改造5家</textarea>" in form

    # when the department is changed and saved from revision 0
    response = client.post(
        url("row-edit", plan_a, "tasks", task.pk),
        {**TYPED["tasks"], "name": task.name, "department": "生态环境局", "revision": "0"},
    )

    # then the table comes back, the row holds the change at revision 1, and the audit trail
    # records the old and the new department
    assert response.status_code == 200
    assert row_ids(response.content.decode(), "tasks") == [task.pk]
    task.refresh_from_db()
    assert (task.department, task.revision) == ("生态环境局", 1)
    update = audit_of(task).get(action="update")
    assert update.changes["department"]["old"] == "经济发展局"
    assert update.changes["department"]["new"] == "生态环境局"


def test_edit_from_a_stale_revision_shows_the_conflict_and_keeps_the_input(
    world, client_for, plan_a
):
    # given a project the manager changed after the editor opened it (revision 0 → 1)
    project = KeyProjectFactory(plan=plan_a, implementer="园区建设集团")
    services.row_update(
        kind=ROW_KINDS["projects"],
        row=project,
        actor=world.manager_a,
        data={"implementer": "经理改的实施主体"},
        expected_revision=0,
    )
    client = client_for(world.editor_a)
    typed = {
        **TYPED["projects"],
        "name": project.name,
        "implementer": "编辑改的实施主体",
        "revision": "0",
    }

    # when the editor saves their change from revision 0
    response = client.post(url("row-edit", plan_a, "projects", project.pk), typed)

    # then the Chinese conflict message is shown with what is stored now, the editor's input is
    # still in the form (now at revision 1), and the stored row is the manager's
    html = response.content.decode()
    assert ROW_CONFLICT in html
    assert "经理改的实施主体" in html
    kept = form_values(html)
    assert (kept["implementer"], kept["revision"]) == ("编辑改的实施主体", "1")
    project.refresh_from_db()
    assert (project.implementer, project.revision) == ("经理改的实施主体", 1)

    # and when they save again from the revision the form now carries
    client.post(url("row-edit", plan_a, "projects", project.pk), {**typed, "revision": "1"})

    # then their version is stored
    project.refresh_from_db()
    assert (project.implementer, project.revision) == ("编辑改的实施主体", 2)


def test_inconsistent_edit_is_refused_and_the_row_unchanged(world, client_for, plan_a):
    # given a project 2021-2023
    project = KeyProjectFactory(plan=plan_a, start_year=2021, end_year=2023)

    # when its end year is changed to before its start
    response = client_for(world.editor_a).post(
        url("row-edit", plan_a, "projects", project.pk),
        {**TYPED["projects"], "start_year": "2021", "end_year": "2019", "revision": "0"},
    )

    # then an error is shown, the typed year kept, and the row is as it was
    html = response.content.decode()
    assert 'class="alert alert-danger small py-2"' in html
    assert form_values(html)["end_year"] == "2019"
    project.refresh_from_db()
    assert (project.end_year, project.revision) == (2023, 0)


# --- reordering -------------------------------------------------------------------------------


def test_moving_a_row_up_and_down_reorders_the_table(world, client_for, plan_a):
    # given three tasks
    first, second, third = (KeyTaskFactory(plan=plan_a) for _ in range(3))
    client = client_for(world.editor_a)

    # when the third is moved up, and then the (new) first is moved up again
    moved = client.post(url("row-move", plan_a, "tasks", third.pk), {"direction": "up"})
    client.post(url("row-move", plan_a, "tasks", first.pk), {"direction": "up"})
    down = client.post(url("row-move", plan_a, "tasks", first.pk), {"direction": "down"})

    # then the table shows first, third, second after the first move; moving the top row up
    # changes nothing; moving it down swaps it with the next; positions stay 1..3
    assert row_ids(moved.content.decode(), "tasks") == [first.pk, third.pk, second.pk]
    assert row_ids(down.content.decode(), "tasks") == [third.pk, first.pk, second.pk]
    assert list(
        KeyTask.objects.filter(plan=plan_a).order_by("position").values_list("pk", "position")
    ) == [(third.pk, 1), (first.pk, 2), (second.pk, 3)]


def test_moving_a_member_stays_within_their_body(world, client_for, plan_a):
    # given two members of the leading group and one of the special office
    head = GroupMemberFactory(plan=plan_a, body="leading_group", name="组长甲")
    deputy = GroupMemberFactory(plan=plan_a, body="leading_group", name="副组长乙")
    office = GroupMemberFactory(plan=plan_a, body="special_office", name="主任丙")
    client = client_for(world.editor_a)

    # when the office's only member is moved up, and the deputy is moved up
    client.post(url("row-move", plan_a, "members", office.pk), {"direction": "up"})
    client.post(url("row-move", plan_a, "members", deputy.pk), {"direction": "up"})

    # then the office member stays where they were, and the deputy now leads the group
    positions = dict(GroupMember.objects.values_list("name", "position"))
    assert positions == {"副组长乙": 1, head.name: 2, "主任丙": office.position}


# --- removing rows ----------------------------------------------------------------------------


def test_editor_removes_a_row(world, client_for, plan_a):
    # given two milestones
    keep, remove = (
        Milestone.objects.create(plan=plan_a, year=2025, target="达峰准备", position=1),
        Milestone.objects.create(plan=plan_a, year=2030, target="碳排放达峰", position=2),
    )

    # when one is removed, naming the revision shown
    response = client_for(world.editor_a).post(
        url("row-delete", plan_a, "milestones", remove.pk), {"revision": "0"}
    )

    # then the table comes back without it, it is gone, and the audit trail keeps its values
    assert row_ids(response.content.decode(), "milestones") == [keep.pk]
    assert list(Milestone.objects.values_list("pk", flat=True)) == [keep.pk]
    entry = AuditEntry.objects.get(target_type__model="milestone", action="delete")
    assert (entry.changes["target"]["old"], entry.changes["target"]["new"]) == ("碳排放达峰", None)
    assert entry.changes["year"]["old"] == 2030


@pytest.mark.parametrize("revision", ["0", "", "abc"], ids=["stale", "missing", "garbled"])
def test_removing_a_row_changed_meanwhile_is_refused_with_a_message(
    world, client_for, plan_a, revision
):
    # given a task the manager changed after the editor's page showed it (revision 1 now)
    task = KeyTaskFactory(plan=plan_a)
    services.row_update(
        kind=ROW_KINDS["tasks"],
        row=task,
        actor=world.manager_a,
        data={"leader": "新分管领导"},
        expected_revision=0,
    )

    # when the editor removes it naming the revision their page showed (or none at all)
    data = {"revision": revision} if revision else {}
    response = client_for(world.editor_a).post(url("row-delete", plan_a, "tasks", task.pk), data)

    # then it is kept, and the table says why
    assert NOT_REMOVED in response.content.decode()
    assert KeyTask.objects.filter(pk=task.pk).exists()


# --- totals of the projects -------------------------------------------------------------------


def _three_projects(plan):
    return [
        KeyProjectFactory(
            plan=plan,
            start_year=2021,
            end_year=2022,
            group="emission",
            investment=Decimal("1000.50"),
            government_funds=Decimal("100"),
            energy_saved_tce=Decimal("10.5"),
            co2_reduced_t=Decimal("20"),
        ),
        KeyProjectFactory(
            plan=plan,
            start_year=2021,
            end_year=2025,
            group="industry",
            investment=Decimal("2000"),
            government_funds=Decimal("0"),
            energy_saved_tce=None,
            co2_reduced_t=Decimal("5.25"),
        ),
        KeyProjectFactory(
            plan=plan,
            start_year=2023,
            end_year=2024,
            group="emission",
            investment=Decimal("499.50"),
            government_funds=Decimal("99.5"),
            energy_saved_tce=Decimal("1.5"),
            co2_reduced_t=None,
        ),
    ]


def test_project_totals_by_start_year_and_by_task_group(world, plan_a):
    # given three projects: 2021 emission 1000.50, 2021 industry 2000, 2023 emission 499.50
    projects = _three_projects(plan_a)

    # when their totals are computed
    totals = project_totals(projects)

    # then they add up by hand: 3500.00 in all, 199.50 government funds, empty benefits as 0
    assert (
        totals.investment,
        totals.government_funds,
        totals.energy_saved_tce,
        totals.co2_reduced_t,
    ) == (Decimal("3500.00"), Decimal("199.50"), Decimal("12.0"), Decimal("25.25"))
    assert totals.by_start_year == [(2021, Decimal("3000.50"), 2), (2023, Decimal("499.50"), 1)]
    assert totals.by_group == [
        ("推动节能减排，优化绿色生态环境", Decimal("1500.00"), 2),
        ("发展绿色产业，构建绿色产业体系", Decimal("2000"), 1),
    ]


def test_projects_table_shows_the_totals(world, client_for, plan_a):
    # given the same three projects
    _three_projects(plan_a)

    # when the projects table is shown
    html = client_for(world.editor_a).get(url("row-list", plan_a, "projects")).content.decode()

    # then the totals are there, grouped by thousands with two decimals
    totals = html[html.index("project-totals") :]
    for amount in ("3,500.00", "199.50", "12.00", "25.25", "3,000.50", "499.50", "1,500.00"):
        assert f">{amount}</td>" in totals, amount
    assert "按开工年份汇总投资（万元）" in totals
    assert "2 个项目" in totals


def test_totals_follow_a_project_added_through_the_form(world, client_for, plan_a):
    # given one project of 1,000 (10k yuan)
    KeyProjectFactory(plan=plan_a, investment=Decimal("1000"), government_funds=Decimal("0"))

    # when a second one of 8,000 is added through the form
    response = client_for(world.editor_a).post(
        url("row-create", plan_a, "projects"), TYPED["projects"]
    )

    # then the table's total investment is 9,000.00
    assert re.search(r"投资总额（万元）</th>\s*<td[^>]*>9,000.00</td>", response.content.decode())


# --- who may change the tables ----------------------------------------------------------------


def test_reviewer_sees_the_table_without_buttons_and_may_not_change_it(world, client_for, plan_a):
    # given a task of park A and province A's reviewer
    task = KeyTaskFactory(plan=plan_a)
    client = client_for(world.reviewer_a)

    # when they view the table, and try to add, edit, move and remove rows
    listed = client.get(url("row-list", plan_a, "tasks"))
    statuses = [
        client.post(url("row-create", plan_a, "tasks"), TYPED["tasks"]).status_code,
        client.post(
            url("row-edit", plan_a, "tasks", task.pk), {**TYPED["tasks"], "revision": "0"}
        ).status_code,
        client.post(url("row-move", plan_a, "tasks", task.pk), {"direction": "up"}).status_code,
        client.post(url("row-delete", plan_a, "tasks", task.pk), {"revision": "0"}).status_code,
    ]

    # then they see the row without edit buttons, every change is forbidden, nothing changed
    assert listed.status_code == 200
    assert row_ids(listed.content.decode(), "tasks") == [task.pk]
    assert url("row-edit", plan_a, "tasks", task.pk) not in listed.content.decode()
    assert statuses == [403, 403, 403, 403]
    task.refresh_from_db()
    assert (KeyTask.objects.count(), task.revision) == (1, 0)


@pytest.mark.parametrize("name", ["row-list", "row-create"])
@pytest.mark.parametrize("slug", ["figures", "attachments", "nonsense"])
def test_file_kinds_and_unknown_tables_have_no_row_form(world, client_for, plan_a, name, slug):
    # given a table slug that is not a structured table (files are added by upload only)

    # when its list or add form is asked for
    response = client_for(world.editor_a).get(url(name, plan_a, slug))

    # then there is no such page
    assert response.status_code == 404
