"""Jobs that survive a crash (issue 17): the broker away when a park submits, a worker that dies
in the middle of a PDF, an after-commit step that fails. The submission always stands, the user
never gets an error page for it, and every PDF ends ready or failed with a reason once the
sweeper (review.pdfs.pdfs_sweep, every minute from beat) has run after the services return."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from core import jobs
from notifications import services as notification_services
from notifications.models import Notification, NotificationEmail
from notifications.tasks import send_emails
from plans.status import State
from review.models import PdfDocument, StatusChange, Version
from review.pdfs import pdf_render, pdf_request, pdfs_sweep
from review.tasks import render_pdf
from tests.broker import later, not_eager
from tests.review.helpers import act, messages_of, status_of, transition_url


def _broker_down(*args, **kwargs):
    raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


@pytest.fixture
def broker(monkeypatch, settings):
    """A real broker's behaviour without one: tasks are sent, not run in this process, and
    `broker.down()` makes every send fail as Redis does when it is away; `broker.sent` lists
    what was sent (task name, arguments, task id)."""
    settings.PDF_RENDER_ON_TRANSITION = True
    sent = []

    def accept(task):
        def send(args=None, kwargs=None, task_id=None, **options):
            sent.append((task.name, tuple(args or ()), task_id))

        return send

    class Broker:
        def __init__(self):
            self.sent = sent

        def down(self):
            monkeypatch.setattr(render_pdf, "apply_async", _broker_down)
            monkeypatch.setattr(send_emails, "apply_async", _broker_down)

        def up(self):
            monkeypatch.setattr(render_pdf, "apply_async", accept(render_pdf))
            monkeypatch.setattr(send_emails, "apply_async", accept(send_emails))

    broker = Broker()
    broker.up()
    with not_eager():
        yield broker


# --- the broker away when a park submits ------------------------------------------------------


def test_with_the_broker_down_the_submission_stands_and_the_pdf_waits_for_the_sweeper(
    world, client_for, ready_plan, broker, django_capture_on_commit_callbacks
):
    # given Redis is down
    broker.down()
    client = client_for(world.manager_a)

    # when the park manager submits
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(transition_url(ready_plan, "submit"), {"declared": "on"})

    # then the submission succeeded as usual: no error page, the version is frozen
    assert response.status_code == 302
    assert messages_of(response) == ["已完成：提交省级审核。"]
    assert status_of(ready_plan) == State.SUBMITTED
    version = Version.objects.get(plan=ready_plan)
    assert StatusChange.objects.filter(plan=ready_plan, action="submit").count() == 1
    assert Notification.objects.filter(user=world.reviewer_a).exists()
    # and its e-mail waits in the outbox (tests/notifications/test_email_outbox.py)
    assert NotificationEmail.objects.get(notification__user=world.reviewer_a).state == "pending"
    # and its PDF is queued (not failed), saying it waits for the queue
    pdf = PdfDocument.objects.get(version=version)
    assert (pdf.state, pdf.dispatched_at) == ("queued", None)
    assert pdf.error == "正在等待任务队列恢复，恢复后将自动开始。"
    # and the pages that show it answer
    page = client.get(reverse("review:pdfs", args=[ready_plan.pk]))
    assert page.status_code == 200
    assert "正在等待任务队列恢复" in page.content.decode()
    assert client.get(reverse("plans:plan-detail", args=[ready_plan.pk])).status_code == 200

    # when Redis is back and the sweeper runs
    broker.up()
    swept = pdfs_sweep(now=later(2))

    # then the PDF is dispatched, under the task id recorded on it
    pdf.refresh_from_db()
    assert swept == {"requeued": 0, "failed": 0, "dispatched": 1}
    assert broker.sent == [("review.render_pdf", (pdf.pk,), pdf.task_id)]
    assert pdf.dispatched_at is not None and pdf.state == "queued"

    # and the worker that takes the message renders it
    pdf_render(pdf.pk, task_id=pdf.task_id)
    pdf.refresh_from_db()
    assert pdf.state == "done" and pdf.pages > 0


def test_the_sweeper_leaves_a_pdf_queued_while_the_broker_is_still_down(
    world, ready_plan, broker, django_capture_on_commit_callbacks
):
    # given a submission made while Redis was down
    broker.down()
    with django_capture_on_commit_callbacks(execute=True):
        act(ready_plan, world, "submit", "manager_a")

    # when the sweeper runs before Redis is back
    swept = pdfs_sweep(now=later(2))

    # then the PDF is still queued, for the next sweep
    pdf = PdfDocument.objects.get(plan=ready_plan)
    assert swept["dispatched"] == 0
    assert (pdf.state, pdf.dispatched_at) == ("queued", None)


def test_a_failing_notification_hook_does_not_stop_the_pdf_dispatch(
    world, ready_plan, broker, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    # given the notification e-mails' dispatch fails in a way it does not catch itself (a
    # refused broker it does: the e-mails stay pending), but the PDF can be queued
    monkeypatch.setattr(notification_services, "emails_dispatch", _broker_down)

    # when the park manager submits
    with django_capture_on_commit_callbacks(execute=True):
        act(ready_plan, world, "submit", "manager_a")

    # then the failure was logged, and the PDF was still handed to the broker
    pdf = PdfDocument.objects.get(plan=ready_plan)
    assert broker.sent == [("review.render_pdf", (pdf.pk,), pdf.task_id)]
    assert "in on_commit()" in caplog.text and "Connection refused" in caplog.text
    assert status_of(ready_plan) == State.SUBMITTED


def test_the_sweeper_leaves_a_pdf_alone_while_its_dispatch_may_still_come(
    world, ready_plan, broker, django_capture_on_commit_callbacks
):
    # given a PDF asked for, its after-commit dispatch not run yet
    with django_capture_on_commit_callbacks(execute=False):
        pdf = pdf_request(plan=ready_plan, kind=PdfDocument.Kind.DRAFT)

    # when the sweeper runs within the grace the dispatch needs
    swept = pdfs_sweep()

    # then it sends nothing
    assert swept["dispatched"] == 0 and broker.sent == []
    pdf.refresh_from_db()
    assert pdf.state == "queued"


# --- a worker that dies in the middle ---------------------------------------------------------


def _running(plan, *, attempts: int, minutes_ago: int) -> PdfDocument:
    """A draft PDF a worker started `minutes_ago` and never finished (it was killed)."""
    pdf = PdfDocument.objects.create(
        plan=plan,
        kind=PdfDocument.Kind.DRAFT,
        state=PdfDocument.State.RUNNING,
        attempts=attempts,
        task_id="the-task-of-the-dead-worker",
        started_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
        dispatched_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
    )
    return pdf


def test_a_pdf_left_running_past_its_deadline_is_queued_again(world, ready_plan, broker):
    # given a PDF whose worker died 10 minutes ago (the render's hard limit is 3 minutes)
    pdf = _running(ready_plan, attempts=1, minutes_ago=10)

    # when the sweeper runs
    swept = pdfs_sweep()

    # then it is queued again under a new task id, saying why
    pdf.refresh_from_db()
    assert swept == {"requeued": 1, "failed": 0, "dispatched": 0}
    assert pdf.state == "queued"
    assert pdf.error == "处理进程中途退出，已重新排队（第 2 次，共 4 次）。"
    assert pdf.task_id != "the-task-of-the-dead-worker"
    assert broker.sent == [("review.render_pdf", (pdf.pk,), pdf.task_id)]

    # and the dead worker's message, should the broker give it back, does nothing
    pdf_render(pdf.pk, task_id="the-task-of-the-dead-worker")
    pdf.refresh_from_db()
    assert (pdf.state, pdf.attempts) == ("queued", 1)


def test_a_pdf_still_within_its_time_limit_is_left_running(world, ready_plan, broker):
    # given a PDF started a minute ago
    pdf = _running(ready_plan, attempts=1, minutes_ago=1)

    # when the sweeper runs
    swept = pdfs_sweep()

    # then it leaves it to its worker
    pdf.refresh_from_db()
    assert swept == {"requeued": 0, "failed": 0, "dispatched": 0}
    assert pdf.state == "running" and broker.sent == []


def test_a_pdf_that_died_on_its_last_attempt_fails_with_the_reason(
    world, client_for, ready_plan, broker
):
    # given a PDF whose worker died on each of its four attempts
    pdf = _running(ready_plan, attempts=jobs.MAX_ATTEMPTS, minutes_ago=10)

    # when the sweeper runs
    swept = pdfs_sweep()

    # then it failed with the reason, nothing was sent, and the page says so
    pdf.refresh_from_db()
    assert swept == {"requeued": 0, "failed": 1, "dispatched": 0}
    assert pdf.state == "failed" and pdf.finished_at is not None
    assert pdf.error.startswith("该任务在完成前已被中断 4 次")
    assert broker.sent == []
    html = client_for(world.manager_a).get(reverse("review:pdfs", args=[ready_plan.pk]))
    assert "该任务在完成前已被中断 4 次" in html.content.decode()


def test_a_message_delivered_again_after_the_last_attempt_fails_instead_of_running(
    world, ready_plan
):
    # given a PDF that killed its worker on each of its attempts, delivered once more
    pdf = _running(ready_plan, attempts=jobs.MAX_ATTEMPTS, minutes_ago=0)

    # when the worker takes the message again (same task id: the broker gave it back)
    pdf_render(pdf.pk, task_id=pdf.task_id)

    # then it does not render it a fifth time: it failed, with the reason
    pdf.refresh_from_db()
    assert (pdf.state, pdf.attempts) == ("failed", jobs.MAX_ATTEMPTS)
    assert pdf.error.startswith("该任务在完成前已被中断")


def test_a_message_delivered_again_after_a_crash_renders_the_pdf(world, ready_plan):
    # given a PDF whose worker process was killed in the middle (still "running")
    pdf = _running(ready_plan, attempts=1, minutes_ago=0)

    # when the broker gives its message back and another process takes it
    pdf_render(pdf.pk, task_id=pdf.task_id)

    # then it is rendered, on the second attempt
    pdf.refresh_from_db()
    assert (pdf.state, pdf.attempts) == ("done", 2)
