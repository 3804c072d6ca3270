"""Fixtures for the review workflow: park A's plan ready to submit (complete park information
with a seal, the demo plan and its demo numbers), plans put straight into a workflow state, and
the national reviewing bodies."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from parks import services as park_services
from plans.models import Plan
from plans.status import State
from portal.demo.numbers import seed_demo_numbers
from portal.demo.park import DEMO_PROFILE, demo_seal_png
from portal.demo.plan import seed_demo_plan
from review.selectors import submission_checklist
from review.services import version_freeze
from tests.factories import NationalBodyFactory, PlanFactory


@pytest.fixture(autouse=True)
def zh():
    """Messages built outside a request (services) in the language users read."""
    with translation.override("zh-hans"):
        yield


def complete_park_profile(park, actor) -> None:
    """Park information filled in completely, the seal included, as the park saves it."""
    profile = park_services.park_profile_get_or_create(park=park)
    park_services.park_profile_save(
        park=park,
        actor=actor,
        data={**DEMO_PROFILE, "city": "苏州市"},
        expected_revision=profile.revision,
        seal=SimpleUploadedFile("seal.png", demo_seal_png(), content_type="image/png"),
    )


@pytest.fixture
def ready_plan(world, catalogue):
    """Park A's plan with everything the checklist asks for: nothing keeps it from submission."""
    complete_park_profile(world.park_a, world.manager_a)
    plan = PlanFactory(park=world.park_a)
    seed_demo_plan(plan, world.editor_a)
    seed_demo_numbers(plan, world.editor_a)
    plan.refresh_from_db()
    assert submission_checklist(plan) == []
    return plan


@pytest.fixture
def plan_in(world, catalogue, request):
    """`plan_in(state, ready=False)`: park A's plan put straight into `state` (a version frozen
    first for any state past the draft, as the workflow would have)."""

    def build(state: str, *, ready: bool = False) -> Plan:
        plan = request.getfixturevalue("ready_plan") if ready else PlanFactory(park=world.park_a)
        if state != State.DRAFT:
            version_freeze(plan=plan, actor=world.manager_a)
        Plan.objects.filter(pk=plan.pk).update(status=state)
        plan.refresh_from_db()
        return plan

    return build


@pytest.fixture
def national_bodies(db):
    """The former national body, the current one, and one whose name takes effect only later."""
    today = timezone.localdate()
    return {
        "former": NationalBodyFactory(
            name="科学技术部火炬高技术产业开发中心", valid_from=datetime.date(2008, 1, 1)
        ),
        "current": NationalBodyFactory(
            name="工业和信息化部火炬高技术产业开发中心",
            valid_from=today - datetime.timedelta(days=400),
        ),
        "future": NationalBodyFactory(
            name="国家高新区绿色发展评审中心（尚未生效）",
            valid_from=today + datetime.timedelta(days=30),
        ),
    }
