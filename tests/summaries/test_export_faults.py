"""Exports that survive a crash (issue 17): asked for while the broker is away, or left running by
a worker that died; the sweeper (summaries.exports.exports_sweep) brings them to ready or to
failed with a reason, and the page shows where they are."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from core import jobs
from summaries.exports import export_run, exports_sweep
from summaries.models import ExportJob
from summaries.tasks import export_summary
from tests.broker import later, not_eager


@pytest.fixture
def sent(monkeypatch):
    """Tasks go to a broker (not run in this process); the list of what was sent."""
    sent = []
    monkeypatch.setattr(
        export_summary,
        "apply_async",
        lambda args=None, task_id=None, **options: sent.append((tuple(args), task_id)),
    )
    with not_eager():
        yield sent


def test_an_export_asked_for_while_the_broker_is_down_waits_then_is_made(
    world, client_for, sent, monkeypatch, django_capture_on_commit_callbacks
):
    # given Redis is down
    def down(*args, **kwargs):
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as broker:
        broker.setattr(export_summary, "apply_async", down)
        client = client_for(world.national)

        # when the national reviewer asks for an export
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("summaries:exports"), {"cycle": world.cycle.code})

    # then the page answers, and the export waits, queued, saying so
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert (job.state, job.dispatched_at) == ("queued", None)
    html = client.get(reverse("summaries:export-jobs")).content.decode()
    assert 'data-export-state="queued"' in html
    assert "正在等待任务队列恢复" in html

    # when Redis is back and the sweeper runs, it is dispatched; the worker then makes it
    assert exports_sweep(now=later(2))["dispatched"] == 1
    job.refresh_from_db()
    assert sent == [((job.pk,), job.task_id)]
    export_run(job.pk, task_id=job.task_id)
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("done", 1)


def _running(world, *, attempts: int) -> ExportJob:
    """An export whose worker started it 20 minutes ago and died (the hard limit is 10)."""
    long_ago = timezone.now() - datetime.timedelta(minutes=20)
    return ExportJob.objects.create(
        requested_by=world.national,
        cycle=world.cycle.code,
        state=ExportJob.State.RUNNING,
        attempts=attempts,
        progress=40,
        task_id="the-task-of-the-dead-worker",
        started_at=long_ago,
        dispatched_at=long_ago,
    )


def test_an_export_left_running_by_a_dead_worker_is_queued_again_and_made(world, sent):
    # given an export whose worker died in the middle
    job = _running(world, attempts=1)

    # when the sweeper runs
    swept = exports_sweep()

    # then it is queued again under a new task id, and the new message makes it
    job.refresh_from_db()
    assert swept == {"requeued": 1, "failed": 0, "dispatched": 0}
    assert job.state == "queued" and sent == [((job.pk,), job.task_id)]
    assert export_run(job.pk, task_id="the-task-of-the-dead-worker").state == "queued"
    export_run(job.pk, task_id=job.task_id)
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("done", 2)


def test_an_export_that_died_on_its_last_attempt_fails_with_the_reason(world, client_for, sent):
    # given an export whose worker died on every attempt
    job = _running(world, attempts=jobs.MAX_ATTEMPTS)

    # when the sweeper runs
    exports_sweep()

    # then it failed with the reason, which the page shows
    job.refresh_from_db()
    assert (job.state, job.step) == ("failed", "")
    assert job.error.startswith("该任务在完成前已被中断 4 次")
    assert sent == []
    html = client_for(world.national).get(reverse("summaries:export-jobs")).content.decode()
    assert 'data-export-state="failed"' in html and "该任务在完成前已被中断" in html
