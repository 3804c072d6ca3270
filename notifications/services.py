"""Writes of notifications: the one helper every kind goes through (`notify`: in the portal at
once, by e-mail after the commit, to those who have not turned the kind off), marking read,
e-mail preferences and the deadline reminders.

Invariant: a notification is written in the caller's transaction; its e-mail is queued only
once that transaction commits, so a rolled-back action notifies nobody.
"""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.models import EmailPreference, Notification
from notifications.tasks import send_notification_emails
from parks.models import Park, User
from parks.roles import Role
from plans.models import Cycle, Plan
from plans.status import State


def notify(users, *, kind: str, message: str, url: str) -> list:
    """An in-portal notification for each user, and the e-mail (sent by the worker once the
    transaction commits, to those who have not turned this kind off)."""
    users = list(users)
    message = message[:300]
    Notification.objects.bulk_create(
        Notification(user=u, kind=kind, message=message, url=url) for u in users
    )
    ids = [u.pk for u in users]
    if ids:
        # robust: a broker that is away costs the e-mail (logged), never the action that was
        # committed nor the after-commit steps queued after this one (the PDF's dispatch)
        transaction.on_commit(
            lambda: send_notification_emails.delay(ids, kind, message, url), robust=True
        )
    return users


def emails_send(*, user_ids: list[int], kind: str, message: str, url: str) -> int:
    muted = {
        p.user_id for p in EmailPreference.objects.filter(user_id__in=user_ids) if kind in p.muted
    }
    users = User.objects.filter(pk__in=user_ids, is_active=True).exclude(email="")
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Green Development Action Plan Portal: %(message)s") % {"message": message}
        body = f"{message}\n\n{settings.SITE_URL.rstrip('/')}{url}\n"
        mails = [
            (subject[:200], body, settings.DEFAULT_FROM_EMAIL, [u.email])
            for u in users
            if u.pk not in muted
        ]
    return send_mass_mail(mails, fail_silently=False) if mails else 0


def notifications_mark_read(*, user, pk: int | None = None) -> int:
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    return unread.update(read_at=timezone.now())


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
