"""Before submitting, the panel tells the park what the plan's CO2 leaves out: washed coal (洗精煤)
has no sourced CO2 factor, so its emissions are not counted. A notice, not a blocker."""

from django.urls import reverse

from review.selectors import submission_checklist, submission_notices
from tests.indicators.helpers import store_table
from tests.review.helpers import text_of


def test_washed_coal_in_use_gives_a_notice_before_submitting(world, client_for, catalogue):
    from tests.factories import PlanFactory

    # given park A's plan with 10,000 t of washed coal in 2020
    plan = PlanFactory(park=world.park_a)
    store_table(plan, "energy", {"washed_coal": {"2020": "10000"}}, world.editor_a)

    # when the park manager opens the review panel
    html = client_for(world.manager_a).get(reverse("review:panel", args=[plan.pk])).content
    text = text_of(html.decode())

    # then the notice names the fuel and says its CO2 is not counted; it does not block
    assert "洗精煤：没有有出处的二氧化碳排放因子，其排放未计入方案的二氧化碳排放量。" in text
    notices = submission_notices(plan)
    assert [n.url for n in notices] == [
        reverse("indicators:data", args=[plan.pk]) + "#table-energy"
    ]
    assert not any("洗精煤" in item.message for item in submission_checklist(plan))


def test_no_notice_without_such_a_fuel(world, catalogue):
    from tests.factories import PlanFactory

    plan = PlanFactory(park=world.park_a)
    store_table(plan, "energy", {"raw_coal": {"2020": "100"}}, world.editor_a)
    assert submission_notices(plan) == []
