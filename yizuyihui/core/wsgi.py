"""The WSGI application: Django, with a shorter middleware chain for API calls made with a key.

A phone app or another system calling /api/ with `Authorization: Bearer …` (or `X-API-Key`) and
no cookie — or calling Open311 without a cookie — has no session, no CSRF token, no flash messages, no htmx and gets JSON, not a page to
frame or police with a CSP. The browser's middleware still cost ~10 % of such a call's CPU (a
CSP header computed for JSON, a session store built and never read, …), so those calls go to a
second Django handler whose chain leaves the browser-only middleware out. Everything else —
pages, and any API call that carries a cookie (the site's own fetch/htmx calls authenticate with
the session and must pass CSRF) — goes through the full chain. Middleware added to settings later
runs in both chains unless it is named below as browser-only.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.handlers.wsgi import WSGIHandler
from django.utils import translation

# Middleware a cookieless, key-authenticated API call does not need.
BROWSER_ONLY = frozenset({
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files: never under /api/
    "django.contrib.sessions.middleware.SessionMiddleware",  # no cookie, so no session
    "yizuyihui.core.middleware.chinese_first",  # replaced by site_language below
    "django.middleware.csrf.CsrfViewMiddleware",  # CSRF protects cookie-authenticated requests
    "yizuyihui.accounts.sessions.SessionTimeouts",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",  # a policy for HTML; the API answers JSON
    "axes.middleware.AxesMiddleware",  # password lockout: keys are not passwords
})
# Stand-ins, in the same place in the chain, for what the left-out middleware provided.
STAND_INS = {
    "django.middleware.locale.LocaleMiddleware": "yizuyihui.core.wsgi.site_language",
    "django.contrib.auth.middleware.AuthenticationMiddleware": "yizuyihui.core.wsgi.anonymous_user",
}


def key_api_middleware(full: list[str]) -> list[str]:
    return [STAND_INS.get(m, m) for m in full if m not in BROWSER_ONLY]


def site_language(get_response):
    """What chinese_first + LocaleMiddleware decide for a request without the language cookie: the
    site's language (Accept-Language is ignored without the cookie). Activated on every call, as
    the thread may have served an English page before."""

    def middleware(request):
        translation.activate(settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        return get_response(request)

    return middleware


def anonymous_user(get_response):
    """Anonymous until the key's authentication sets `request.user` (accounts.apikeys); the API's
    session fallback then answers 401 for a bad key, as with the full chain."""

    def middleware(request):
        request.user = AnonymousUser()
        return get_response(request)

    return middleware


class KeyApiHandler(WSGIHandler):
    def load_middleware(self, is_async=False):
        # BaseHandler reads settings.MIDDLEWARE; this runs once, at start-up, before any request.
        full = settings.MIDDLEWARE
        settings.MIDDLEWARE = key_api_middleware(list(full))
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = full


def is_key_api_call(environ) -> bool:
    """A cookieless call to the API with a key, or to Open311 (GeoReport v2: open data to read, an
    `api_key` parameter to file; its views use no session and are CSRF-exempt)."""
    if "HTTP_COOKIE" in environ:
        return False
    path = environ.get("PATH_INFO", "")
    if path.startswith("/open311/"):
        return True
    return path.startswith("/api/") and (environ.get("HTTP_AUTHORIZATION", "").startswith("Bearer ")
                                         or "HTTP_X_API_KEY" in environ)


class Application:
    """The site (`full`) and the key-authenticated API (`key_api`), one Django, two chains."""

    def __init__(self) -> None:
        self.full = WSGIHandler()
        self.key_api = KeyApiHandler()

    def handler_for(self, environ) -> WSGIHandler:
        return self.key_api if is_key_api_call(environ) else self.full

    def __call__(self, environ, start_response):
        return self.handler_for(environ)(environ, start_response)
