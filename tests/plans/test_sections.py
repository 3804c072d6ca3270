"""Writing a section: the page with the template's guidance, explicit save and autosave, lost
updates (both versions shown, nothing overwritten), long texts, the audit trail of an editing
session, who may write and who may only read, and the plan's progress."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from parks.history import session_changes
from parks.models import AuditEntry
from parks.selectors import audit_current_values
from plans import services
from plans.models import Plan, Section
from plans.outline import OUTLINE, Kind
from plans.selectors import plan_outline_status
from tests.factories import AttachmentFactory, FigureFactory, PlanFactory
from tests.queries import signed_in_queries

CONFLICT_AUTOSAVE = "保存了本节。您的内容尚未保存，仍保留在编辑器中"
CONFLICT_PAGE = "未保存：其他用户已先保存"
NO_GUIDANCE = "编制大纲对本节没有进一步的说明。"
REQUIRED_SECTIONS = (
    30  # 前言, 1.1-1.6, 2.1-2.6 with 2.3 (1)-(3) and 2.4 (1)-(3), 3.x, 4.x, 5.x, 6.1-6.3
)


def edit_url(plan, key: str) -> str:
    return reverse("plans:section-edit", args=[plan.pk, key])


def autosave_url(plan, key: str) -> str:
    return reverse("plans:section-autosave", args=[plan.pk, key])


def section(plan, key: str) -> Section:
    return Section.objects.get(plan=plan, key=key)


def section_audit(plan, key: str):
    return AuditEntry.objects.filter(
        target_type__model="section", target_id=str(section(plan, key).pk)
    ).order_by("at", "id")


@pytest.fixture
def plan_a(world):
    return PlanFactory(park=world.park_a)


# --- the page ---------------------------------------------------------------------------------


@pytest.mark.parametrize("key", [entry.key for entry in OUTLINE.sections])
def test_editor_opens_every_section_page_with_its_guidance(world, client_for, plan_a, key):
    # given a section of the outline
    entry = OUTLINE.get(key)

    # when park A's editor opens its page
    response = client_for(world.editor_a).get(edit_url(plan_a, key))

    # then it is there, with its title and the template's guidance for it, line by line
    assert response.status_code == 200
    html = response.content.decode()
    assert escape(entry.title) in html
    if entry.guidance:
        assert [line for line in entry.guidance.split("\n") if escape(line) not in html] == []
    else:
        assert NO_GUIDANCE in html
    if Kind.RICH_TEXT in entry.kinds:
        assert 'name="body"' in html
        assert reverse("plans:section-autosave", args=[plan_a.pk, key]) in html


@pytest.mark.parametrize("key", ["ch1", "2.3", "2.4", "ch4", "ch6", "9.9", "zz"])
def test_a_heading_without_text_or_an_unknown_key_has_no_page(world, client_for, plan_a, key):
    # given an outline heading that holds no content of its own, or a key not in the outline

    # when the editor asks for its page
    response = client_for(world.editor_a).get(edit_url(plan_a, key))

    # then there is no such page
    assert response.status_code == 404


@pytest.mark.parametrize("key", [e.key for e in OUTLINE.sections])
def test_every_section_page_lets_the_editor_mark_it_complete(world, client_for, plan_a, key):
    # given any section, with text or with tables or files only

    # when its page is opened
    html = client_for(world.editor_a).get(edit_url(plan_a, key)).content.decode()

    # then it has the "this section is complete" checkbox
    assert 'name="is_done"' in html


def test_a_files_only_section_is_marked_complete_from_its_page(world, client_for, plan_a):
    # given 6.3 (supporting files only) with the 十四五 plan uploaded
    AttachmentFactory(plan=plan_a, section_key="6.3")
    client = client_for(world.editor_a)
    assert _state(plan_a, "6.3") == "in_progress"

    # when the editor ticks "complete" on its page and saves
    response = client.post(edit_url(plan_a, "6.3"), {"revision": 0, "is_done": "on"})

    # then the section is complete, and counts towards the plan's progress
    assert response.status_code == 302
    assert _state(plan_a, "6.3") == "complete"
    assert plan_outline_status(plan_a).complete_count == 1


# --- explicit save ----------------------------------------------------------------------------


def test_explicit_save_stores_sanitized_text_and_bumps_the_revision(world, client_for, plan_a):
    # given the editor on section 1.3
    client = client_for(world.editor_a)

    # when they save text with a style attribute, marked complete
    response = client.post(
        edit_url(plan_a, "1.3"),
        {
            "body": '<p style="color:red">园区2020年工业增加值 increased by 5%</p>',
            "revision": 0,
            "is_done": "on",
        },
        follow=True,
    )

    # then the page comes back with "saved", and the section holds the clean text, one revision
    # on, its 字数, the author, and one audit row with old and new values
    assert response.redirect_chain == [(edit_url(plan_a, "1.3"), 302)]
    assert re.search(r"已于 \d{2}:\d{2} 保存。", response.content.decode())
    saved = section(plan_a, "1.3")
    assert saved.body == "<p>园区2020年工业增加值 increased by 5%</p>"
    assert (saved.revision, saved.word_count, saved.is_done) == (1, 12, True)
    assert saved.text_length == len("园区2020年工业增加值 increased by 5%")
    assert saved.updated_by == world.editor_a
    [entry] = section_audit(plan_a, "1.3")
    assert entry.actor == world.editor_a
    assert entry.changes["body"]["old"] == ""
    assert entry.changes["body"]["new"] == saved.body
    assert (entry.changes["is_done"]["old"], entry.changes["is_done"]["new"]) == (False, True)


def test_saving_unchanged_text_keeps_the_revision_and_writes_no_audit_row(
    world, client_for, plan_a
):
    # given section 1.1 saved once
    client = client_for(world.editor_a)
    client.post(edit_url(plan_a, "1.1"), {"body": "<p>概况</p>", "revision": 0})
    audit_before = AuditEntry.objects.count()

    # when the same text is saved again
    response = client.post(edit_url(plan_a, "1.1"), {"body": "<p>概况</p>", "revision": 1})

    # then nothing changes
    assert response.status_code == 302
    assert section(plan_a, "1.1").revision == 1
    assert AuditEntry.objects.count() == audit_before


def test_explicit_save_of_a_section_without_the_box_ticked_clears_complete(
    world, client_for, plan_a
):
    # given section 1.2 saved as complete
    client = client_for(world.editor_a)
    client.post(edit_url(plan_a, "1.2"), {"body": "<p>社会</p>", "revision": 0, "is_done": "on"})

    # when it is saved again with the box unticked (a browser sends no is_done then)
    client.post(edit_url(plan_a, "1.2"), {"body": "<p>社会</p>", "revision": 1})

    # then it is no longer complete
    assert section(plan_a, "1.2").is_done is False


# --- autosave ---------------------------------------------------------------------------------


def test_autosave_answers_json_with_the_new_revision_time_and_words(world, client_for, plan_a):
    # given the editor typing in the preface
    client = client_for(world.editor_a)

    # when the script autosaves
    response = client.post(
        autosave_url(plan_a, "preface"), {"body": "<p>绿色发展 green growth</p>", "revision": 0}
    )

    # then the answer says saved, at which revision and time, with the 字数
    assert response.status_code == 200
    saved = section(plan_a, "preface")
    expected_time = timezone.localtime(saved.updated_at).strftime("%H:%M")
    assert response.json() == {"ok": True, "revision": 1, "saved_at": expected_time, "words": 6}
    assert saved.body == "<p>绿色发展 green growth</p>"


def test_autosave_without_the_box_keeps_complete(world, client_for, plan_a):
    # given section 1.4 marked complete
    client = client_for(world.editor_a)
    client.post(edit_url(plan_a, "1.4"), {"body": "<p>基础</p>", "revision": 0, "is_done": "on"})

    # when the script autosaves more text (it never sends the checkbox)
    client.post(autosave_url(plan_a, "1.4"), {"body": "<p>基础设施</p>", "revision": 1})

    # then the text is saved and the section is still complete
    saved = section(plan_a, "1.4")
    assert (saved.body, saved.is_done, saved.revision) == ("<p>基础设施</p>", True, 2)


def test_autosave_without_a_revision_is_refused(world, client_for, plan_a):
    # given a hand-made autosave request without the revision it started from

    # when it is sent
    response = client_for(world.editor_a).post(autosave_url(plan_a, "1.1"), {"body": "<p>x</p>"})

    # then it is refused and nothing is stored
    assert response.status_code == 400
    assert response.json()["ok"] is False
    assert section(plan_a, "1.1").revision == 0


def signed_in_script(user) -> Client:
    """A client that checks CSRF as production does, signed in as `user`, with the token the
    editor's page holds (its form's hidden input)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(reverse("home"))  # sets the CSRF cookie
    return client


def post_json(client, url, data, token=None):
    headers = {"X-CSRFToken": token} if token else {}
    return client.post(
        url,
        json.dumps(data, ensure_ascii=False) if isinstance(data, dict) else data,
        content_type="application/json",
        headers=headers,
    )


def test_the_editor_script_autosaves_json_with_the_token_in_its_header(world, plan_a):
    # given the editor's page, as the script reads its CSRF token from the form
    client = signed_in_script(world.editor_a)
    page = client.get(edit_url(plan_a, "1.1"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)

    # when the script sends the text as JSON
    response = post_json(
        client, autosave_url(plan_a, "1.1"), {"body": "<p>绿色低碳</p>", "revision": 0}, token
    )

    # then it is saved as a form's autosave is
    assert response.status_code == 200 and response.json()["revision"] == 1
    assert section(plan_a, "1.1").body == "<p>绿色低碳</p>"


def test_a_json_autosave_without_the_token_is_refused(world, plan_a):
    client = signed_in_script(world.editor_a)

    response = post_json(client, autosave_url(plan_a, "1.1"), {"body": "<p>x</p>", "revision": 0})

    assert response.status_code == 403
    assert section(plan_a, "1.1").revision == 0


@pytest.mark.parametrize("sent", ["{not json", "[1, 2]", '{"body": ["<p>x</p>"], "revision": 0}'])
def test_an_autosave_that_is_not_a_json_object_of_values_is_refused_in_chinese(
    world, client_for, plan_a, sent
):
    # when the editor's script sends something that is not its JSON object
    response = post_json(client_for(world.editor_a), autosave_url(plan_a, "1.1"), sent)

    # then it is refused with a message the editor can read, and nothing is stored
    assert response.status_code == 400
    assert response.json()["errors"] == ["自动保存的内容无法读取，请再保存一次。"]
    assert section(plan_a, "1.1").revision == 0


def test_a_kept_plan_is_found_again_for_an_editor_moved_to_another_park(
    world, client_for, plan_a, writes
):
    # given an editor whose autosave kept park A's plan
    client = client_for(world.editor_a)
    assert (
        client.post(autosave_url(plan_a, "1.1"), {"body": "<p>一</p>", "revision": 0}).status_code
        == 200
    )

    # when the editor is moved to park B
    world.editor_a.park = world.park_b
    writes(lambda: world.editor_a.save(update_fields=["park"]))

    # then park A's plan is not theirs any more: 404, and nothing is saved
    response = client.post(autosave_url(plan_a, "1.1"), {"body": "<p>二</p>", "revision": 1})
    assert response.status_code == 404
    assert section(plan_a, "1.1").body == "<p>一</p>"


def test_an_autosave_of_a_plan_deleted_since_it_was_kept_is_404(world, client_for, plan_a):
    client = client_for(world.editor_a)
    assert (
        client.post(autosave_url(plan_a, "1.1"), {"body": "<p>一</p>", "revision": 0}).status_code
        == 200
    )

    Plan.objects.filter(pk=plan_a.pk).delete()

    response = client.post(autosave_url(plan_a, "1.1"), {"body": "<p>二</p>", "revision": 1})
    assert response.status_code == 404


def test_an_autosave_after_the_plan_went_under_review_is_refused_with_its_state(
    world, client_for, plan_a
):
    # given an editor whose autosave kept the plan while it was a draft
    client = client_for(world.editor_a)
    assert (
        client.post(autosave_url(plan_a, "1.1"), {"body": "<p>一</p>", "revision": 0}).status_code
        == 200
    )

    # when the plan is submitted
    Plan.objects.filter(pk=plan_a.pk).update(status="province_review")

    # then the next autosave is refused with the state now, and nothing is saved
    response = client.post(autosave_url(plan_a, "1.1"), {"body": "<p>二</p>", "revision": 1})
    assert response.status_code == 400
    assert "不能修改" in " ".join(response.json()["errors"])
    assert section(plan_a, "1.1").body == "<p>一</p>"


def test_autosave_only_accepts_post(world, client_for, plan_a):
    # given the autosave URL

    # when it is opened with GET
    response = client_for(world.editor_a).get(autosave_url(plan_a, "1.1"))

    # then the method is not allowed
    assert response.status_code == 405


# --- lost updates -----------------------------------------------------------------------------


def test_second_autosave_at_the_same_revision_gets_409_with_the_stored_text(world, plan_a):
    # given the manager and the editor both opened section 1.5 at revision 0, and the manager
    # autosaved first
    manager, editor = Client(), Client()
    manager.force_login(world.manager_a)
    editor.force_login(world.editor_a)
    first = manager.post(autosave_url(plan_a, "1.5"), {"body": "<p>经理的版本</p>", "revision": 0})
    assert first.status_code == 200
    stored = section(plan_a, "1.5")

    # when the editor's autosave arrives, also from revision 0
    second = editor.post(autosave_url(plan_a, "1.5"), {"body": "<p>编辑的版本</p>", "revision": 0})

    # then it is refused with the stored text, its revision and a Chinese message naming who
    # saved, and the database still holds the manager's version
    assert second.status_code == 409
    data = second.json()
    assert (data["ok"], data["conflict"], data["revision"], data["body"]) == (
        False,
        True,
        1,
        "<p>经理的版本</p>",
    )
    assert world.manager_a.display_name in data["message"]
    assert CONFLICT_AUTOSAVE in data["message"]
    assert timezone.localtime(stored.updated_at).strftime("%H:%M") in data["message"]
    assert section(plan_a, "1.5").body == "<p>经理的版本</p>"
    assert section(plan_a, "1.5").revision == 1

    # and when the editor keeps their version (the script resends with the new revision)
    kept = editor.post(autosave_url(plan_a, "1.5"), {"body": "<p>编辑的版本</p>", "revision": 1})

    # then it is saved over the manager's, as revision 2
    assert kept.status_code == 200
    assert kept.json()["revision"] == 2
    assert section(plan_a, "1.5").body == "<p>编辑的版本</p>"


def test_explicit_save_conflict_shows_both_texts_and_saves_nothing(world, client_for, plan_a):
    # given the manager saved section 2.1 while the editor had it open at revision 0
    services.section_save(
        plan=plan_a,
        key="2.1",
        body="<p>经理写的政策</p>",
        expected_revision=0,
        actor=world.manager_a,
    )
    audit_before = AuditEntry.objects.count()
    client = client_for(world.editor_a)

    # when the editor presses Save with their text, from revision 0
    response = client.post(
        edit_url(plan_a, "2.1"), {"body": "<p>编辑写的政策</p>", "revision": 0, "is_done": "on"}
    )

    # then the page comes back with a Chinese warning, the manager's text shown, the editor's
    # text still in the editor, the form now at the stored revision, and nothing saved
    assert response.status_code == 200
    html = response.content.decode()
    assert CONFLICT_PAGE in html
    assert world.manager_a.display_name in html
    theirs = re.search(r'<div class="conflict-theirs[^"]*">(.*?)</div>', html, re.S)
    assert theirs.group(1) == "<p>经理写的政策</p>"
    assert escape("<p>编辑写的政策</p>") in html
    assert re.search(r'name="revision" value="1"', html)
    stored = section(plan_a, "2.1")
    assert (stored.body, stored.revision, stored.is_done) == ("<p>经理写的政策</p>", 1, False)
    assert AuditEntry.objects.count() == audit_before

    # and when the editor saves again from the revision the page now carries
    again = client.post(edit_url(plan_a, "2.1"), {"body": "<p>编辑写的政策</p>", "revision": 1})

    # then their version is saved
    assert again.status_code == 302
    assert section(plan_a, "2.1").body == "<p>编辑写的政策</p>"


# --- long texts -------------------------------------------------------------------------------


def test_a_50000_character_section_saves_and_shows_in_the_preview(world, client_for, plan_a):
    # given 50,000 characters of text in 100 paragraphs, each one distinct
    paragraphs = [f"第{n:03d}段" + "绿" * 495 for n in range(100)]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    client = client_for(world.editor_a)

    # when the editor saves it, then previews the plan
    saved = client.post(edit_url(plan_a, "1.3"), {"body": body, "revision": 0})
    preview = client.get(reverse("documents:preview", args=[plan_a.pk]))

    # then all of it is stored, counted and shown
    assert saved.status_code == 302
    stored = section(plan_a, "1.3")
    assert stored.body == body
    assert stored.text_length >= 50_000
    assert stored.word_count == 100 * (1 + 495 + 1) + 100 * 1  # 第, 绿×495, 段 + the number
    html = preview.content.decode()
    assert preview.status_code == 200
    assert body in html


# --- the audit trail of an editing session ----------------------------------------------------


def test_autosaves_within_ten_minutes_make_one_audit_row_from_first_to_last(
    world, client_for, plan_a
):
    # given the editor autosaving section 1.6 four times in a row
    client = client_for(world.editor_a)
    for revision, text in enumerate(["智", "智慧", "智慧园", "智慧园区"]):
        response = client.post(
            autosave_url(plan_a, "1.6"), {"body": f"<p>{text}</p>", "revision": revision}
        )
        assert response.status_code == 200

    # when the audit trail of the section is read
    rows = list(section_audit(plan_a, "1.6"))

    # then it is one row, open while the session goes on, from the empty section to the last
    # text (the section's own while the session is open: the extensions wrote only its time)
    assert len(rows) == 1
    assert rows[0].is_open and rows[0].actor == world.editor_a
    assert rows[0].changes["body"]["new"] == "<p>智</p>"  # as stored
    read = session_changes(rows[0], audit_current_values(rows).get(rows[0].pk))
    assert (read["body"]["old"], read["body"]["new"]) == ("", "<p>智慧园区</p>")

    # and when the manager saves the section, the session closes with its last text stored
    services.section_save(
        plan=plan_a, key="1.6", body="<p>智慧园区。</p>", expected_revision=4, actor=world.manager_a
    )
    closed, saved = section_audit(plan_a, "1.6")
    assert not closed.is_open and not saved.is_open
    assert (closed.changes["body"]["old"], closed.changes["body"]["new"]) == ("", "<p>智慧园区</p>")
    assert saved.changes["body"]["old"] == "<p>智慧园区</p>"


def test_another_person_or_a_later_session_gets_its_own_audit_row(world, client_for, plan_a):
    # given the editor's session on 2.2, its row moved back 11 minutes
    client = client_for(world.editor_a)
    client.post(autosave_url(plan_a, "2.2"), {"body": "<p>甲</p>", "revision": 0})
    section_audit(plan_a, "2.2").update(at=timezone.now() - datetime.timedelta(minutes=11))

    # when the editor autosaves again, and then the manager saves
    client.post(autosave_url(plan_a, "2.2"), {"body": "<p>甲乙</p>", "revision": 1})
    services.section_save(
        plan=plan_a, key="2.2", body="<p>甲乙丙</p>", expected_revision=2, actor=world.manager_a
    )

    # then there are three rows, each with its own old and new text
    rows = [
        (r.actor, r.changes["body"]["old"], r.changes["body"]["new"])
        for r in section_audit(plan_a, "2.2")
    ]
    assert rows == [
        (world.editor_a, "", "<p>甲</p>"),
        (world.editor_a, "<p>甲</p>", "<p>甲乙</p>"),
        (world.manager_a, "<p>甲乙</p>", "<p>甲乙丙</p>"),
    ]


# --- who may write ----------------------------------------------------------------------------


def test_provincial_reviewer_may_read_the_plan_but_not_write_it(world, client_for, plan_a):
    # given section 1.1 of park A written by its editor, and province A's reviewer logged in
    services.section_save(
        plan=plan_a,
        key="1.1",
        body="<p>园区概况正文</p>",
        expected_revision=0,
        actor=world.editor_a,
    )
    client = client_for(world.reviewer_a)

    # when the reviewer opens the section editor, tries to save, and opens the preview
    statuses = [
        client.get(edit_url(plan_a, "1.1")).status_code,
        client.post(
            edit_url(plan_a, "1.1"), {"body": "<p>审核改写</p>", "revision": 1}
        ).status_code,
        client.post(
            autosave_url(plan_a, "1.1"), {"body": "<p>审核改写</p>", "revision": 1}
        ).status_code,
    ]
    preview = client.get(reverse("documents:preview", args=[plan_a.pk]))
    detail = client.get(reverse("plans:plan-detail", args=[plan_a.pk]))

    # then writing is a missing right (403), reading works, and the text is unchanged
    assert statuses == [403, 403, 403]
    assert (preview.status_code, detail.status_code) == (200, 200)
    assert "园区概况正文" in preview.content.decode()
    assert section(plan_a, "1.1").body == "<p>园区概况正文</p>"


def test_detail_page_links_sections_only_for_those_who_may_edit(world, client_for, plan_a):
    # given park A's plan

    # when its editor and province A's reviewer open the plan's page
    as_editor = client_for(world.editor_a).get(reverse("plans:plan-detail", args=[plan_a.pk]))
    as_reviewer = client_for(world.reviewer_a).get(reverse("plans:plan-detail", args=[plan_a.pk]))

    # then the editor gets links to the section editor, the reviewer does not
    assert edit_url(plan_a, "1.1") in as_editor.content.decode()
    assert edit_url(plan_a, "1.1") not in as_reviewer.content.decode()


def test_editor_starts_the_plan_on_first_visit(world, client_for):
    # given park A has no plan yet

    # when its editor follows the park's plan link
    response = client_for(world.editor_a).get(reverse("plans:plan-entry", args=[world.park_a.pk]))

    # then the plan for the current cycle is started, with a section for every editable entry
    plan = Plan.objects.get(park=world.park_a)
    assert response.status_code == 302
    assert response.url == reverse("plans:plan-detail", args=[plan.pk])
    assert plan.cycle.is_current
    assert sorted(Section.objects.filter(plan=plan).values_list("key", flat=True)) == sorted(
        e.key for e in OUTLINE.sections
    )


def test_reviewer_does_not_start_a_plan(world, client_for):
    # given park A has no plan yet

    # when province A's reviewer follows the park's plan link
    response = client_for(world.reviewer_a).get(
        reverse("plans:plan-entry", args=[world.park_a.pk]), follow=True
    )

    # then they are back on the park's page with a note, and no plan was started
    assert response.redirect_chain[-1][0] == reverse("park-detail", args=[world.park_a.pk])
    assert "该园区尚未开始编制行动方案。" in response.content.decode()
    assert not Plan.objects.filter(park=world.park_a).exists()


# --- state and progress -----------------------------------------------------------------------


def _state(plan, key: str) -> str:
    return plan_outline_status(plan).by_key[key].state


def test_section_state_goes_from_empty_to_in_progress_to_complete(world, client_for, plan_a):
    # given an untouched section 1.1
    client = client_for(world.editor_a)
    states = [_state(plan_a, "1.1")]

    # when text is saved, then the section marked complete, then all text removed again
    client.post(edit_url(plan_a, "1.1"), {"body": "<p>概况</p>", "revision": 0})
    states.append(_state(plan_a, "1.1"))
    client.post(edit_url(plan_a, "1.1"), {"body": "<p>概况</p>", "revision": 1, "is_done": "on"})
    states.append(_state(plan_a, "1.1"))
    client.post(edit_url(plan_a, "1.1"), {"body": "<p><br></p>", "revision": 2, "is_done": "on"})
    states.append(_state(plan_a, "1.1"))

    # then the state follows: empty, in progress, complete, and empty once nothing is left
    assert states == ["empty", "in_progress", "complete", "empty"]


def test_a_figure_alone_puts_a_section_in_progress(world, plan_a):
    # given section 1.1 without text but with a map
    FigureFactory(plan=plan_a, section_key="1.1")

    # when its state is read
    state = _state(plan_a, "1.1")

    # then it is in progress: it has content
    assert state == "in_progress"


def test_plan_page_shows_each_state_in_chinese(world, client_for, plan_a):
    # given 1.1 complete, 1.2 in progress, the rest empty
    services.section_save(
        plan=plan_a,
        key="1.1",
        body="<p>甲</p>",
        expected_revision=0,
        actor=world.editor_a,
        is_done=True,
    )
    services.section_save(
        plan=plan_a, key="1.2", body="<p>乙</p>", expected_revision=0, actor=world.editor_a
    )

    # when the plan's page is opened
    html = (
        client_for(world.editor_a)
        .get(reverse("plans:plan-detail", args=[plan_a.pk]))
        .content.decode()
    )

    # then the badges read 已完成, 填写中 and 未填写
    rows = {
        key: re.search(
            rf'href="{re.escape(edit_url(plan_a, key))}".*?</tr>', html, flags=re.S
        ).group(0)
        for key in ("1.1", "1.2", "1.3")
    }
    assert "已完成" in rows["1.1"]
    assert "填写中" in rows["1.2"]
    assert "未填写" in rows["1.3"]


def test_progress_counts_required_sections_marked_complete(world, client_for, plan_a):
    # given three required sections complete, one in progress, and an optional one complete
    for key in ("preface", "1.1", "4.1"):
        services.section_save(
            plan=plan_a,
            key=key,
            body="<p>正文</p>",
            expected_revision=0,
            actor=world.editor_a,
            is_done=True,
        )
    services.section_save(
        plan=plan_a, key="1.2", body="<p>正文</p>", expected_revision=0, actor=world.editor_a
    )
    services.section_save(
        plan=plan_a,
        key="ch2",
        body="<p>概述</p>",
        expected_revision=0,
        actor=world.editor_a,
        is_done=True,
    )

    # when the progress is read, and the plan's page opened
    status = plan_outline_status(plan_a)
    html = (
        client_for(world.editor_a)
        .get(reverse("plans:plan-detail", args=[plan_a.pk]))
        .content.decode()
    )

    # then 3 of the 30 required sections are complete: 10 %; the optional one does not count;
    # 字数 add up over all sections (2 × 5 sections)
    assert (len(status.required), status.complete_count, status.percent) == (
        REQUIRED_SECTIONS,
        3,
        10,
    )
    assert status.words == 10
    assert "必填章节已完成 3 / 30" in html
    assert 'aria-valuenow="10"' in html
    assert "共 10 字" in html


def test_progress_rounds_to_whole_percent(world, plan_a):
    # given 2 of 30 required sections complete (6.67 %)
    for key in ("1.1", "1.2"):
        services.section_save(
            plan=plan_a,
            key=key,
            body="<p>正文</p>",
            expected_revision=0,
            actor=world.editor_a,
            is_done=True,
        )

    # when the progress is read
    percent = plan_outline_status(plan_a).percent

    # then it is rounded to 7
    assert percent == 7


def test_a_conflict_shows_what_differs_between_the_two_texts(world, plan_a):
    # given the manager autosaved section 1.5 while the editor had it open at revision 0
    manager, editor = Client(), Client()
    manager.force_login(world.manager_a)
    editor.force_login(world.editor_a)
    manager.post(autosave_url(plan_a, "1.5"), {"body": "<p>园区水资源丰富</p>", "revision": 0})

    # when the editor's autosave arrives from revision 0 with other words
    second = editor.post(
        autosave_url(plan_a, "1.5"), {"body": "<p>园区土地资源丰富</p>", "revision": 0}
    )

    # then the differences come with the conflict: the editor's words struck, the manager's added
    assert second.status_code == 409
    assert second.json()["diff"] == "园区<del>土地</del><ins>水</ins>资源丰富"


def test_editors_of_one_section_see_each_other(world, plan_a, settings):
    # given the manager and the editor both have section 1.1 open
    manager, editor = Client(), Client()
    manager.force_login(world.manager_a)
    editor.force_login(world.editor_a)
    url = reverse("plans:section-presence", args=[plan_a.pk, "1.1"])

    # when each sends its heartbeat
    alone = manager.post(url).json()
    both = editor.post(url).json()
    again = manager.post(url).json()

    # then the first alone sees nobody; afterwards each sees the other by name
    assert alone["others"] == []
    assert both["others"] == [world.manager_a.display_name]
    assert again["others"] == [world.editor_a.display_name]
    # ... and another section shows nobody
    other = manager.post(reverse("plans:section-presence", args=[plan_a.pk, "1.2"])).json()
    assert other["others"] == []


def test_a_heartbeat_older_than_the_window_is_gone(world, plan_a, monkeypatch):
    manager, editor = Client(), Client()
    manager.force_login(world.manager_a)
    editor.force_login(world.editor_a)
    url = reverse("plans:section-presence", args=[plan_a.pk, "1.1"])
    clock = [1_000_000.0]
    monkeypatch.setattr("plans.presence.time.time", lambda: clock[0])
    editor.post(url)

    clock[0] += 60  # past PRESENCE_SECONDS

    assert manager.post(url).json()["others"] == []


def test_an_autosave_costs_a_fixed_number_of_queries(
    world, client_for, plan_a, django_assert_num_queries
):
    # given an editor whose first autosave of the section opened the audit row (deadline day:
    # every editor autosaves every few seconds, bench/load.py)
    client = client_for(world.editor_a)
    first = client.post(autosave_url(plan_a, "1.1"), {"body": "<p>第一稿</p>", "revision": 0})
    assert first.status_code == 200

    # when the next autosave extends it, then it locks and touches the plan (found for this
    # user by the first, and kept) and reads and writes the section (on PostgreSQL one UPDATE
    # ... RETURNING with the plan's in a WITH; elsewhere the plan's UPDATE, a SELECT and an
    # UPDATE) and extends the audit row in one UPDATE that reads nothing back (the session and
    # the user from the cache where Redis is configured, else from the database; savepoints
    # because the test runs in a transaction) — and no more
    plan_and_section = 1 if connection.vendor == "postgresql" else 3
    with django_assert_num_queries(3 + plan_and_section + signed_in_queries()):
        second = client.post(autosave_url(plan_a, "1.1"), {"body": "<p>第二稿</p>", "revision": 1})
    assert second.json()["revision"] == 2
    assert section(plan_a, "1.1").body == "<p>第二稿</p>"
