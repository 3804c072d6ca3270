"""Writes of notifications: the one helper every kind goes through (`notify`: in the portal at
once, by e-mail after the commit, to those who have not turned the kind off), marking read,
e-mail preferences and the deadline reminders.

Invariant: a notification and its pending e-mail are written in the caller's transaction; the
e-mail is handed to the worker only once that transaction commits, so a rolled-back action
notifies nobody, and a committed one's e-mail is on record whatever happens after.

The e-mail outbox (NotificationEmail rows, swept like the jobs of core.jobs):
- `notify` writes each notification's e-mail pending (`NotificationEmail`) in the caller's
  transaction; after the commit one task (notifications.send_emails) is given their ids. A
  broker that refuses it leaves them pending, and the sweeper (`emails_sweep`, every minute
  from beat) dispatches them once it is back: a committed notification's e-mail is never lost,
  and nothing here raises at the user who acted;
- the worker claims the pending rows of its ids under a row lock that skips rows another run
  holds, so a message delivered twice, or two runs at once, send each e-mail once; it marks
  each e-mail sent as soon as it is sent. Delivery is at least once: a worker killed between
  the SMTP server's answer and the mark leaves the row "sending", the sweeper queues it again
  past the task's deadline, and that e-mail goes out a second time;
- an e-mail the user turned off, to an inactive user or to one without an address is skipped,
  with the reason on the row; it counts no attempt;
- an e-mail whose sending raised counts an attempt and waits for the sweeper's next round; on
  its core.jobs.MAX_ATTEMPTS-th attempt (or at once without a broker: no sweeper runs then) it
  fails with the reason. One e-mail's failure never stops the next one's sending;
- the old task (review.send_notification_emails, by user ids) still sends messages queued
  before the outbox, through the same subject, body and rules (`emails_send`).
"""

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMessage, get_connection, send_mass_mail
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import cache as shared_cache
from core import jobs
from notifications.models import EmailPreference, Notification, NotificationEmail
from notifications.selectors import unread_key
from notifications.tasks import send_emails
from parks.models import Park, User
from parks.roles import Role
from plans.models import Cycle, Plan
from plans.status import State


def notify(users, *, kind: str, message: str, url: str) -> list:
    """An in-portal notification for each user, and its e-mail, written pending in the same
    transaction and handed to the worker once it commits (below: sent unless
    the user turned this kind off, brought back by the sweeper if the broker or a worker
    fails)."""
    users = list(users)
    message = message[:300]
    notes = Notification.objects.bulk_create(
        Notification(user=u, kind=kind, message=message, url=url) for u in users
    )
    unread_changed(*(u.pk for u in users))
    NotificationEmail.objects.bulk_create(NotificationEmail(notification=n) for n in notes)
    ids = [n.pk for n in notes]
    if ids:
        # robust: whatever the dispatch meets (a broker that is away leaves the e-mails pending
        # on its own) never touches the action that was committed nor the after-commit steps
        # queued after this one (the PDF's dispatch); in messages of SWEEP_BATCH, so a slow
        # mail server holds no more than a batch in "sending" (a reminder goes to all parks)
        for start in range(0, len(ids), SWEEP_BATCH):
            batch = ids[start : start + SWEEP_BATCH]
            transaction.on_commit(lambda batch=batch: emails_dispatch(batch), robust=True)
    return users


# --- the e-mail outbox ----------------------------------------------------------------------------

# Ids a message to the worker carries at most, from the sweeper and after a commit alike.
SWEEP_BATCH = 50


def _content(message: str, url: str) -> tuple[str, str]:
    """The subject and body of a notification's e-mail, in the portal's language."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Green Development Action Plan Portal: %(message)s") % {"message": message}
    return subject[:200], f"{message}\n\n{settings.SITE_URL.rstrip('/')}{url}\n"


def _skip_reason(user: User, kind: str, muted: set[str]) -> str:
    """Why this user gets no e-mail of this kind, or "" when they get one."""
    if not user.is_active:
        return _("The user is inactive.")
    if not user.email:
        return _("The user has no e-mail address.")
    if kind in muted:
        return _("The user turned this kind of e-mail off.")
    return ""


def _muted(user_ids) -> dict[int, set[str]]:
    return {
        p.user_id: set(p.muted) for p in EmailPreference.objects.filter(user_id__in=set(user_ids))
    }


def emails_dispatch(notification_ids: list[int]) -> bool:
    """Hand the pending e-mails to the worker (after the commit). Never raises at a broker that
    is away: they stay pending for the sweeper."""
    return jobs.dispatch(
        send_emails,
        NotificationEmail,
        list(notification_ids),
        not_queued=_("The e-mail could not be queued: %(error)s"),
    )


def emails_deliver(notification_ids: list[int]) -> int:
    """Send the pending e-mails among these notifications (the worker's side); how many went.
    Safe to run twice or at once: only rows still pending are claimed, each by one run."""
    claimed = _claim(notification_ids)
    final = send_emails.app.conf.task_always_eager
    sent = 0
    connection = get_connection(fail_silently=False)
    try:
        for email in claimed:
            note = email.notification
            subject, body = _content(note.message, note.url)
            try:
                connection.open()  # one connection for the batch; again after a failure
                connection.send_messages(
                    [EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [note.user.email])]
                )
            except SoftTimeLimitExceeded:
                raise  # the rows still "sending" are the sweeper's
            except Exception as error:  # this e-mail's failure is its own, not the next one's
                jobs.record_failure(
                    NotificationEmail,
                    email.pk,
                    error,
                    final=final or email.attempts >= jobs.MAX_ATTEMPTS,
                    swept=True,
                )
                try:
                    connection.close()  # the next e-mail opens a new one
                except Exception:  # a broken connection may fail to close too
                    connection.connection = None
                continue
            NotificationEmail.objects.filter(
                pk=email.pk, state=NotificationEmail.State.RUNNING
            ).update(state=NotificationEmail.State.DONE, error="", finished_at=timezone.now())
            sent += 1
    finally:
        connection.close()
    return sent


def _claim(notification_ids: list[int]) -> list[NotificationEmail]:
    """The pending e-mails of these notifications, marked sending (attempt counted) under the
    row lock; those that are not to be sent are marked skipped with the reason."""
    now = timezone.now()
    with transaction.atomic():
        pending = list(
            NotificationEmail.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=notification_ids, state=NotificationEmail.State.QUEUED)
            .select_related("notification__user")
        )
        muted = _muted(e.notification.user_id for e in pending)
        skipped: dict[str, list[int]] = {}
        claimed = []
        for email in pending:
            user = email.notification.user
            reason = _skip_reason(user, email.notification.kind, muted.get(user.pk, set()))
            if reason:
                skipped.setdefault(reason, []).append(email.pk)
            else:
                email.attempts += 1
                claimed.append(email)
        for reason, pks in skipped.items():
            NotificationEmail.objects.filter(pk__in=pks).update(
                state=NotificationEmail.State.SKIPPED, error=reason, finished_at=now
            )
        if claimed:
            NotificationEmail.objects.filter(pk__in=[e.pk for e in claimed]).update(
                state=NotificationEmail.State.RUNNING,
                started_at=now,
                attempts=F("attempts") + 1,
            )
    return claimed


def emails_sweep(*, now=None) -> dict:
    """E-mails a refused dispatch, a killed worker or a failed send left pending or sending
    (core.jobs.sweep): dispatched again, in batches, or failed after MAX_ATTEMPTS."""
    return jobs.sweep(
        NotificationEmail,
        send_emails,
        not_queued=_("The e-mail could not be queued: %(error)s"),
        now=now,
        batch=SWEEP_BATCH,
    )


def emails_send(*, user_ids: list[int], kind: str, message: str, url: str) -> int:
    """The e-mails of a message queued before the outbox (review.send_notification_emails):
    the same subject, body and rules, untracked."""
    muted = _muted(user_ids)
    subject, body = _content(message, url)
    mails = [
        (subject, body, settings.DEFAULT_FROM_EMAIL, [u.email])
        for u in User.objects.filter(pk__in=user_ids)
        if not _skip_reason(u, kind, muted.get(u.pk, set()))
    ]
    return send_mass_mail(mails, fail_silently=False) if mails else 0


def notifications_mark_read(*, user, pk: int | None = None) -> int:
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    marked = unread.update(read_at=timezone.now())
    unread_changed(user.pk)
    return marked


def unread_changed(*user_ids) -> None:
    """Forget the users' kept unread counts (notifications.selectors) after any write of their
    notifications: bulk writes here call it; a save or delete elsewhere (the admin, a user
    deleted) through the models' signals (notifications.apps)."""
    shared_cache.forget(*(unread_key(pk) for pk in user_ids))


def email_preference_save(*, user, muted: list[str]) -> None:
    valid = {k for k, _label in Notification.Kind.choices}
    EmailPreference.objects.update_or_create(
        user=user, defaults={"muted": sorted(set(muted) & valid)}
    )


REMINDER_DAYS = (14, 7, 3, 1)  # days before the cycle's deadline


@transaction.atomic
def deadline_reminders_send(*, today=None) -> int:
    """Remind park staff whose plan is not submitted, 14, 7, 3 and 1 days before the deadline.
    Idempotent: at most one reminder per user and plan a day."""
    today = today or timezone.localdate()
    sent = 0
    for cycle in Cycle.objects.filter(is_current=True):
        days = (cycle.deadline - today).days
        if days not in REMINDER_DAYS:
            continue
        submitted = (
            Plan.objects.filter(cycle=cycle, kind=Plan.Kind.PLAN)
            .exclude(status__in=[State.DRAFT, State.RETURNED])
            .values_list("park_id", flat=True)
        )
        parks = Park.objects.filter(is_active=True).exclude(pk__in=submitted)
        users = User.objects.filter(
            is_active=True, park__in=parks, role__in=[Role.PARK_MANAGER, Role.PARK_EDITOR]
        )
        already = set(
            Notification.objects.filter(
                kind=Notification.Kind.DEADLINE, created_at__date=today
            ).values_list("user_id", flat=True)
        )
        message = _("%(days)s days left: the %(cycle)s plan is due on %(deadline)s.") % {
            "days": days,
            "cycle": cycle.name,
            "deadline": cycle.deadline.isoformat(),
        }
        fresh = notify(
            [u for u in users if u.pk not in already],
            kind=Notification.Kind.DEADLINE,
            message=message,
            url=reverse("home"),
        )
        sent += len(fresh)
    return sent
