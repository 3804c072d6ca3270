import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from indicators.demo import seed_demo_numbers
from parks import services as park_services
from parks.demo import DEMO_PROFILE, demo_seal_png
from plans.demo import seed_demo_plan
from review.selectors import submission_checklist
from tests.factories import PlanFactory


def test_ready(world, catalogue, django_assert_max_num_queries):
    t = time.time()
    profile = park_services.park_profile_get_or_create(park=world.park_a)
    park_services.park_profile_save(
        park=world.park_a,
        actor=world.manager_a,
        data={**DEMO_PROFILE, "city": "苏州市"},
        expected_revision=profile.revision,
        seal=SimpleUploadedFile("seal.png", demo_seal_png(), content_type="image/png"),
    )
    plan = PlanFactory(park=world.park_a)
    seed_demo_plan(plan, world.editor_a)
    seed_demo_numbers(plan, world.editor_a)
    print("seed", time.time() - t)
    with translation.override("zh-hans"):
        t = time.time()
        print(submission_checklist(plan))
        print("check", time.time() - t)
    from review.snapshot import plan_snapshot

    t = time.time()
    s = plan_snapshot(plan)
    print("snap", time.time() - t, list(s), s["figures"][:1], s["sections"]["1.1"])
