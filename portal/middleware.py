from functools import cache

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the user chose another language with the switcher.

    The browser's Accept-Language is ignored on purpose: a government portal answers in Chinese
    even on an English-language browser; English is there for whoever asks for it.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class PermissionsPolicyMiddleware:
    """Sends settings.PERMISSIONS_POLICY (browser features the portal never uses, switched off for
    its pages and anything they might embed). Django has no setting for this header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


# what a view or decorator of django-csp may set on a response to change its policy
_PER_RESPONSE = (
    "_csp_exempt",
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt_ro",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)
_NONCE = "\x00nonce\x00"  # stands for the request's nonce in the policy built once


@cache
def _policy(with_nonce: bool) -> str:
    """The settings' policy as django-csp builds it, with _NONCE for the request's nonce."""
    return build_policy(nonce=_NONCE if with_nonce else None)


def _settings_changed(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _policy.cache_clear()


setting_changed.connect(_settings_changed)


class DocumentCSPMiddleware(CSPMiddleware):
    """django-csp's Content-Security-Policy, left off JSON answers (the editor's autosave, the
    presence heartbeat): a policy governs what a document may load and run, and JSON is never
    one (SecurityMiddleware's `X-Content-Type-Options: nosniff` keeps browsers from taking it for
    HTML). Building the policy was 7 % of an autosave's CPU in gunicorn and 6 % of the review
    page's (bench/README.md): it is built once from the settings, the request's nonce put in,
    unless a response or the settings ask for more (a view's own policy, a report-only policy,
    excluded paths), which django-csp handles as before."""

    def process_response(self, request, response):
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        if (
            any(hasattr(response, name) for name in _PER_RESPONSE)
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or settings.CONTENT_SECURITY_POLICY.get("EXCLUDE_URL_PREFIXES")
            or (settings.DEBUG and response.status_code in (404, 500))
        ):
            return super().process_response(request, response)
        nonce = getattr(request, "_csp_nonce", None)
        policy = _policy(nonce is not None).replace(_NONCE, nonce or "")
        if policy and HEADER not in response:
            response[HEADER] = policy
        if nonce is None:  # as django-csp: a nonce asked for after this would not be in it
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
