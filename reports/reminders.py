"""Reminders of the reports a park owes, before and after each is due (the plan cycle's own
deadline reminders are notifications.services.deadline_reminders_send; this is the reports'
rule, beat runs it daily through reports.tasks.report_reminders).

The park manager and editors of a park whose report is not handed in yet (not started, a draft,
returned) are reminded REMINDER_DAYS_BEFORE days before the due date and REMINDER_DAYS_AFTER
days after it. Idempotent: a user gets each reminder of a report once, however often it runs.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.models import Notification
from notifications.services import notify
from parks.models import User
from parks.roles import Role
from plans.models import Plan
from reports.selectors import approved_plans, owed_lines

REMINDER_DAYS_BEFORE = (30, 7, 1)  # days before a report is due
REMINDER_DAYS_AFTER = (1, 7, 30)  # days after it, while it is still not handed in


def reminder_message(line) -> str | None:
    """The reminder due today for an owed report, in the portal's language; None if none is."""
    days = line.days_left
    with translation.override(settings.LANGUAGE_CODE):
        values = {"park": line.park.name, "report": line.title, "due": line.owed.due.isoformat()}
        if days in REMINDER_DAYS_BEFORE:
            return _("%(park)s: the %(report)s is due on %(due)s, %(days)s days left.") % {
                **values,
                "days": days,
            }
        if -days in REMINDER_DAYS_AFTER:
            return _(
                "%(park)s: the %(report)s was due on %(due)s and is %(days)s days overdue."
            ) % {**values, "days": -days}
    return None


@transaction.atomic
def report_reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind the staff of parks whose owed report is not handed in, on the reminder days.
    Returns the number of notifications written."""
    today = today or timezone.localdate()
    due = [
        (line, message)
        for line in owed_lines(approved_plans(Plan.objects.all()), Plan.objects.all(), today=today)
        if not line.is_handed_in and (message := reminder_message(line))
    ]
    if not due:
        return 0
    staff: dict[int, list[User]] = {}
    for user in User.objects.filter(
        is_active=True,
        park_id__in={line.plan.park_id for line, _message in due},
        role__in=[Role.PARK_MANAGER, Role.PARK_EDITOR],
    ).order_by("pk"):
        staff.setdefault(user.park_id, []).append(user)
    urls = {line.plan.pk: reverse("reports:list", args=[line.plan.pk]) for line, _m in due}
    already = set(
        Notification.objects.filter(
            kind=Notification.Kind.REPORT_DUE, url__in=set(urls.values())
        ).values_list("user_id", "url", "message")
    )
    sent = 0
    for line, message in due:
        url = urls[line.plan.pk]
        fresh = [
            u for u in staff.get(line.plan.park_id, []) if (u.pk, url, message[:300]) not in already
        ]
        sent += len(notify(fresh, kind=Notification.Kind.REPORT_DUE, message=message, url=url))
    return sent
