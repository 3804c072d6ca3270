"""The plan's numbers in the preview (3.1-3.3, 6.1-6.2), the outline states they give, and pages
read with a number of queries that does not grow with the number of indicators."""

import base64
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Indicator
from plans.models import Section
from plans.selectors import plan_outline_status
from tests.factories import CustomFuelFactory, ParkFactory, PlanFactory, PlanIndicatorFactory
from tests.indicators.helpers import store_table
from tests.plans.helpers import text_of

NUMBER_SECTIONS = ("3.1", "3.2", "3.3", "6.1", "6.2")


def preview_url(plan) -> str:
    return reverse("documents:preview", args=[plan.pk])


def section_text(html: str, key: str) -> str:
    """The visible text of one outline entry of the preview, up to the next entry."""
    match = re.search(
        rf'<section class="doc-section[^"]*" id="s-{re.escape(key)}">(.*?)'
        r'(?=<section class="doc-section|</section>\s*</section>|$)',
        html,
        flags=re.S,
    )
    assert match, f"no section {key} in the preview"
    return text_of(match.group(1))


@pytest.fixture
def numbered_plan(world, plan_a):
    """Park A's plan with two indicators and a value in every data table."""
    PlanIndicatorFactory(
        plan=plan_a,
        code="energy_intensity_iav",
        baseline="0.1",
        targets={
            "2021": "0.098",
            "2022": "0.096",
            "2023": "0.094",
            "2024": "0.092",
            "2025": "0.09",
        },
        data_source="园区统计年鉴",
        feasibility="依托重点用能企业节能改造，年均下降约2%。",
    )
    PlanIndicatorFactory(
        plan=plan_a,
        custom_name="园区绿色信贷余额占比",
        custom_unit="%",
        baseline="12",
        targets={"2025": "20"},
    )
    store_table(plan_a, "economy", {"iav": {"2020": "7143"}}, world.editor_a)
    store_table(plan_a, "energy", {"raw_coal": {"2019": "900", "2020": "1000"}}, world.editor_a)
    store_table(
        plan_a, "water", {"total": {"2020": "1000"}, "reused": {"2020": "850"}}, world.editor_a
    )
    store_table(plan_a, "pollutants", {"cod": {"2020": "120"}}, world.editor_a)
    return plan_a


def test_the_preview_shows_the_yearly_targets_in_3_1(world, client_for, numbered_plan):
    html = client_for(world.editor_a).get(preview_url(numbered_plan)).content.decode()

    text = section_text(html, "3.1")
    assert "表 主要目标年度分解" in text
    assert "2020年（基准） 2021年 2022年 2023年 2024年 2025年" in text
    assert "单位工业增加值综合能耗 吨标准煤/万元 0.1 0.098 0.096 0.094 0.092 0.09" in text
    assert "园区绿色信贷余额占比 % 12 — — — — 20" in text


def test_the_preview_shows_the_indicator_table_in_3_2(world, client_for, numbered_plan):
    html = client_for(world.editor_a).get(preview_url(numbered_plan)).content.decode()

    text = section_text(html, "3.2")
    assert "表 绿色发展主要指标" in text
    assert (
        "1 单位工业增加值综合能耗 吨标准煤/万元 约束性 0.1 0.09 "
        "降至0.4以下（含0.4，国家高新区整体）；50%的国家高新区低于0.3（2025年） 园区统计年鉴"
    ) in text
    assert "2 园区绿色信贷余额占比 % 园区自定 12 20 — —" in text


def test_the_preview_shows_each_indicators_feasibility_and_chart_in_3_3(
    world, client_for, numbered_plan
):
    html = client_for(world.editor_a).get(preview_url(numbered_plan)).content.decode()

    text = section_text(html, "3.3")
    assert "（1）单位工业增加值综合能耗 依托重点用能企业节能改造，年均下降约2%。" in text
    assert "（2）园区绿色信贷余额占比" in text
    # the charts are SVG images in the page (no request per chart; never inline, where their
    # <style> would break the Content-Security-Policy), one per indicator, without script
    charts = re.findall(
        r'<div class="doc-chart"[^>]*>\s*<img class="doc-chart-image" '
        r'src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]*)"',
        html,
    )
    assert len(charts) == 2
    svgs = [base64.b64decode(data).decode() for data, _alt in charts]
    assert all(svg.startswith("<?xml") or "<svg" in svg for svg in svgs)
    assert all("<script" not in svg for svg in svgs)
    assert "单位工业增加值综合能耗" in charts[0][1]


def test_the_preview_shows_the_data_tables_and_the_computed_totals_in_6_1_and_6_2(
    world, client_for, numbered_plan
):
    html = client_for(world.editor_a).get(preview_url(numbered_plan)).content.decode()

    economy_energy = section_text(html, "6.1")
    assert "表 2016-2020年园区主要经济指标" in economy_energy
    assert "工业增加值 万元 — — — — 7,143" in economy_energy
    assert "园区生产总值 万元 — — — — —" in economy_energy
    assert "表 2016-2020年规模以上工业分品种能源消费量" in economy_energy
    assert "原煤 吨 — — — 900 1,000" in economy_energy
    assert "天然气" not in economy_energy  # fuels not used are left out
    # computed: 1000 t × 0.7143 = 714.30 tce; 900 t = 642.87 tce; CO2 1,900.30 t
    assert "综合能源消费量 吨标准煤 — — — 642.87 714.30" in economy_energy
    assert "二氧化碳排放量 吨 — — — 1,710.27 1,900.30" in economy_energy
    water_pollutants = section_text(html, "6.2")
    assert "表 2016-2020年规模以上工业用水量" in water_pollutants
    assert "工业用水总量 万立方米 — — — — 1,000" in water_pollutants
    assert "化学需氧量排放量 吨 — — — — 120" in water_pollutants
    # derived: 714.3 / 7143 = 0.1; 850 / 1000 = 85 %; 120,000 kg / 7143 = 16.7997 kg/万元
    assert "单位工业增加值综合能耗 吨标准煤/万元 — — — — 0.1000" in water_pollutants
    assert "工业用水重复利用率 % — — — — 85.0000" in water_pollutants
    assert "单位工业增加值化学需氧量排放量 千克/万元 — — — — 16.7997" in water_pollutants


def test_the_preview_of_a_plan_without_numbers_says_so(world, client_for, plan_a):
    html = client_for(world.editor_a).get(preview_url(plan_a)).content.decode()

    assert "表 主要目标年度分解" in section_text(html, "3.1")
    assert "（暂无内容）" in section_text(html, "3.1")
    assert "综合能源消费量 吨标准煤 — — — — —" in section_text(html, "6.1")


def test_the_preview_does_not_write(world, client_for, plan_a):
    # given a plan nobody opened the indicators or data pages of
    from indicators.models import Accounting, PlanIndicator

    # when a provincial reviewer reads the preview
    response = client_for(world.reviewer_a).get(preview_url(plan_a))

    # then it shows, and it created nothing
    assert response.status_code == 200
    assert not Accounting.objects.filter(plan=plan_a).exists()
    assert not PlanIndicator.objects.filter(plan=plan_a).exists()


# --- outline states -----------------------------------------------------------------------------


def states(plan) -> dict[str, str]:
    status = plan_outline_status(plan)
    return {key: status.by_key[key].state for key in NUMBER_SECTIONS}


def test_number_sections_are_empty_until_they_hold_something(plan_a):
    assert states(plan_a) == dict.fromkeys(NUMBER_SECTIONS, Section.State.EMPTY)


def test_number_sections_are_in_progress_once_they_hold_content(world, plan_a):
    empty, in_progress = Section.State.EMPTY, Section.State.IN_PROGRESS

    # an indicator without numbers: 3.2 only
    indicator = PlanIndicatorFactory(plan=plan_a, code="energy_intensity_iav")
    assert states(plan_a) == {
        "3.1": empty,
        "3.2": in_progress,
        "3.3": empty,
        "6.1": empty,
        "6.2": empty,
    }

    # a target: 3.1; a feasibility text: 3.3
    indicator.targets = {"2025": "0.09"}
    indicator.feasibility = "依托节能改造。"
    indicator.save()
    assert states(plan_a)["3.1"] == states(plan_a)["3.3"] == in_progress

    # the economy table: 6.1; the pollutants table: 6.2
    store_table(plan_a, "economy", {"iav": {"2020": "1"}}, world.editor_a)
    assert states(plan_a)["6.1"] == in_progress
    assert states(plan_a)["6.2"] == empty
    store_table(plan_a, "pollutants", {"cod": {"2020": "1"}}, world.editor_a)
    assert states(plan_a) == dict.fromkeys(NUMBER_SECTIONS, in_progress)


def test_an_emptied_table_no_longer_counts(world, plan_a):
    store_table(plan_a, "water", {"total": {"2020": "1"}}, world.editor_a)
    store_table(plan_a, "water", {}, world.editor_a)
    assert states(plan_a)["6.2"] == Section.State.EMPTY


def test_an_own_fuel_puts_6_1_in_progress(plan_a):
    CustomFuelFactory(plan=plan_a)
    assert states(plan_a)["6.1"] == Section.State.IN_PROGRESS


def test_the_plan_page_shows_the_number_sections_in_progress(world, client_for, numbered_plan):
    response = client_for(world.editor_a).get(reverse("plans:plan-detail", args=[numbered_plan.pk]))
    assert response.status_code == 200
    status = response.context["status"]
    assert {key: status.by_key[key].state for key in NUMBER_SECTIONS} == dict.fromkeys(
        NUMBER_SECTIONS, Section.State.IN_PROGRESS
    )


# --- query counts -------------------------------------------------------------------------------


def queries_for(client, url) -> int:
    client.get(url)  # the first visit may add the required indicators and the accounting
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


def every_optional_indicator_with_warnings(plan) -> None:
    """The 15 optional catalogue indicators, each with numbers that raise warnings (and one
    justified), so that every indicator renders its warnings."""
    for indicator in Indicator.objects.filter(required=False):
        PlanIndicatorFactory(
            plan=plan,
            indicator=indicator,
            baseline="10",
            targets={"2021": "11", "2022": "9", "2023": "12", "2025": "8"},
            data_source="园区统计年鉴",
            feasibility="可达。",
            justifications={"direction": "说明。"},
        )


@pytest.mark.parametrize("persona", ["editor_a", "reviewer_a"])
@pytest.mark.parametrize(
    "url_name", ["indicators:indicator-list", "indicators:data", "documents:preview"]
)
def test_pages_read_the_same_number_of_queries_for_6_or_21_indicators(
    world, client_for, plan_a, url_name, persona
):
    # given park A's plan with tables, an own fuel and the 6 required indicators
    store_table(plan_a, "economy", {"iav": {"2020": "7143"}}, world.editor_a)
    store_table(plan_a, "energy", {"raw_coal": {"2020": "1000"}}, world.editor_a)
    CustomFuelFactory(plan=plan_a)
    client_for(world.editor_a).get(reverse("indicators:indicator-list", args=[plan_a.pk]))
    assert plan_a.indicators.count() == 6
    client = client_for(getattr(world, persona))
    url = reverse(url_name, args=[plan_a.pk])
    with_6 = queries_for(client, url)

    # when the 15 optional indicators are added, each with warnings
    every_optional_indicator_with_warnings(plan_a)
    assert plan_a.indicators.count() == 21
    with_21 = queries_for(client, url)

    # then the page reads them with the same number of queries
    assert with_6 == with_21


def test_the_data_page_reads_the_same_number_of_queries_for_1_or_8_own_fuels(
    world, client_for, plan_a
):
    other = PlanFactory(park=ParkFactory(province=world.province_a))
    CustomFuelFactory(plan=plan_a)
    for _ in range(8):
        CustomFuelFactory(plan=other)
    client = client_for(world.reviewer_a)

    counts = [
        queries_for(client, reverse("indicators:data", args=[plan.pk])) for plan in (plan_a, other)
    ]

    assert counts[0] == counts[1], counts


@pytest.mark.parametrize(
    "url_name", ["documents:preview", "indicators:indicator-list", "indicators:data"]
)
def test_a_plan_still_reads_while_no_coefficient_set_is_the_default(
    world, client_for, plan_a, url_name
):
    # given the admin unticked "default for new plans" on the only coefficient set
    from indicators.models import CoefficientSet

    CoefficientSet.objects.update(is_default=False)
    client = client_for(world.editor_a)
    client.raise_request_exception = False

    # when park A's editor opens the page of a plan that has no accounting yet
    response = client.get(reverse(url_name, args=[plan_a.pk]))

    # then it answers (it may say that no coefficient set is chosen), it does not fail
    assert response.status_code == 200
