from csp.middleware import CSPMiddleware
from django.conf import settings
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


class DocumentCSPMiddleware(CSPMiddleware):
    """django-csp's Content-Security-Policy, left off JSON answers (the editor's autosave, the
    presence heartbeat): a policy governs what a document may load and run, and JSON is never
    one (SecurityMiddleware's `X-Content-Type-Options: nosniff` keeps browsers from taking it for
    HTML). Building the policy was 7 % of an autosave's CPU in gunicorn (bench/README.md)."""

    def process_response(self, request, response):
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        return super().process_response(request, response)
