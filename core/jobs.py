"""What the background jobs (PDFs, Excel exports: review.models.BackgroundJob) share: handing the
work to the worker once the transaction has committed, recording a failure with a readable
reason, and the task's retry policy.

Invariants: nothing here raises at the user whose request asked for the job; a transient error
(the storage or the database briefly away) is retried with backoff, 30 s, 60 s, 120 s ..., and
recorded as failed on the last try; without a broker (eager mode) there is no later try, so it
is recorded at once and an admin can run the job again.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.db.utils import InterfaceError, OperationalError
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Errors worth another try; anything else fails with its reason.
TRANSIENT = (OSError, OperationalError, InterfaceError)


def dispatch(task, model, pk: int, *, not_queued: str, **also) -> None:
    """Queue `task(pk)`. Called after the commit: a failure to queue (no broker), or an eager
    run that fails, is recorded on the job. `not_queued` names the failure ("…: %(error)s")."""
    from celery.exceptions import Retry

    try:
        task.delay(pk)
    except Retry as retry:
        record_failure(model, pk, retry.exc or retry, final=True, **also)
    except Exception as error:  # the request that asked for the job must stand
        logger.exception("%s %s could not be queued", model.__name__, pk)
        model.objects.filter(pk=pk, state=model.State.QUEUED).update(
            state=model.State.FAILED,
            error=not_queued % {"error": error},
            finished_at=timezone.now(),
            **also,
        )


def record_failure(model, pk: int, error: BaseException, *, final: bool, **also) -> None:
    """Failed with the reason, or, before the last try, queued again saying it will retry."""
    reason = str(error) or error.__class__.__name__
    if isinstance(error, PermissionDenied) and not str(error):
        reason = _("Permission denied.")
    if final:
        state, message = model.State.FAILED, reason
    else:
        state, message = model.State.QUEUED, _("Will try again: %(reason)s") % {"reason": reason}
    model.objects.filter(pk=pk).update(
        state=state,
        error=message[:2000],
        finished_at=timezone.now() if final else None,
        **also,
    )


def timed_out(model, pk: int, message: str, **also) -> None:
    model.objects.filter(pk=pk).exclude(state=model.State.DONE).update(
        state=model.State.FAILED, error=message, finished_at=timezone.now(), **also
    )


def run_task(task, pk: int, run, on_timeout):
    """The body of a job's task: `run(pk, last_attempt=...)`; a transient error is retried with
    backoff, a run past the soft time limit recorded by `on_timeout(pk)`."""
    from celery.exceptions import SoftTimeLimitExceeded

    try:
        return run(pk, last_attempt=task.request.retries >= task.max_retries)
    except SoftTimeLimitExceeded:
        on_timeout(pk)
        return None
    except TRANSIENT as error:
        raise task.retry(exc=error, countdown=30 * 2**task.request.retries) from error
