"""Consistency checks on a plan's indicators (indicators.checks): each rule on hand-made
indicators, the messages users read, and warnings justified through the row editor."""

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.checks import indicator_warnings
from indicators.models import PlanIndicator
from tests.factories import PlanIndicatorFactory
from tests.indicators.helpers import (
    PLAN_YEARS,
    indicator_edit_url,
    indicator_post,
    numbers_of,
    row_of,
    store_table,
)
from tests.plans.helpers import form_values, text_of

D = Decimal


def hand_made(catalogue, code=None, *, baseline="", **targets) -> PlanIndicator:
    """A plan indicator as the park would state it; `targets` as t2021="0.19", ..."""
    return PlanIndicator(
        indicator=catalogue.indicator(code) if code else None,
        custom_name="" if code else "园区自定指标",
        custom_direction="" if code else "lower",
        baseline=baseline,
        targets={name.removeprefix("t"): value for name, value in targets.items()},
    )


def warnings_of(plan_indicator, derived_baseline=None) -> dict[str, str]:
    warnings = indicator_warnings(
        plan_indicator, years=PLAN_YEARS, derived_baseline=derived_baseline
    )
    return {w.code: w.message for w in warnings}


# --- direction ----------------------------------------------------------------------------------


def test_lower_is_better_targets_above_the_baseline_warn_with_their_years(catalogue, zh):
    # given 单位工业增加值综合能耗 (lower is better) above its baseline in 2021 and 2022
    indicator = hand_made(
        catalogue,
        "energy_intensity_iav",
        baseline="0.20",
        t2021="0.21",
        t2022="0.21",
        t2023="0.20",
        t2024="0.19",
        t2025="0.18",
    )

    # when it is checked
    warnings = warnings_of(indicator)

    # then the direction warning names those years, the baseline and the direction in Chinese
    assert warnings == {
        "direction": "2021、2022年目标劣于基准值（0.20），与指标方向（越低越好）相反。"
    }


def test_higher_is_better_targets_below_the_baseline_warn(catalogue, zh):
    # given 工业用水重复利用率 (higher is better) falling below its baseline in 2025
    indicator = hand_made(
        catalogue, "water_reuse_rate", baseline="85", t2021="86", t2024="88", t2025="84.5"
    )

    # when it is checked
    warnings = warnings_of(indicator)

    # then 2025 is against the direction (and weaker than 2024)
    assert warnings["direction"] == "2025年目标劣于基准值（85），与指标方向（越高越好）相反。"
    assert warnings["weaker_year"] == "2025年目标比上一年更弱。"


def test_targets_that_improve_on_the_baseline_raise_no_warning(catalogue):
    # given targets falling steadily below the baseline, ending under the national reference
    indicator = hand_made(
        catalogue,
        "energy_intensity_iav",
        baseline="0.17",
        t2021="0.165",
        t2022="0.16",
        t2023="0.155",
        t2024="0.15",
        t2025="0.145",
    )

    # when / then
    assert warnings_of(indicator, derived_baseline=D("0.17")) == {}


def test_without_a_baseline_or_a_direction_the_direction_rules_stay_silent(catalogue):
    # given targets getting worse, once without a baseline and once for an own indicator
    # that has no direction
    no_baseline = hand_made(catalogue, "energy_intensity_iav", t2021="0.1", t2022="0.1")
    no_direction = hand_made(catalogue, baseline="1", t2021="2", t2022="3")
    no_direction.custom_direction = ""

    # when / then
    assert warnings_of(no_baseline) == {}
    assert warnings_of(no_direction) == {}


# --- weaker_year ----------------------------------------------------------------------------------


def test_a_year_weaker_than_the_year_before_warns_with_those_years(catalogue, zh):
    # given lower-is-better targets that go up in 2023 and 2025
    indicator = hand_made(
        catalogue,
        "energy_intensity_gdp",
        baseline="0.2",
        t2021="0.19",
        t2022="0.18",
        t2023="0.185",
        t2024="0.17",
        t2025="0.175",
    )

    # when
    warnings = warnings_of(indicator)

    # then
    assert warnings == {"weaker_year": "2023、2025年目标比上一年更弱。"}


def test_a_year_left_empty_is_skipped_and_the_next_compares_with_the_last_given(catalogue, zh):
    # given 2022 left empty and 2023 worse than 2021
    indicator = hand_made(
        catalogue, "energy_intensity_gdp", baseline="0.2", t2021="0.18", t2023="0.185"
    )

    # when / then
    assert warnings_of(indicator) == {"weaker_year": "2023年目标比上一年更弱。"}


def test_equal_years_are_not_weaker(catalogue):
    indicator = hand_made(
        catalogue, "energy_intensity_gdp", baseline="0.2", t2021="0.18", t2022="0.18"
    )
    assert warnings_of(indicator) == {}


# --- national_reference --------------------------------------------------------------------------


def test_a_2025_target_above_the_national_reference_warns(catalogue, zh):
    # given 单位工业增加值综合能耗 with 2025 at 0.45 (national reference: < 0.4)
    indicator = hand_made(catalogue, "energy_intensity_iav", t2025="0.45")

    # when
    warnings = warnings_of(indicator)

    # then the message quotes the target and the reference as users read it
    assert warnings == {
        "national_reference": (
            "2025年目标（0.45）未达到国家参考值（降至0.4以下（含0.4，国家高新区整体）；50%的国家高新区低于0.3（2025年））。"
        )
    }


@pytest.mark.parametrize(
    ("target", "warns"),
    [("0.39", False), ("0.3999", False), ("0.4", False), ("0.40", False), ("0.4001", True)],
)
def test_the_national_reference_includes_0_4(catalogue, target, warns):
    # 国科发火〔2021〕28号: "降至0.4吨标准煤/万元以下": 以下 includes the number itself
    indicator = hand_made(catalogue, "energy_intensity_iav", t2025=target)
    assert ("national_reference" in warnings_of(indicator)) is warns


@pytest.mark.parametrize(("target", "warns"), [("3.5", True), ("4", False), ("4.5", False)])
def test_the_co2_cut_rate_reference_is_at_least_4_percent(catalogue, target, warns):
    # given 年均削减率 (reference ≥ 4 %) with its 2025 target
    indicator = hand_made(catalogue, "co2_intensity_cut_rate", t2025=target)

    # when / then
    assert ("national_reference" in warnings_of(indicator)) is warns


def test_only_the_final_year_is_compared_with_the_reference(catalogue):
    # given 2021-2024 above the reference and no 2025 target
    indicator = hand_made(catalogue, "energy_intensity_iav", t2021="0.6", t2024="0.6")

    # when / then nothing to compare yet
    assert "national_reference" not in warnings_of(indicator)


# --- policy_cut ---------------------------------------------------------------------------------


def test_a_4_percent_yearly_co2_cut_meets_the_policy(catalogue):
    # given CO2 intensity from 1.0 to 0.8154 of it (the policy's 4 % a year for five years)
    indicator = hand_made(catalogue, "co2_intensity_iav", baseline="1.0", t2025="0.8154")

    # when / then
    assert "policy_cut" not in warnings_of(indicator)


def test_a_smaller_co2_cut_warns_with_the_yearly_rate_and_the_4_percent_asked(catalogue, zh):
    # given CO2 intensity from 1.0 to 0.85: 1 - 0.85^(1/5) = 3.20 % a year
    indicator = hand_made(catalogue, "co2_intensity_iav", baseline="1.0", t2025="0.85")

    # when
    warnings = warnings_of(indicator)

    # then
    assert warnings == {
        "policy_cut": (
            "按目标测算，单位工业增加值二氧化碳排放量年均下降 3.20%；"
            "国科发火〔2021〕28号要求年均下降不低于 4%。"
        )
    }


def test_the_policy_cut_applies_to_co2_intensity_only(catalogue):
    # given the same small cut on energy intensity (whose 2025 target meets the reference)
    indicator = hand_made(catalogue, "energy_intensity_iav", baseline="0.2", t2025="0.19")

    # when / then
    assert warnings_of(indicator) == {}


def test_no_policy_cut_warning_without_a_baseline_or_a_2025_target(catalogue):
    assert warnings_of(hand_made(catalogue, "co2_intensity_iav", t2025="0.99")) == {}
    assert warnings_of(hand_made(catalogue, "co2_intensity_iav", baseline="1", t2024="0.99")) == {}


# --- baseline_mismatch --------------------------------------------------------------------------


def test_a_baseline_far_from_what_the_tables_imply_warns(catalogue, zh):
    # given a stated baseline of 0.20 where the tables imply 0.17
    indicator = hand_made(catalogue, "energy_intensity_iav", baseline="0.20")

    # when
    warnings = warnings_of(indicator, derived_baseline=D("0.17"))

    # then
    assert warnings == {"baseline_mismatch": "基准值（0.20）与数据表推算值（0.1700）相差超过 5%。"}


@pytest.mark.parametrize(
    ("baseline", "warns"),
    [("0.175", False), ("0.1785", False), ("0.1786", True), ("0.1615", False), ("0.16", True)],
)
def test_a_baseline_within_5_percent_of_the_tables_agrees(catalogue, baseline, warns):
    # 5 % of 0.17 is 0.0085: 0.1615 to 0.1785 agree
    indicator = hand_made(catalogue, "energy_intensity_iav", baseline=baseline)
    assert ("baseline_mismatch" in warnings_of(indicator, D("0.17"))) is warns


def test_no_mismatch_when_the_tables_imply_nothing(catalogue):
    indicator = hand_made(catalogue, "energy_intensity_iav", baseline="0.20")
    assert warnings_of(indicator, derived_baseline=None) == {}


def test_a_zero_derived_baseline_agrees_only_with_zero(catalogue):
    indicator = hand_made(catalogue, "wastewater_intensity_iav", baseline="0")
    assert warnings_of(indicator, derived_baseline=D(0)) == {}
    indicator.baseline = "0.1"
    assert "baseline_mismatch" in warnings_of(indicator, derived_baseline=D(0))


def test_the_plan_compares_the_baseline_with_its_own_tables(world, plan_a, zh):
    # given tables implying 0.1 tce/万元 in 2020: 1000 t raw coal = 714.3 tce over 7143 万元
    store_table(plan_a, "economy", {"iav": {"2020": "7143"}}, world.editor_a)
    store_table(plan_a, "energy", {"raw_coal": {"2020": "1000"}}, world.editor_a)
    far = PlanIndicatorFactory(plan=plan_a, code="energy_intensity_iav", baseline="0.12")
    near = PlanIndicatorFactory(plan=plan_a, code="energy_intensity_gdp", baseline="0.5")

    # when the plan's numbers are read
    far_row, near_row = row_of(plan_a, far), row_of(plan_a, near)

    # then the stated 0.12 is 20 % off the tables' 0.1 and warns; GDP is not in the tables
    assert far_row.derived_baseline == D("0.1")
    assert [w.message for w in far_row.warnings] == [
        "基准值（0.12）与数据表推算值（0.1000）相差超过 5%。"
    ]
    assert near_row.derived_baseline is None
    assert near_row.warnings == []


# --- justifications -----------------------------------------------------------------------------


@pytest.fixture
def warned(plan_a):
    """单位工业增加值综合能耗 with three warnings: against the direction in 2021 and 2025, 2025
    weaker than 2024, and 2025 above the national reference."""
    return PlanIndicatorFactory(
        plan=plan_a,
        code="energy_intensity_iav",
        baseline="0.20",
        targets={"2021": "0.21", "2022": "0.20", "2023": "0.19", "2024": "0.18", "2025": "0.45"},
    )


def test_each_warning_gets_a_justification_field_in_the_row_editor(world, client_for, warned):
    # when park A's editor opens the row for editing
    response = client_for(world.editor_a).get(indicator_edit_url(warned.plan, warned))

    # then there is a justification field per warning, labelled with the warning
    assert response.status_code == 200
    fields = form_values(response.content.decode())
    assert {"justify_direction", "justify_weaker_year", "justify_national_reference"} <= set(fields)
    text = text_of(response.content.decode())
    assert "情况说明：2021、2025年目标劣于基准值（0.20），与指标方向（越低越好）相反。" in text
    assert text.count("提交前须填写情况说明。") == 0  # the row being edited shows the form


def test_justified_warnings_are_no_longer_unjustified(world, client_for, warned):
    # given the indicator's three warnings, none justified
    assert {w.code for w in row_of(warned.plan, warned).unjustified} == {
        "direction",
        "weaker_year",
        "national_reference",
    }

    # when the editor writes a justification for each and saves the row
    response = client_for(world.editor_a).post(
        indicator_edit_url(warned.plan, warned),
        indicator_post(
            warned,
            justify_direction="2021年新建数据中心投产，能耗阶段性上升。",
            justify_weaker_year="2025年承接重大产业项目落地。",
            justify_national_reference="园区以化工新材料为主，已纳入省级能耗双控统筹。",
        ),
    )

    # then the warnings stay, each with its justification, and none is unjustified
    assert response.status_code == 200
    row = row_of(warned.plan, warned)
    assert len(row.warnings) == 3
    assert row.unjustified == []
    assert row.plan_indicator.justifications["direction"] == (
        "2021年新建数据中心投产，能耗阶段性上升。"
    )
    text = text_of(response.content.decode())
    assert "情况说明： 2021年新建数据中心投产，能耗阶段性上升。" in text
    assert "提交前须填写情况说明。" not in text


def test_an_empty_justification_leaves_the_warning_unjustified(world, client_for, warned):
    # when only the direction warning is justified (the others left blank)
    client_for(world.editor_a).post(
        indicator_edit_url(warned.plan, warned),
        indicator_post(
            warned,
            justify_direction="2021年新建数据中心投产。",
            justify_weaker_year="   ",
            justify_national_reference="",
        ),
    )

    # then the two others still need a justification, and the page says so for each
    row = row_of(warned.plan, warned)
    assert [w.code for w in row.unjustified] == ["weaker_year", "national_reference"]
    assert set(row.plan_indicator.justifications) == {"direction"}
    page = client_for(world.editor_a).get(
        reverse("indicators:indicator-list", args=[warned.plan.pk])
    )
    assert text_of(page.content.decode()).count("提交前须填写情况说明。") == 2


def test_warnings_are_read_from_the_saved_targets(world, plan_a):
    # given an indicator whose targets were saved without any warning
    ok = PlanIndicatorFactory(
        plan=plan_a, code="energy_intensity_gdp", baseline="0.2", targets={"2025": "0.15"}
    )

    # when the numbers are read
    numbers = numbers_of(plan_a)

    # then
    assert next(r for r in numbers.indicators if r.plan_indicator == ok).warnings == []
