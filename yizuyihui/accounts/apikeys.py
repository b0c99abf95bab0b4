"""API keys: the one place that turns a presented key into a user (API routers, Open311)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth


def key_user_for(raw: str):
    """The active user behind an active key, or None. One query: auth runs on every API request."""
    raw = (raw or "").strip()
    if not raw or len(raw) > 200:
        return None
    return next(iter(get_user_model().objects.filter(case_api_keys__key=raw, case_api_keys__active=True,
                                                     is_active=True)[:1]), None)


class BearerKey(HttpBearer):
    def authenticate(self, request, token):
        user = key_user_for(token)
        if user is not None:
            request.user = user
        return user


class HeaderKey(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request, key):
        user = key_user_for(key or "")
        if user is not None:
            request.user = user
        return user


def api_auth() -> list:
    """Keys first: SessionAuth checks CSRF before anything else and answered 403 to every
    key-authenticated POST from a real client."""
    return [BearerKey(), HeaderKey(), SessionAuth()]
