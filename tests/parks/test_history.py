"""The change history (变更记录, issue 14): each change named as people know it (field labels in
Chinese, choices by their labels, 是/否, dates, files by name, rich text as text with what was
removed and added), never a Python repr, an internal code, a storage path or an English label;
a section's old text kept when its autosaves start a new session; filters by person, part and
dates; 50 a page; an Excel export of what the filters show; queries that do not grow with the
page."""

import datetime
import io
import re
from urllib.parse import unquote

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from parks import services as park_services
from parks.audit import audit_record
from parks.history import session_changes
from parks.models import AuditEntry
from parks.selectors import audit_current_values
from plans import services as plan_services
from plans.models import Section
from plans.rows import ROW_KINDS
from tests.factories import PlanFactory, UserFactory
from tests.plans.helpers import pdf_bytes, text_of, uploaded

HTML_OR_REPR = re.compile(r"<p>|</p>|\bTrue\b|\bFalse\b|\{'|\{\"|None\b")


def history_url(park, **query) -> str:
    url = reverse("parks:park-audit", args=[park.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def export_url(park, **query) -> str:
    url = reverse("parks:park-audit-export", args=[park.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def entries_of(html: str) -> list[str]:
    """The text of each entry of the page, newest first."""
    return [
        text_of(match)
        for match in re.findall(r'<li class="card mb-2 history-entry".*?</li>', html, flags=re.S)
    ]


def section_type():
    return ContentType.objects.get_for_model(Section)


@pytest.fixture
def plan_a(world):
    return PlanFactory(park=world.park_a)


def as_read(rows) -> list[AuditEntry]:
    """The rows with the changes the history reads: an open session's new values are its
    record's current ones (parks.history.session_changes)."""
    rows = list(rows)
    current = audit_current_values(rows)
    for row in rows:
        row.changes = session_changes(row, current.get(row.pk))
    return rows


def write(plan, key, body, actor, *, autosave=False):
    section = Section.objects.get(plan=plan, key=key)
    return plan_services.section_save(
        plan=plan,
        key=key,
        body=body,
        expected_revision=section.revision,
        actor=actor,
        autosave=autosave,
    )


# --- what a change reads like ---------------------------------------------------------------


def test_a_section_change_reads_as_text_with_what_was_removed_and_added(world, client_for, plan_a):
    # given section 1.1 written, then rewritten by the editor
    write(plan_a, "1.1", "<p>园区位于苏州市。</p><p>面积278平方公里。</p>", world.editor_a)
    write(plan_a, "1.1", "<p>园区位于苏州市东部。</p><p>面积278平方公里。</p>", world.editor_a)

    # when the manager reads the history
    html = client_for(world.manager_a).get(history_url(world.park_a)).content.decode()

    # then the newest entry names the section and shows the text's difference, no markup
    newest = entries_of(html)[0]
    assert "方案正文 · 1.1 园区概况" in newest
    assert "正文" in newest
    assert re.search(r"<ins><span class=\"visually-hidden\">新增：</span>东部</ins>", html)
    assert "&lt;p&gt;" not in html and not HTML_OR_REPR.search(newest)
    # ... and the first entry, from the empty section, shows the text with (empty) before it
    first = entries_of(html)[1]
    assert "原值： （空）" in first and "园区位于苏州市。 面积278平方公里。" in first


def test_values_read_as_labels_yes_no_dates_and_file_names(world, client_for, plan_a):
    # given: a task in a task group, a section marked complete, a founding date, a user in a
    # role, and an uploaded file, each recorded by its service
    plan_services.row_create(
        kind=ROW_KINDS["tasks"],
        plan=plan_a,
        actor=world.editor_a,
        data={
            "name": "园区循环化改造",
            "group": "emission",
            "content": "",
            "yearly": {"2021": "完成方案", "2022": "完成改造"},
            "department": "生态环境局",
            "leader": "王局长",
        },
    )
    section = Section.objects.get(plan=plan_a, key="1.2")
    plan_services.section_save(
        plan=plan_a, key="1.2", body="", is_done=True, expected_revision=0, actor=world.editor_a
    )
    park_services.park_profile_save(
        park=world.park_a,
        actor=world.editor_a,
        data={"founded_on": datetime.date(1994, 2, 26)},
        expected_revision=0,
    )
    park_services.user_create(
        actor=world.admin,
        username="newcomer",
        full_name="新同事",
        email="newcomer@example.cn",
        role="park_editor",
        park=world.park_a,
        invite=False,
    )
    plan_services.attachment_add(
        plan=plan_a,
        section_key="6.3",
        category="fourteenth_plan",
        upload=uploaded("十四五规划.pdf", pdf_bytes(), "application/pdf"),
        description="",
        actor=world.editor_a,
    )

    # when the manager reads the history
    html = client_for(world.manager_a).get(history_url(world.park_a)).content.decode()
    page = text_of(html)

    # then every value reads as a person would say it
    assert "推动节能减排，优化绿色生态环境" in page  # the task group, not "emission"
    assert "2021年：完成方案；2022年：完成改造" in page  # the yearly breakdown, not a dict
    assert "标记为已完成 原值： 否 → 新值： 是" in page
    assert "1994年2月26日" in page
    assert "园区填报人" in page  # the role, not "park_editor"
    assert "园区“十四五”规划" in page  # the kind of file, not "fourteenth_plan"
    assert "十四五规划.pdf" in page
    # ... and no internal code, storage path, repr or English label anywhere
    for code in ("emission", "park_editor", "fourteenth_plan", "attachments/", "preface"):
        assert code not in page, code
    assert not HTML_OR_REPR.search(page)
    assert f"方案正文 · {section.key} 社会发展" in page


def test_labels_stored_in_english_read_in_chinese(world, client_for, plan_a):
    # given changes recorded while English was active (a task, the demo data, an English user)
    with translation.override("en"):
        park_services.park_profile_save(
            park=world.park_a,
            actor=world.editor_a,
            data={"head_name": "陈主任", "contact_name": "王晓明"},
            expected_revision=0,
        )
        write(plan_a, "1.3", "<p>产业</p>", world.editor_a)
    assert AuditEntry.objects.filter(changes__head_name__label__startswith="Head").exists()

    # when the manager reads the history in Chinese
    page = text_of(client_for(world.manager_a).get(history_url(world.park_a)).content.decode())

    # then the labels are Chinese
    assert "园区管理机构负责人 · 姓名" in page
    assert "Head of" not in page and "marked complete" not in page
    assert "园区基本信息" in page


def test_a_data_table_change_reads_as_rows_and_years_with_grouped_numbers(
    world, client_for, catalogue
):
    # given the economy table saved
    from indicators import services as numbers

    plan = PlanFactory(park=world.park_a)
    numbers.table_save(
        plan=plan,
        table_key="economy",
        values={"gdp": {"2020": "29000000"}, "iav": {"2019": "1234.5"}},
        expected_revision=0,
        actor=world.editor_a,
    )

    # when the history is read
    page = text_of(client_for(world.manager_a).get(history_url(world.park_a)).content.decode())

    # then the part is the table, each cell its row and year, numbers grouped, rows in order
    assert "数据表 · 园区主要经济指标" in page
    assert "工业增加值（2019） 原值： （空） → 新值： 1,234.5" in page
    assert "园区生产总值（2020） 原值： （空） → 新值： 29,000,000" in page
    assert page.index("工业增加值（2019）") < page.index("园区生产总值（2020）")
    assert "iav__" not in page and "economy" not in page


# --- the old value of a section (the "—" on a section that had text) ------------------------


def test_autosaves_after_an_explicit_save_start_from_the_saved_text(world, client_for, plan_a):
    # given section 1.4 saved by the editor (an explicit save, as the demo data and the form do)
    write(plan_a, "1.4", "<p>道路与管网齐全。</p>", world.editor_a)

    # when, minutes later, the same editor's autosaves change it
    write(plan_a, "1.4", "<p>道路与管网齐全，</p>", world.editor_a, autosave=True)
    write(plan_a, "1.4", "<p>道路与管网齐全，供热完善。</p>", world.editor_a, autosave=True)

    # then the autosave session has its own row, whose old value is the saved text (extending
    # the explicit save's row made it "—": the text before that save)
    rows = AuditEntry.objects.filter(
        target_type=section_type(), target_id=str(Section.objects.get(plan=plan_a, key="1.4").pk)
    ).order_by("pk")
    assert [(r.changes["body"]["old"], r.changes["body"]["new"]) for r in as_read(rows)] == [
        ("", "<p>道路与管网齐全。</p>"),
        ("<p>道路与管网齐全。</p>", "<p>道路与管网齐全，供热完善。</p>"),
    ]
    # ... and the page shows the change against the saved text
    newest = entries_of(
        client_for(world.manager_a).get(history_url(world.park_a)).content.decode()
    )[0]
    assert "（空）" not in newest
    assert "道路与管网齐全" in newest and "供热完善" in newest


def test_autosaves_still_make_one_row_per_session(world, plan_a):
    for text in ("<p>甲</p>", "<p>甲乙</p>", "<p>甲乙丙</p>"):
        write(plan_a, "1.5", text, world.editor_a, autosave=True)
    (row,) = as_read(AuditEntry.objects.filter(target_type=section_type()))
    assert (row.changes["body"]["old"], row.changes["body"]["new"]) == ("", "<p>甲乙丙</p>")


def test_a_field_first_changed_later_in_the_session_keeps_its_own_old_value(world, plan_a):
    # given the editor's autosave session on 1.6: the text, then the text and the box, then the
    # box back and more text (the row is extended in the database, nothing read back)
    section = Section.objects.get(plan=plan_a, key="1.6")
    for revision, (body, done) in enumerate(
        [("<p>甲</p>", None), ("<p>甲乙</p>", True), ("<p>甲乙丙</p>", False)]
    ):
        plan_services.section_save(
            plan=plan_a,
            key="1.6",
            body=body,
            is_done=done,
            expected_revision=section.revision + revision,
            actor=world.editor_a,
            autosave=True,
        )

    # then one row: the text from the empty section to the last, the box from its value when
    # the session first changed it to the last, each change marked as an autosave
    (row,) = as_read(AuditEntry.objects.filter(target_type=section_type()))
    assert row.changes["body"]["old"] == "" and row.changes["body"]["new"] == "<p>甲乙丙</p>"
    assert (row.changes["is_done"]["old"], row.changes["is_done"]["new"]) == (False, False)
    assert all(change["autosave"] is True for change in row.changes.values())
    assert row.changes["is_done"]["label"] and row.changes["body"]["label"]

    # and when the manager saves the section, the session's row is closed with the last values
    # of both fields (the box was added to the session without a new value of its own)
    plan_services.section_save(
        plan=plan_a,
        key="1.6",
        body="<p>甲乙丙丁</p>",
        expected_revision=section.revision + 3,
        actor=world.manager_a,
    )
    closed = AuditEntry.objects.filter(target_type=section_type()).order_by("pk").first()
    assert not closed.is_open
    assert (closed.changes["body"]["new"], closed.changes["is_done"]["new"]) == (
        "<p>甲乙丙</p>",
        False,
    )


def test_a_section_deleted_during_its_session_keeps_its_last_text_in_the_history(world, plan_a):
    # given the editor's autosave session on 1.1 still open
    for text in ("<p>初稿</p>", "<p>初稿，第二稿</p>"):
        write(plan_a, "1.1", text, world.editor_a, autosave=True)

    # when the draft plan is deleted (an admin may delete one without versions)
    plan_a.delete()

    # then the session's row is closed with the section's last text
    (row,) = AuditEntry.objects.filter(target_type=section_type())
    assert not row.is_open
    assert (row.changes["body"]["old"], row.changes["body"]["new"]) == ("", "<p>初稿，第二稿</p>")


# --- filters and pages ----------------------------------------------------------------------


@pytest.fixture
def busy_history(world, plan_a):
    """Sections written by the editor and the manager on two days, and 60 task rows."""
    write(plan_a, "1.1", "<p>概况</p>", world.editor_a)
    write(plan_a, "1.2", "<p>社会</p>", world.manager_a)
    AuditEntry.objects.filter(target_type=section_type()).update(
        at=timezone.make_aware(datetime.datetime(2025, 3, 1, 10, 0))
    )
    write(plan_a, "1.1", "<p>概况更新</p>", world.manager_a)
    AuditEntry.objects.filter(target_type=section_type(), actor=world.manager_a).filter(
        at__gte=timezone.now() - datetime.timedelta(hours=1)
    ).update(at=timezone.make_aware(datetime.datetime(2025, 3, 5, 10, 0)))
    for n in range(60):
        plan_services.row_create(
            kind=ROW_KINDS["milestones"],
            plan=plan_a,
            actor=world.editor_a,
            data={"year": 2021 + n % 5, "target": f"节点{n}", "measures": ""},
        )
    return plan_a


def test_the_history_is_50_changes_a_page_and_the_filters_stay_on_every_page(
    world, client_for, busy_history
):
    client = client_for(world.manager_a)
    first = client.get(history_url(world.park_a)).content.decode()
    assert len(entries_of(first)) == 50
    assert "共 63 条变更记录" in text_of(first)
    second = client.get(history_url(world.park_a, person=world.editor_a.pk, page=2))
    html = second.content.decode()
    assert len(entries_of(html)) == 11  # 61 by the editor
    assert f"person={world.editor_a.pk}" in re.search(r'href="([^"]*)">上一页', html).group(1)


def test_filter_by_person_part_and_days(world, client_for, busy_history):
    client = client_for(world.manager_a)
    section = Section.objects.get(plan=busy_history, key="1.1")
    sections = section_type().pk

    by_manager = entries_of(
        client.get(history_url(world.park_a, person=world.manager_a.pk)).content.decode()
    )
    by_part = entries_of(client.get(history_url(world.park_a, part=sections)).content.decode())
    by_section = entries_of(
        client.get(history_url(world.park_a, part=f"{sections}:{section.pk}")).content.decode()
    )
    by_days = entries_of(
        client.get(
            history_url(world.park_a, since="2025-03-01", until="2025-03-02")
        ).content.decode()
    )

    assert len(by_manager) == 2 and all(world.manager_a.display_name in e for e in by_manager)
    assert len(by_part) == 3 and all("方案正文" in e for e in by_part)
    assert len(by_section) == 2 and all("1.1 园区概况" in e for e in by_section)
    assert len(by_days) == 2 and all("2025-03-01" in e for e in by_days)


def test_the_filters_offer_the_people_and_parts_of_the_park(world, client_for, busy_history):
    html = client_for(world.manager_a).get(history_url(world.park_a)).content.decode()
    person = re.search(r'<select name="person".*?</select>', html, flags=re.S).group(0)
    part = re.search(r'<select name="part".*?</select>', html, flags=re.S).group(0)
    assert world.editor_a.display_name in person and world.manager_a.display_name in person
    assert world.editor_b.display_name not in person
    assert "<optgroup" in part
    assert "1.1 园区概况" in text_of(part) and "1.2 社会发展" in text_of(part)
    assert "碳达峰碳中和路线图节点" in text_of(part)


def test_dates_in_the_wrong_order_say_so_and_filter_nothing(world, client_for, busy_history):
    html = (
        client_for(world.manager_a)
        .get(history_url(world.park_a, since="2025-03-05", until="2025-03-01"))
        .content.decode()
    )
    assert "截止日期早于起始日期。" in text_of(html)
    assert "共 63 条变更记录" in text_of(html)


def test_the_queries_of_a_page_do_not_grow_with_its_entries(world, client_for, plan_a):
    client = client_for(world.manager_a)
    client.get(history_url(world.park_a))  # the session seen once (its user kept, with Redis)

    def queries_for(rows: int) -> int:
        AuditEntry.objects.all().delete()
        for n in range(rows):
            write(plan_a, "1.1", f"<p>第{n}稿</p>", world.editor_a)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(history_url(world.park_a)).status_code == 200
        return len(captured)

    assert queries_for(3) == queries_for(40)


def test_open_sessions_read_as_their_sections_now_on_the_page_and_in_the_export(
    world, client_for, plan_a
):
    # given the editor's autosave sessions on 1.1 and 1.2 still going on (their rows keep the
    # first text: extending a session writes its time only)
    for key in ("1.1", "1.2"):
        for text in ("<p>初稿</p>", f"<p>初稿，{key}第二稿</p>"):
            write(plan_a, key, text, world.editor_a, autosave=True)
    assert set(AuditEntry.objects.values_list("is_open", flat=True)) == {True}
    client = client_for(world.manager_a)
    client.get(history_url(world.park_a))  # the session seen once (its user kept, with Redis)

    # when the manager reads the history and exports it
    with CaptureQueriesContext(connection) as two_open:
        page = client.get(history_url(world.park_a)).content.decode()
    export = workbook_rows(client.get(export_url(world.park_a)).content)

    # then both show each session's last text as its new value
    entries = entries_of(page)
    assert "1.2第二稿" in entries[0] and "1.1第二稿" in entries[1]
    assert [(r[5], r[6]) for r in export[3:]] == [
        (None, "初稿，1.2第二稿"),
        (None, "初稿，1.1第二稿"),
    ]
    # ... and a third session open costs no query more (one for the sections of them all)
    write(plan_a, "1.3", "<p>第三节</p>", world.editor_a, autosave=True)
    with CaptureQueriesContext(connection) as three_open:
        assert client.get(history_url(world.park_a)).status_code == 200
    assert len(three_open) == len(two_open)


# --- the export ---------------------------------------------------------------------------


def workbook_rows(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def test_the_export_has_a_row_per_change_as_the_page_reads_it(world, client_for, busy_history):
    # given a task named like a formula
    plan_services.row_create(
        kind=ROW_KINDS["tasks"],
        plan=busy_history,
        actor=world.editor_a,
        data={
            "name": '=HYPERLINK("http://example.invalid/","查看")',
            "group": "technology",
            "content": "",
            "yearly": {},
            "department": "科技局",
            "leader": "李局长",
        },
    )

    # when the manager exports the history of section 1.1
    client = client_for(world.manager_a)
    part = f"{section_type().pk}:{Section.objects.get(plan=busy_history, key='1.1').pk}"
    response = client.get(export_url(world.park_a, part=part))

    # then it is a workbook of that section's two changes, newest first, in the page's words
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "变更记录" in unquote(response["Content-Disposition"])
    rows = workbook_rows(response.content)
    assert rows[0][0] == f"{world.park_a.name} 变更记录"
    assert "修改内容：1.1 园区概况" in rows[1][0]
    assert rows[2] == ("时间", "修改人", "操作", "修改内容", "项目", "原值", "新值")
    body = rows[3:]
    assert [(r[1], r[3], r[4], r[5], r[6]) for r in body] == [
        (world.manager_a.display_name, "方案正文 · 1.1 园区概况", "正文", "概况", "概况更新"),
        (world.editor_a.display_name, "方案正文 · 1.1 园区概况", "正文", None, "概况"),
    ]
    assert isinstance(body[0][0], datetime.datetime)

    # when everything is exported, the formula-like task name is text, never a formula
    everything = load_workbook(io.BytesIO(client.get(export_url(world.park_a)).content))
    cells = [c for row in everything.worksheets[0].iter_rows() for c in row]
    named = [c for c in cells if c.value == '=HYPERLINK("http://example.invalid/","查看")']
    assert named and all(c.data_type == "s" for c in named)
    assert not [c for c in cells if c.data_type == "f"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [("manager_a", 200), ("admin", 200), ("editor_a", 403), ("reviewer_a", 403), ("editor_b", 404)],
)
def test_the_export_follows_the_history_page_rights(world, client_for, plan_a, persona, status):
    write(plan_a, "1.1", "<p>概况</p>", world.editor_a)
    client = client_for(getattr(world, persona))
    assert client.get(export_url(world.park_a)).status_code == status
    assert client.get(history_url(world.park_a)).status_code == status


def test_a_change_of_a_record_type_nobody_described_still_reads(world, client_for):
    # given an audit row about a record no app describes (a province), kept on the park
    audit_record(
        actor=world.admin,
        park=world.park_a,
        target=world.province_a,
        action="assign",
        changes={"reviewing_body": {"label": "reviewing body", "old": "甲", "new": "乙"}},
    )
    page = text_of(client_for(world.manager_a).get(history_url(world.park_a)).content.decode())
    assert "修改" in page and "assign" not in page
    assert "甲" in page and "乙" in page


def test_another_persons_name_in_the_filter_is_not_a_choice(world, client_for, plan_a):
    write(plan_a, "1.1", "<p>概况</p>", world.editor_a)
    outsider = UserFactory(park_editor=True, park=world.park_b)
    html = (
        client_for(world.manager_a)
        .get(history_url(world.park_a, person=outsider.pk))
        .content.decode()
    )
    assert "选择一个有效的选项" in text_of(html)
    assert len(entries_of(html)) == 1  # the filter is not applied
