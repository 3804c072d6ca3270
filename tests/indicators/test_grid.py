"""The data tables as one grid with one save (issue 14): every table the user changed is saved in
one request, each under its own revision, all or nothing; a table left alone is never written
(not even over someone else's save); a conflict or a bad cell keeps everything typed, in every
table, and marks the tables that are still unsaved."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType

from indicators import services
from indicators.models import Accounting, TableData
from parks.models import AuditEntry
from plans.models import Plan
from plans.status import State
from tests.indicators.helpers import (
    cell_feedback,
    data_url,
    grid_values,
    open_grid,
    post_grid,
    revision_of,
    store_table,
    stored,
    table_section,
)
from tests.plans.helpers import text_of

NUMBER_MESSAGE = "请填写数字，例如 1234.5 或 1,234.5。"


def table_audits(plan):
    return AuditEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(TableData), park=plan.park
    )


def unsaved_parts(html: str) -> set[str]:
    """The parts of the page marked as holding unsaved changes (their badge is shown)."""
    marked = set()
    for match in re.finditer(r"<section[^>]*data-grid-part=\"(\w+)\"[^>]*>", html):
        if "data-unsaved" in match.group(0):
            marked.add(match.group(1))
    return marked


def conflict_parts(html: str) -> set[str]:
    return {
        key
        for key in ("economy", "energy", "water", "pollutants")
        if "data-conflict" in table_section(html, key)
    }


# --- the page ---------------------------------------------------------------------------------


def test_the_data_page_has_one_save_for_every_table(world, client_for, plan_a):
    # when park A's editor opens the data tables
    html = client_for(world.editor_a).get(data_url(plan_a)).content.decode()

    # then there is one form with one save button, and every cell and the grid factor belong to
    # it; no table has a save button of its own
    assert html.count("data-grid-form") == 1
    assert len(re.findall(r'<button[^>]*type="submit"[^>]*>保存全部修改</button>', html)) == 1
    assert "保存此表" not in text_of(html)
    cells = re.findall(r'<input[^>]*name="(?:economy|energy|water|pollutants)-[^"]+"[^>]*>', html)
    assert len(cells) > 100
    assert all('form="data-grid"' in cell for cell in cells)
    assert re.search(r'<select[^>]*name="accounting-grid_series"[^>]*form="data-grid"', html)
    assert re.search(r'<textarea[^>]*name="accounting-grid_reason"[^>]*form="data-grid"', html)
    # ... nothing is marked unsaved, and the script that marks changes is a file of its own
    assert unsaved_parts(html) == set()
    assert "没有未保存的修改。" in text_of(html)
    assert '<script src="/static/js/data-grid.js"></script>' in html


def test_readers_see_the_tables_without_the_save(world, client_for, plan_a):
    html = client_for(world.reviewer_a).get(data_url(plan_a)).content.decode()
    assert "data-grid-form" not in html
    assert 'form="data-grid"' not in html


# --- one save ---------------------------------------------------------------------------------


def test_one_save_stores_every_table_typed_into(world, client_for, plan_a):
    # given the editor opened the page
    client = client_for(world.editor_a)
    page = open_grid(client, plan_a)

    # when they type into the economy and the water table and save once
    response = post_grid(
        client,
        plan_a,
        page,
        {"economy-iav__2020": "8,000", "water-total__2020": "１２．５", "water-fresh__2019": "3"},
    )

    # then both tables are stored, each at its first revision, and the page says which
    assert response.status_code == 302
    assert response.url == data_url(plan_a)
    assert stored(plan_a, "economy") == {"iav": {"2020": "8000"}}
    assert stored(plan_a, "water") == {"total": {"2020": "12.5"}, "fresh": {"2019": "3"}}
    assert (revision_of(plan_a, "economy"), revision_of(plan_a, "water")) == (1, 1)
    page_after = client.get(response.url).content.decode()
    assert "已保存：园区主要经济指标、规模以上工业用水量。" in text_of(page_after)
    # ... each with its own audit row
    assert sorted(e.target_repr.rsplit(" · ")[-1] for e in table_audits(plan_a)) == [
        "economy",
        "water",
    ]


def test_tables_the_user_left_alone_are_not_written(world, client_for, plan_a):
    # given stored energy and pollutant figures
    store_table(plan_a, "energy", {"raw_coal": {"2020": "1000"}}, world.manager_a)
    client = client_for(world.editor_a)

    # when the editor changes only the economy table
    post_grid(client, plan_a, open_grid(client, plan_a), {"economy-gdp__2018": "5"})

    # then the other tables keep their revision and get no audit row
    assert revision_of(plan_a, "energy") == 1
    assert not TableData.objects.filter(plan=plan_a, table__in=["water", "pollutants"]).exists()
    assert table_audits(plan_a).count() == 2  # the manager's energy, the editor's economy


def test_saving_without_a_change_says_so_and_writes_nothing(world, client_for, plan_a):
    client = client_for(world.editor_a)
    response = post_grid(client, plan_a, open_grid(client, plan_a), {})
    assert response.status_code == 302
    assert "没有需要保存的修改。" in text_of(client.get(response.url).content.decode())
    assert not TableData.objects.filter(plan=plan_a).exists()
    assert not AuditEntry.objects.filter(park=world.park_a).exists()


def test_the_grid_factor_is_saved_in_the_same_save_as_the_tables(
    world, client_for, plan_a, catalogue
):
    # given the editor's page
    client = client_for(world.editor_a)
    page = open_grid(client, plan_a)

    # when they type electricity use and choose the national average with a reason, then save
    response = post_grid(
        client,
        plan_a,
        page,
        {
            "energy-electricity__2020": "100",
            "accounting-grid_series": "national average|全国",
            "accounting-grid_reason": "与所在市清单口径一致。",
        },
    )

    # then both are saved
    assert response.status_code == 302
    assert stored(plan_a, "energy") == {"electricity": {"2020": "100"}}
    assert Accounting.objects.get(plan=plan_a).grid_scope == "national average"
    assert "已保存：规模以上工业分品种能源消费量、电网排放因子。" in text_of(
        client.get(response.url).content.decode()
    )


# --- a bad cell -----------------------------------------------------------------------------


def test_a_bad_cell_in_one_table_saves_no_table_and_keeps_everything_typed(
    world, client_for, plan_a
):
    # given the editor's page
    client = client_for(world.editor_a)
    page = open_grid(client, plan_a)

    # when they type a good number in the water table and words in the economy table
    response = post_grid(
        client, plan_a, page, {"water-total__2020": "12.5", "economy-iav__2020": "八千"}
    )

    # then nothing is saved; the message is under the bad cell, every typed value is kept, and
    # both tables are marked unsaved
    html = response.content.decode()
    assert response.status_code == 200
    assert not TableData.objects.filter(plan=plan_a).exists()
    assert cell_feedback(table_section(html, "economy"), "economy-iav__2020") == [NUMBER_MESSAGE]
    typed = grid_values(html)
    assert (typed["economy-iav__2020"], typed["water-total__2020"]) == ("八千", "12.5")
    assert unsaved_parts(html) == {"economy", "water"}
    assert "以下内容有未保存的修改： 园区主要经济指标、规模以上工业用水量" in text_of(html)

    # when the cell is corrected and the page's form is saved again
    again = client.post(data_url(plan_a), {**typed, "economy-iav__2020": "8000"})

    # then both tables are saved
    assert again.status_code == 302
    assert stored(plan_a, "economy") == {"iav": {"2020": "8000"}}
    assert stored(plan_a, "water") == {"total": {"2020": "12.5"}}


# --- two people -------------------------------------------------------------------------------


def test_a_conflict_on_one_table_saves_nothing_and_keeps_every_typed_value(
    world, client_for, plan_a
):
    # given the editor opened the page, then the manager saved the economy table
    editor = client_for(world.editor_a)
    page = open_grid(editor, plan_a)
    store_table(plan_a, "economy", {"iav": {"2020": "100"}}, world.manager_a)
    editor = client_for(world.editor_a)

    # when the editor, from the page opened before, types into economy and water and saves
    response = post_grid(
        editor, plan_a, page, {"economy-iav__2020": "200", "water-total__2020": "12.5"}
    )

    # then nothing of the editor's is saved: the manager's value stands, water is not stored
    html = response.content.decode()
    assert response.status_code == 200
    assert stored(plan_a, "economy") == {"iav": {"2020": "100"}}
    assert revision_of(plan_a, "economy") == 1
    assert not TableData.objects.filter(plan=plan_a, table="water").exists()
    # ... the conflict is shown on the economy table only, with what is saved now, and every
    # typed value is still in the page, both tables marked unsaved
    assert conflict_parts(html) == {"economy"}
    assert f"{world.manager_a.display_name} 已于" in text_of(table_section(html, "economy"))
    typed = grid_values(html)
    assert (typed["economy-iav__2020"], typed["water-total__2020"]) == ("200", "12.5")
    assert unsaved_parts(html) == {"economy", "water"}

    # when the editor saves the page again, knowing
    again = editor.post(data_url(plan_a), typed)

    # then their values are saved, the manager's in the audit trail as the old value
    assert again.status_code == 302
    assert stored(plan_a, "economy") == {"iav": {"2020": "200"}}
    assert stored(plan_a, "water") == {"total": {"2020": "12.5"}}
    latest = table_audits(plan_a).filter(target_repr__endswith="economy").order_by("-pk")[0]
    assert latest.changes["iav__2020"]["old"] == "100"


def test_a_table_someone_else_saved_that_the_user_left_alone_is_not_overwritten(
    world, client_for, plan_a
):
    # given the editor opened the page, then the manager saved the economy table
    editor = client_for(world.editor_a)
    page = open_grid(editor, plan_a)
    store_table(plan_a, "economy", {"iav": {"2020": "100"}}, world.manager_a)
    editor = client_for(world.editor_a)

    # when the editor, from the page opened before (economy still empty), types only in water
    response = post_grid(editor, plan_a, page, {"water-total__2020": "12.5"})

    # then water is saved, and the manager's economy figure is not wiped by the stale page
    assert response.status_code == 302
    assert stored(plan_a, "water") == {"total": {"2020": "12.5"}}
    assert stored(plan_a, "economy") == {"iav": {"2020": "100"}}
    assert revision_of(plan_a, "economy") == 1


def test_a_bad_cell_and_a_conflict_are_shown_together(world, client_for, plan_a):
    # given the editor opened the page, then the manager saved the economy table
    editor = client_for(world.editor_a)
    page = open_grid(editor, plan_a)
    store_table(plan_a, "economy", {"iav": {"2020": "100"}}, world.manager_a)
    editor = client_for(world.editor_a)

    # when the editor types into economy and a bad value into water
    html = post_grid(
        editor, plan_a, page, {"economy-iav__2020": "200", "water-total__2020": "abc"}
    ).content.decode()

    # then both are reported at once
    assert conflict_parts(html) == {"economy"}
    assert cell_feedback(table_section(html, "water"), "water-total__2020") == [NUMBER_MESSAGE]
    assert stored(plan_a, "economy") == {"iav": {"2020": "100"}}


def test_a_submitted_plan_saves_nothing_and_says_why(world, client_for, plan_a):
    # given the editor's page, then the plan was submitted
    client = client_for(world.editor_a)
    page = open_grid(client, plan_a)
    Plan.objects.filter(pk=plan_a.pk).update(status=State.PROVINCE_REVIEW)

    # when the editor saves
    response = post_grid(client, plan_a, page, {"economy-iav__2020": "1"})

    # then nothing is saved and the page says the plan cannot be changed, the value kept
    assert response.status_code == 200
    assert "不能修改" in text_of(response.content.decode())
    assert grid_values(response.content.decode())["economy-iav__2020"] == "1"
    assert not TableData.objects.filter(plan=plan_a).exists()


# --- the service --------------------------------------------------------------------------------


def test_the_service_names_every_bad_cell_and_every_conflict_and_writes_nothing(world, plan_a):
    # given economy saved by the manager at revision 1
    store_table(plan_a, "economy", {"iav": {"2020": "100"}}, world.manager_a)
    audits = AuditEntry.objects.count()

    # when three tables are saved at once: economy from revision 0, water with a negative
    # number, pollutants good
    with pytest.raises(services.TablesNotSaved) as refused:
        services.tables_save(
            plan=plan_a,
            actor=world.editor_a,
            edits={
                "economy": services.TableEdit({"iav": {"2020": "200"}}, 0),
                "water": services.TableEdit({"total": {"2020": "-1"}}, 0),
                "pollutants": services.TableEdit({"cod": {"2020": "3"}}, 0),
            },
        )

    # then the refusal names the conflict and the bad cell, and nothing at all was written
    assert set(refused.value.conflicts) == {"economy"}
    assert refused.value.conflicts["economy"].values == {"iav": {"2020": "100"}}
    assert set(refused.value.errors) == {"water"}
    assert set(refused.value.errors["water"].message_dict) == {"total__2020"}
    assert stored(plan_a, "pollutants") == {}
    assert stored(plan_a, "economy") == {"iav": {"2020": "100"}}
    assert AuditEntry.objects.count() == audits


def test_the_service_returns_the_parts_it_changed(world, plan_a):
    store_table(plan_a, "water", {"total": {"2020": "1"}}, world.editor_a)
    saved = services.tables_save(
        plan=plan_a,
        actor=world.editor_a,
        edits={
            "water": services.TableEdit({"total": {"2020": "1"}}, 1),  # the same values
            "economy": services.TableEdit({"iav": {"2020": "5"}}, 0),
        },
    )
    assert saved == ["economy"]
    assert revision_of(plan_a, "water") == 1
