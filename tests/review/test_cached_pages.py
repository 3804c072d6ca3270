"""The review queue and the dashboard are kept in the shared cache (core.fragments): a reading
with nothing changed renders nothing anew, and what a submission, an assignment, a return or an
approval changes shows in the very next reading, for every reader."""

from django.urls import reverse

from plans.status import State
from review.models import Comment
from review.services import comment_post, plan_assign
from tests.review.helpers import act, text_of

QUEUE = reverse("review:queue")
DASHBOARD = reverse("summaries:dashboard") + "?states=submitted&states=province_review"


def read(client, url):
    """(the page's text, whether its content was rendered anew, the response)."""
    response = client.get(url)
    assert response.status_code == 200
    names = {t.name for t in response.templates}
    fresh = bool(names & {"review/_queue_body.html", "summaries/_dashboard_body.html"})
    return text_of(response.content.decode()), fresh, response


def answer_the_return(plan, world):
    for comment in Comment.objects.filter(version__plan=plan, parent__isnull=True):
        comment_post(
            version=comment.version,
            actor=world.editor_a,
            body="已核对。",
            anchor="",
            parent=comment,
        )


def test_the_queue_follows_submission_assignment_return_and_approval(
    world, client_for, ready_plan, writes
):
    plan, client = ready_plan, client_for(world.reviewer_a)
    name = world.park_a.name
    text, _fresh, _r = read(client, QUEUE)
    assert name not in text
    assert read(client, QUEUE)[1] is False  # nothing changed: from the cache

    writes(lambda: act(plan, world, "submit", "manager_a"))
    text, fresh, _r = read(client, QUEUE)
    assert fresh and name in text and "v1" in text and "已提交省级审核" in text

    writes(lambda: act(plan, world, "start", "reviewer_a"))
    writes(lambda: plan_assign(plan=plan, actor=world.reviewer_a, reviewer=world.reviewer_a))
    text, fresh, _r = read(client, QUEUE)
    assert fresh and world.reviewer_a.display_name in text and "省级审核中" in text
    assert read(client, QUEUE + "?mine=on")[0].count(name) == 1

    writes(lambda: act(plan, world, "return", "reviewer_a"))
    text, fresh, _r = read(client, QUEUE)
    assert fresh and "退回修改" in text.split(name, 1)[1][:40]

    writes(lambda: answer_the_return(plan, world))
    writes(lambda: act(plan, world, "submit", "manager_a"))
    for action, persona in (("start", "reviewer_a"), ("forward", "reviewer_a")):
        writes(lambda a=action, p=persona: act(plan, world, a, p))
    national = client_for(world.national)
    read(national, QUEUE)
    for action in ("start", "approve"):
        writes(lambda a=action: act(plan, world, a, "national"))
    text, fresh, _r = read(national, QUEUE)
    assert fresh and "审核通过" in text.split(name, 1)[1][:40] and "v2" in text


def test_the_dashboard_follows_submission_return_and_approval(
    world, client_for, ready_plan, writes
):
    plan, client = ready_plan, client_for(world.admin)
    _text, _fresh, response = read(client, DASHBOARD)
    assert response.context["board"].parks_covered == 0
    assert read(client, DASHBOARD)[1] is False

    writes(lambda: act(plan, world, "submit", "manager_a"))
    _text, fresh, response = read(client, DASHBOARD)
    assert fresh and response.context["board"].parks_covered == 1

    writes(lambda: act(plan, world, "start", "reviewer_a"))
    writes(lambda: act(plan, world, "return", "reviewer_a"))
    _text, fresh, response = read(client, DASHBOARD)
    assert fresh and response.context["board"].returns_by_reason
    assert response.context["board"].parks_covered == 0  # returned: not in these states

    writes(lambda: answer_the_return(plan, world))
    writes(lambda: act(plan, world, "submit", "manager_a"))
    for action, persona in (
        ("start", "reviewer_a"),
        ("forward", "reviewer_a"),
        ("start", "national"),
        ("approve", "national"),
    ):
        writes(lambda a=action, p=persona: act(plan, world, a, p))
    _text, fresh, response = read(client, reverse("summaries:dashboard") + "?states=approved")
    assert fresh and response.context["board"].parks_covered == 1
    by_state = response.context["board"].national.by_state
    assert by_state.get(State.APPROVED) == 1


def test_the_dashboard_shows_the_time_of_each_reading_and_the_admins_form(world, client_for):
    admin = client_for(world.admin)
    read(admin, DASHBOARD)
    text, fresh, _r = read(admin, DASHBOARD)
    assert not fresh and "<!--" not in _r.content.decode().split("data-coverage", 1)[1][:600]
    assert "冻结" in text  # the snapshot form, filled in from the cache's slot
    national = client_for(world.national)
    page = national.get(DASHBOARD).content.decode()
    assert "snapshot-create" not in page and "<!--snapshot-form-->" not in page
