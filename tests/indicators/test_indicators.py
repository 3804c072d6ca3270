"""The indicators page (第三章): required catalogue indicators always in the plan, optional and own
indicators added, baselines and targets edited in the row editor, warnings, charts and the
baseline the data tables imply."""

import re

import pytest
from django.urls import reverse

from indicators.models import Indicator, PlanIndicator
from tests.factories import PlanFactory, PlanIndicatorFactory
from tests.indicators.helpers import (
    indicator_edit_url,
    indicator_post,
    row_of,
    store_table,
)
from tests.plans.helpers import form_values, text_of

REQUIRED = {
    "energy_intensity_iav",
    "co2_intensity_iav",
    "co2_intensity_cut_rate",
    "carbon_peak_year",
    "energy_intensity_gdp",
    "wastewater_intensity_iav",
}


def list_url(plan) -> str:
    return reverse("indicators:indicator-list", args=[plan.pk])


def add_url(plan) -> str:
    return reverse("indicators:indicator-add", args=[plan.pk])


def chart_url(plan_indicator) -> str:
    return reverse("indicators:indicator-chart", args=[plan_indicator.plan_id, plan_indicator.pk])


def codes_in(plan) -> list[str]:
    return sorted(
        PlanIndicator.objects.filter(plan=plan, indicator__isnull=False).values_list(
            "indicator__code", flat=True
        )
    )


def indicator_row_html(html: str, code: str) -> str:
    match = re.search(rf'<tr data-indicator="{code}">.*?</tr>', html, flags=re.S)
    assert match, f"no row for {code}"
    return match.group(0)


# --- required indicators ------------------------------------------------------------------------


def test_the_catalogue_holds_21_indicators_6_of_them_required(catalogue):
    assert Indicator.objects.count() == 21
    assert {i.code for i in catalogue.required} == REQUIRED


def test_opening_the_indicators_page_puts_every_required_indicator_in_the_plan_once(
    world, client_for, plan_a
):
    # given a new plan without indicators
    client = client_for(world.editor_a)
    assert codes_in(plan_a) == []

    # when park A's editor opens the indicators page, twice
    first = client.get(list_url(plan_a))
    second = client.get(list_url(plan_a))

    # then each required indicator is in the plan exactly once, marked 约束性 on the page
    assert (first.status_code, second.status_code) == (200, 200)
    assert codes_in(plan_a) == sorted(REQUIRED)
    html = second.content.decode()
    for code in REQUIRED:
        row = indicator_row_html(html, code)
        assert Indicator.objects.get(code=code).name in row
        assert "约束性" in row
    assert "第三章 目标与指标" in text_of(html)


def test_required_indicators_are_added_in_catalogue_order_after_those_already_there(
    world, client_for, plan_a, catalogue
):
    # given the plan already has an optional indicator
    PlanIndicatorFactory(plan=plan_a, code="water_reuse_rate", position=1)

    # when the page is opened
    client_for(world.editor_a).get(list_url(plan_a))

    # then the required ones follow it, in the catalogue's order
    rows = list(PlanIndicator.objects.filter(plan=plan_a).select_related("indicator"))
    assert [r.indicator.code for r in rows] == ["water_reuse_rate"] + [
        i.code for i in catalogue.required
    ]


def test_a_required_indicator_cannot_be_removed(world, client_for, plan_a):
    # given the required indicators in the plan
    client = client_for(world.editor_a)
    client.get(list_url(plan_a))
    required = PlanIndicator.objects.get(plan=plan_a, indicator__code="co2_intensity_iav")

    # when the editor asks to remove one
    response = client.post(
        reverse("plans:row-delete", args=[plan_a.pk, "indicators", required.pk]),
        {"revision": required.revision},
    )

    # then the table says why, and the indicator is still there
    assert response.status_code == 200
    assert "约束性指标不能从方案中删除。" in text_of(response.content.decode())
    assert PlanIndicator.objects.filter(pk=required.pk).exists()


def test_required_indicators_have_no_remove_button_and_optional_ones_do(world, client_for, plan_a):
    # given an optional indicator beside the required ones
    optional = PlanIndicatorFactory(plan=plan_a, code="water_reuse_rate")

    # when the page is shown
    html = client_for(world.editor_a).get(list_url(plan_a)).content.decode()

    # then only the optional one can be removed
    delete = reverse("plans:row-delete", args=[plan_a.pk, "indicators", 0]).rsplit("/0/", 1)[0]
    buttons = re.findall(rf'hx-post="{delete}/(\d+)/', html)
    assert buttons == [str(optional.pk)]


def test_an_optional_indicator_can_be_removed(world, client_for, plan_a):
    optional = PlanIndicatorFactory(plan=plan_a, code="water_reuse_rate")

    response = client_for(world.editor_a).post(
        reverse("plans:row-delete", args=[plan_a.pk, "indicators", optional.pk]),
        {"revision": optional.revision},
    )

    assert response.status_code == 200
    assert not PlanIndicator.objects.filter(pk=optional.pk).exists()


def test_indicators_are_not_created_through_the_generic_row_editor(world, client_for, plan_a):
    # given the generic row-create view the plan editor uses for its tables
    url = reverse("plans:row-create", args=[plan_a.pk, "indicators"])

    # when park A's editor posts an indicator there (bypassing the add form and its checks)
    response = client_for(world.editor_a).post(url, {"custom_name": "越过检查的指标"})

    # then there is no such page, and nothing was added
    assert response.status_code == 404
    assert not PlanIndicator.objects.filter(plan=plan_a).exists()


# --- adding indicators --------------------------------------------------------------------------


def test_adding_an_optional_catalogue_indicator(world, client_for, plan_a, catalogue):
    # given an optional catalogue indicator
    reuse = catalogue.indicator("water_reuse_rate")
    client = client_for(world.editor_a)

    # when the editor adds it
    response = client.post(add_url(plan_a), {"indicator": reuse.pk})

    # then it is in the plan and the page says so
    assert response.status_code == 302
    assert response.url == list_url(plan_a)
    assert PlanIndicator.objects.filter(plan=plan_a, indicator=reuse).count() == 1
    page = text_of(client.get(response.url).content.decode())
    assert "指标已添加。" in page
    assert "工业用水重复利用率" in page


def test_an_indicator_already_in_the_plan_cannot_be_added_again(
    world, client_for, plan_a, catalogue
):
    # given the plan has 工业用水重复利用率
    reuse = catalogue.indicator("water_reuse_rate")
    PlanIndicatorFactory(plan=plan_a, indicator=reuse)

    # when the editor posts it again (an old page)
    response = client_for(world.editor_a).post(add_url(plan_a), {"indicator": reuse.pk})

    # then it is refused and the plan keeps one
    assert response.status_code == 200
    assert "选择一个有效的选项" in text_of(response.content.decode())
    assert PlanIndicator.objects.filter(plan=plan_a, indicator=reuse).count() == 1


def test_the_add_form_offers_only_catalogue_indicators_not_yet_in_the_plan(
    world, client_for, plan_a
):
    # given the required indicators and one optional in the plan
    PlanIndicatorFactory(plan=plan_a, code="water_reuse_rate")

    # when the page is shown
    response = client_for(world.editor_a).get(list_url(plan_a))

    # then the choice lists the other 14 optional indicators
    offered = set(response.context["add_form"].fields["indicator"].queryset)
    assert len(offered) == 21 - 6 - 1
    assert not any(i.required or i.code == "water_reuse_rate" for i in offered)


def test_adding_the_parks_own_indicator(world, client_for, plan_a):
    # when the editor names an own indicator with its unit and direction
    response = client_for(world.editor_a).post(
        add_url(plan_a),
        {
            "custom_name": "园区绿色信贷余额占比",
            "custom_unit": "%",
            "custom_direction": "higher",
            "custom_definition": "绿色信贷余额 ÷ 各项贷款余额 × 100%。",
        },
    )

    # then it is in the plan as the park's own
    assert response.status_code == 302
    own = PlanIndicator.objects.get(plan=plan_a, indicator=None)
    assert (own.name, own.unit, own.direction, own.is_custom) == (
        "园区绿色信贷余额占比",
        "%",
        "higher",
        True,
    )


def test_an_own_indicator_without_a_direction_is_refused(world, client_for, plan_a):
    # when the editor names an own indicator but does not say which way is better
    response = client_for(world.editor_a).post(
        add_url(plan_a), {"custom_name": "园区绿色信贷余额占比", "custom_unit": "%"}
    )

    # then nothing is added and the form asks for the direction, keeping what was typed
    assert response.status_code == 200
    html = response.content.decode()
    assert "请说明该指标越低越好还是越高越好。" in text_of(html)
    assert form_values(html)["custom_name"] == "园区绿色信贷余额占比"
    assert not PlanIndicator.objects.filter(plan=plan_a, indicator=None).exists()


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({}, "请从指标库中选择，或填写园区自定指标名称。"),
        (
            {"custom_unit": "%", "custom_direction": "lower"},
            "请从指标库中选择，或填写园区自定指标名称。",
        ),
        (
            {"indicator": "water_reuse_rate", "custom_name": "自定"},
            "请在指标库指标与自定指标中二选一。",
        ),
    ],
)
def test_the_add_form_asks_for_one_indicator(world, client_for, plan_a, catalogue, posted, message):
    if "indicator" in posted:
        posted = {**posted, "indicator": catalogue.indicator(posted["indicator"]).pk}
    before = PlanIndicator.objects.filter(plan=plan_a).count()

    response = client_for(world.editor_a).post(add_url(plan_a), posted)

    assert response.status_code == 200
    assert message in text_of(response.content.decode())
    assert PlanIndicator.objects.filter(plan=plan_a).count() == before


# --- baseline and targets -----------------------------------------------------------------------


def test_editing_an_indicator_stores_baseline_and_targets_as_entered(world, client_for, plan_a):
    # given the required 单位工业增加值综合能耗
    indicator = PlanIndicatorFactory(plan=plan_a, code="energy_intensity_iav")

    # when the editor fills the row (full-width digits in one target) and saves it
    response = client_for(world.editor_a).post(
        indicator_edit_url(plan_a, indicator),
        indicator_post(
            indicator,
            baseline="0.1700",
            target_2021="0.165",
            target_2022="０．１６",
            target_2023="0.155",
            target_2024="",
            target_2025="0.145",
            data_source="园区统计年鉴2021",
            feasibility="依托重点用能企业节能改造，年均下降约3%。",
        ),
    )

    # then the strings are stored as meant, the empty year left out
    assert response.status_code == 200
    saved = PlanIndicator.objects.get(pk=indicator.pk)
    assert saved.baseline == "0.1700"
    assert saved.targets == {"2021": "0.165", "2022": "0.16", "2023": "0.155", "2025": "0.145"}
    assert (saved.data_source, saved.feasibility) == (
        "园区统计年鉴2021",
        "依托重点用能企业节能改造，年均下降约3%。",
    )
    assert saved.revision == 1
    # ... and the table shows them without warnings
    row = indicator_row_html(response.content.decode(), "energy_intensity_iav")
    assert "0.1700" in row and "0.145" in row
    assert "⚠" not in response.content.decode()


def test_a_saved_target_against_the_reference_shows_its_warning(world, client_for, plan_a):
    # given the required 单位工业增加值综合能耗
    indicator = PlanIndicatorFactory(plan=plan_a, code="energy_intensity_iav")

    # when the editor saves a 2025 target above the national reference (< 0.4)
    response = client_for(world.editor_a).post(
        indicator_edit_url(plan_a, indicator),
        indicator_post(indicator, baseline="0.5", target_2025="0.45"),
    )

    # then the table shows the warning and that it needs a justification
    text = text_of(response.content.decode())
    assert (
        "⚠ 2025年目标（0.45）未达到国家参考值"
        "（降至0.4以下（含0.4，国家高新区整体）；50%的国家高新区低于0.3（2025年））。" in text
    )
    assert "提交前须填写情况说明。" in text
    assert [w.code for w in row_of(plan_a, indicator).unjustified] == ["national_reference"]


def test_a_baseline_that_is_not_a_number_is_refused(world, client_for, plan_a):
    indicator = PlanIndicatorFactory(plan=plan_a, code="energy_intensity_iav", baseline="0.17")

    response = client_for(world.editor_a).post(
        indicator_edit_url(plan_a, indicator),
        indicator_post(indicator, baseline="约0.17", target_2021="0.16"),
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "请填写数字，例如 1234.5 或 1,234.5。" in text_of(html)
    assert form_values(html)["baseline"] == "约0.17"
    saved = PlanIndicator.objects.get(pk=indicator.pk)
    assert (saved.baseline, saved.targets, saved.revision) == ("0.17", {}, 0)


def test_a_row_saved_from_an_old_revision_is_refused(world, client_for, plan_a):
    # given the manager saved the row while the editor had it open
    indicator = PlanIndicatorFactory(plan=plan_a, code="energy_intensity_iav")
    client_for(world.manager_a).post(
        indicator_edit_url(plan_a, indicator), indicator_post(indicator, baseline="0.18")
    )

    # when the editor saves from revision 0
    response = client_for(world.editor_a).post(
        indicator_edit_url(plan_a, indicator), indicator_post(indicator, baseline="0.2")
    )

    # then the manager's baseline stays and the editor is told, with their input kept
    text = text_of(response.content.decode())
    assert "未保存：其他用户已先保存了这一行。" in text
    assert "当前已保存： 0.18" in text
    assert form_values(response.content.decode())["baseline"] == "0.2"
    assert PlanIndicator.objects.get(pk=indicator.pk).baseline == "0.18"


def test_an_own_indicator_can_be_renamed_but_not_left_without_a_name(world, client_for, plan_a):
    own = PlanIndicatorFactory(plan=plan_a)
    client = client_for(world.editor_a)

    renamed = client.post(
        indicator_edit_url(plan_a, own), indicator_post(own, custom_name="绿色信贷占比")
    )
    nameless = client.post(
        indicator_edit_url(plan_a, own), indicator_post(own, revision=1, custom_name="")
    )

    assert renamed.status_code == nameless.status_code == 200
    assert "这个字段是必填项。" in text_of(nameless.content.decode())
    assert PlanIndicator.objects.get(pk=own.pk).custom_name == "绿色信贷占比"


# --- charts -------------------------------------------------------------------------------------


@pytest.fixture
def charted(world, plan_a):
    """单位工业增加值综合能耗 with a baseline, targets and 2019-2020 history in the tables."""
    store_table(plan_a, "economy", {"iav": {"2019": "7143", "2020": "7143"}}, world.editor_a)
    store_table(plan_a, "energy", {"raw_coal": {"2019": "1100", "2020": "1000"}}, world.editor_a)
    return PlanIndicatorFactory(
        plan=plan_a,
        code="energy_intensity_iav",
        baseline="0.1",
        targets={"2021": "0.098", "2025": "0.09"},
    )


def test_the_chart_is_an_svg_image_with_the_indicator_its_history_and_the_reference(
    world, client_for, charted
):
    # when the indicator's chart is fetched
    response = client_for(world.editor_a).get(chart_url(charted))

    # then it is an SVG naming the indicator, with history, plan and national reference
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    assert svg.lstrip().startswith("<svg")
    assert "单位工业增加值综合能耗" in svg
    assert "历史值（数据表）" in svg
    assert "基准值与目标值" in svg
    assert "国家参考值" in svg
    assert "吨标准煤/万元" in svg


def test_the_chart_has_no_script(world, client_for, charted):
    svg = client_for(world.editor_a).get(chart_url(charted)).content.decode()
    assert "<script" not in svg.lower()


def test_an_own_indicators_name_is_escaped_in_its_chart(world, client_for, plan_a):
    # given an own indicator whose name looks like markup
    own = PlanIndicatorFactory(plan=plan_a, custom_name='<script>alert("x")</script>绿色信贷')

    # when its chart is fetched
    svg = client_for(world.editor_a).get(chart_url(own)).content.decode()

    # then the name is text, not markup, and there is no reference line
    assert "<script>alert" not in svg
    assert "&lt;script&gt;alert" in svg
    assert "绿色信贷" in svg
    assert "国家参考值" not in svg


def test_the_chart_of_another_plans_indicator_is_not_found(world, client_for, plan_a):
    other = PlanIndicatorFactory(plan=PlanFactory(park=world.park_b), code="water_reuse_rate")

    response = client_for(world.editor_a).get(
        reverse("indicators:indicator-chart", args=[plan_a.pk, other.pk])
    )

    assert response.status_code == 404


# --- the baseline the tables imply -------------------------------------------------------------


def test_the_page_shows_the_baseline_the_data_tables_imply(world, client_for, plan_a):
    # given tables implying 0.1 tce/万元 in 2020 (714.3 tce over 7143 万元)
    store_table(plan_a, "economy", {"iav": {"2020": "7143"}}, world.editor_a)
    store_table(plan_a, "energy", {"raw_coal": {"2020": "1000"}}, world.editor_a)

    # when the indicators page is opened
    html = client_for(world.editor_a).get(list_url(plan_a)).content.decode()

    # then the energy intensity row shows 表算 0.1000 under its baseline; indicators the tables
    # do not give (the carbon peak year) show none
    assert "表算： 0.1000" in text_of(indicator_row_html(html, "energy_intensity_iav"))
    assert "表算" not in indicator_row_html(html, "carbon_peak_year")
    # GDP is not in the tables: nothing to derive
    assert "表算" not in indicator_row_html(html, "energy_intensity_gdp")


def test_no_derived_baseline_without_tables(world, client_for, plan_a):
    html = client_for(world.editor_a).get(list_url(plan_a)).content.decode()
    assert "表算" not in html
