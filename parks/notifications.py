"""The invitation e-mail: a link to set one's own password (Django's password-reset token)."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from parks.models import User


def invitation_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def invitation_send(*, user_id: int) -> bool:
    user = (
        User.objects.filter(pk=user_id, is_active=True).select_related("park", "province").first()
    )
    if user is None or not user.email:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        context = {"user": user, "link": invitation_link(user), "site_url": settings.SITE_URL}
        subject = render_to_string("parks/email/invitation.subject.txt", context).strip()
        body = render_to_string("parks/email/invitation.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    return True
