"""What the background jobs (PDFs, Excel exports, notification e-mails: core.models.BackgroundJob)
share: handing the work to the worker once the transaction has committed, recording a failure
with a readable reason, the task's retry policy, and the sweeper that brings back jobs a crash
left behind. A job is one row; a task may take one row's id or, dispatched as a batch, a list
of them (the e-mails of one notification), each row keeping its own state.

Invariants:
- nothing here raises at the user whose request asked for the job;
- a transient error (the storage or the database briefly away) is retried with backoff, 30 s,
  60 s, 120 s ..., and recorded as failed on the last try; without a broker (eager mode) there
  is no later try, so it is recorded at once and an admin can run the job again;
- a dispatch the broker refuses (Redis down) leaves the job queued with a note, and the sweeper
  dispatches it again once the broker is back: the job is never lost;
- each dispatch gives the job a new task id; a message of an older dispatch (restored by the
  broker after a visibility timeout, or a duplicate) finds another id and does nothing;
- a worker that dies in the middle leaves its job "running"; its message is delivered again
  (late acknowledgement, reject on worker lost), and if that too is lost the sweeper queues the
  job again once it has run longer than its task's hard time limit allows;
- a job started MAX_ATTEMPTS times without finishing is failed with the reason, so a job that
  kills its worker every time stops instead of being delivered for ever.
"""

import datetime
import logging
import uuid

from celery.exceptions import Retry, SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.db.utils import InterfaceError, OperationalError
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Errors worth another try; anything else fails with its reason.
TRANSIENT = (OSError, OperationalError, InterfaceError)
# Starts of one job before it is given up: the first run and the task's three retries.
MAX_ATTEMPTS = 4


def dispatch(task, model, pk: int | list[int], *, not_queued: str, **also) -> bool:
    """Queue `task(pk)`: one job, or, for a task that takes a batch of rows (the notification
    e-mails), `pk` is the list of their ids and the task gets the list. Called after the commit.
    A broker that refuses the message leaves the jobs queued for the sweeper; an eager run that
    fails is recorded on them. `not_queued` names the failure ("…: %(error)s"). True when the
    broker took it (or it ran eagerly)."""
    task_id = str(uuid.uuid4())
    rows = model.objects.filter(pk__in=pk if isinstance(pk, list) else [pk])
    rows.update(task_id=task_id, dispatched_at=timezone.now())
    eager = task.app.conf.task_always_eager
    try:
        task.apply_async((pk,), task_id=task_id)
    except Retry as retry:
        record_failure(model, pk, retry.exc or retry, final=True, **also)
    except Exception as error:  # the request that asked for the job must stand
        if not eager:
            # The broker is away: keep the job queued, say so, and let the sweeper retry.
            logger.warning("%s %s could not be queued: %s", model.__name__, pk, error)
            rows.filter(task_id=task_id, state=model.State.QUEUED).update(
                dispatched_at=None,
                error=_("Waiting for the job queue; it will start when the queue is back."),
            )
            return False
        logger.exception("%s %s could not be queued", model.__name__, pk)
        rows.filter(state=model.State.QUEUED).update(
            state=model.State.FAILED,
            error=not_queued % {"error": error},
            finished_at=timezone.now(),
            **also,
        )
    return True


def reason_of(error: BaseException) -> str:
    """What went wrong, for the user: the error's own words, or its kind."""
    if isinstance(error, PermissionDenied) and not str(error):
        return _("Permission denied.")
    return str(error) or error.__class__.__name__


def record_failure(
    model, pk: int | list[int], error: BaseException, *, final: bool, swept: bool = False, **also
) -> None:
    """Failed with the reason, or, before the last try, queued again saying it will retry: by
    the task's own retry, or (`swept`) by the sweeper's next round."""
    reason = reason_of(error)
    if final:
        state, message = model.State.FAILED, reason
    else:
        state, message = model.State.QUEUED, _("Will try again: %(reason)s") % {"reason": reason}
    if not final:
        # the task's retry is a dispatch of its own, with the same task id; a row left for the
        # sweeper is one the broker has not got
        also = {"dispatched_at": None if swept else timezone.now(), **also}
    model.objects.filter(pk__in=pk if isinstance(pk, list) else [pk]).update(
        state=state,
        error=message[:2000],
        finished_at=timezone.now() if final else None,
        **also,
    )


def timed_out(model, pk: int, message: str, **also) -> None:
    model.objects.filter(pk=pk).exclude(state=model.State.DONE).update(
        state=model.State.FAILED, error=message, finished_at=timezone.now(), **also
    )


def superseded(job, task_id: str | None) -> bool:
    """A message of an older dispatch: another task id is on the job now."""
    return bool(task_id and job.task_id and job.task_id != task_id)


def gave_up_reason() -> str:
    return _(
        "The job was stopped %(n)s times before it finished (its worker stopped or ran out of "
        "time), so it was not tried again. Ask for it again; if it fails again, tell the "
        "administrator."
    ) % {"n": MAX_ATTEMPTS}


def out_of_attempts(model, job, **also) -> bool:
    """Fail the job (under the caller's row lock) when it has been started MAX_ATTEMPTS
    times already; True when it did."""
    if job.attempts < MAX_ATTEMPTS:
        return False
    model.objects.filter(pk=job.pk).update(
        state=model.State.FAILED, error=gave_up_reason(), finished_at=timezone.now(), **also
    )
    job.state = model.State.FAILED
    return True


def run_task(task, pk: int, run, on_timeout):
    """The body of a job's task: `run(pk, last_attempt=..., task_id=...)`; a transient error is
    retried with backoff, a run past the soft time limit recorded by `on_timeout(pk)`."""
    try:
        return run(
            pk, last_attempt=task.request.retries >= task.max_retries, task_id=task.request.id
        )
    except SoftTimeLimitExceeded:
        on_timeout(pk)
        return None
    except TRANSIENT as error:
        raise task.retry(exc=error, countdown=30 * 2**task.request.retries) from error


# --- the sweeper -------------------------------------------------------------------------------


def running_deadline(task) -> datetime.timedelta:
    """How long a job may be "running" before its worker is taken for dead: past the task's hard
    time limit the pool has killed it, whatever happened."""
    limit = task.time_limit or settings.CELERY_TASK_TIME_LIMIT
    return datetime.timedelta(seconds=limit + settings.JOB_SWEEP_MARGIN)


def sweep(model, task, *, not_queued: str, now=None, batch: int | None = None, **also) -> dict:
    """Bring back the jobs of `model` a crash or an outage left behind; what it did, counted.
    - running past the task's deadline: queued again and dispatched, or failed with the reason
      once started MAX_ATTEMPTS times;
    - queued but never taken by the broker (it was down), for longer than the grace the
      after-commit dispatch needs: dispatched;
    - queued and handed over so long ago that the message must have been lost (the broker
      restarted without its data): dispatched again.
    A task that takes a batch of rows (`batch`: at most that many ids a message) gets lists."""
    now = now or timezone.now()

    def ids(pks: list[int]) -> int | list[int]:
        return pks if batch else pks[0]

    done = {"requeued": 0, "failed": 0, "dispatched": 0}
    stale = model.objects.filter(
        state=model.State.RUNNING, started_at__lt=now - running_deadline(task)
    )
    for pk, started_at, attempts in stale.values_list("pk", "started_at", "attempts"):
        mine = model.objects.filter(pk=pk, state=model.State.RUNNING, started_at=started_at)
        if attempts >= MAX_ATTEMPTS:
            if mine.update(
                state=model.State.FAILED, error=gave_up_reason(), finished_at=now, **also
            ):
                done["failed"] += 1
            continue
        note = _("Its worker stopped in the middle; queued again (attempt %(n)s of %(max)s).")
        if mine.update(
            state=model.State.QUEUED,
            error=note % {"n": attempts + 1, "max": MAX_ATTEMPTS},
            dispatched_at=None,
        ):
            done["requeued"] += 1
            dispatch(task, model, ids([pk]), not_queued=not_queued, **also)
    grace = datetime.timedelta(seconds=settings.JOB_DISPATCH_GRACE)
    lost = datetime.timedelta(seconds=settings.JOB_QUEUED_DEADLINE)
    waiting = model.objects.filter(state=model.State.QUEUED).filter(
        Q(dispatched_at__isnull=True, created_at__lt=now - grace) | Q(dispatched_at__lt=now - lost)
    )
    pks = list(waiting.values_list("pk", flat=True))
    size = batch or 1
    for start in range(0, len(pks), size):
        group = pks[start : start + size]
        if dispatch(task, model, ids(group), not_queued=not_queued, **also):
            done["dispatched"] += len(group)
        else:
            break  # the broker is still away: the next sweep tries again
    if any(done.values()):
        logger.warning("%s sweep: %s", model.__name__, done)
    return done
