"""E-mail for in-portal notifications, to those who have not turned that kind off."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from parks.models import User
from review.models import EmailPreference, Notification


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
        from review.tasks import send_notification_emails

        transaction.on_commit(lambda: send_notification_emails.delay(ids, kind, message, url))
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
