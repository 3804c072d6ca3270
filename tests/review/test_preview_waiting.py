"""The draft's cached preview (documents.preview) follows the comments too: on a returned plan a
section whose comment waits for the park's answer does not count as complete, and the next
preview after the park resolves it counts it again, although the draft did not change."""

import re

from django.core.cache import cache
from django.urls import reverse

from plans.models import Section
from review.models import Comment, Version
from review.services import comment_post, comment_resolve
from tests.review.helpers import act


def percent(client, plan) -> int:
    html = client.get(reverse("documents:preview", args=[plan.pk])).content.decode()
    return int(re.search(r"(\d+)%", html.split('class="doc-paper"')[0]).group(1))


def test_resolving_a_comment_shows_in_the_next_preview(world, client_for, ready_plan):
    cache.clear()
    act(ready_plan, world, "submit", "manager_a")
    act(ready_plan, world, "start", "reviewer_a")
    Section.objects.filter(plan=ready_plan, key="1.1").update(is_done=True)
    comment_post(
        version=Version.objects.get(plan=ready_plan),
        actor=world.reviewer_a,
        body="请补充园区概况。",
        anchor="section:1.1",
    )
    act(ready_plan, world, "return", "reviewer_a")
    client = client_for(world.editor_a)
    waiting = percent(client, ready_plan)

    # when the park resolves the comments (the draft itself unchanged)
    for comment in Comment.objects.filter(version__plan=ready_plan, parent__isnull=True):
        comment_resolve(comment=comment, actor=world.manager_a)

    # then the next preview counts section 1.1 as complete again
    assert percent(client, ready_plan) > waiting
