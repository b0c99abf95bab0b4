"""API keys: made, revoked and turned into a user here, for every API router and Open311."""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth

from yizuyihui.accounts.models import ApiKey, key_digest
from yizuyihui.audit.models import AuditAction
from yizuyihui.audit.services import audit_record

PREFIX = "yzyh_"
# Record use at most once a minute per key: a write per request would double the API's cost.
LAST_USED_GRANULARITY = dt.timedelta(minutes=1)


def may_manage_keys_of(actor, user) -> bool:
    from yizuyihui.accounts.rules import is_city_admin

    return actor.is_authenticated and (actor.pk == user.pk or is_city_admin(actor))


def apikey_create(*, user, name: str, actor=None, raw: str | None = None) -> tuple[ApiKey, str]:
    """Make a key for `user`; returns the row and the key itself, which is never shown again."""
    if actor is not None and not may_manage_keys_of(actor, user):
        raise PermissionDenied
    name = (name or "").strip()[:100]
    if not name:
        raise ValueError("name the key (what uses it)")
    raw = raw or PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(user=user, name=name, prefix=raw[:12], digest=key_digest(raw), created_by=actor)
    audit_record(action=AuditAction.KEY_CREATED, actor=actor, obj=key,
                 detail={"user": user.username, "name": name, "prefix": key.prefix})
    return key, raw


def apikey_revoke(*, key: ApiKey, actor=None) -> ApiKey:
    if actor is not None and not may_manage_keys_of(actor, key.user):
        raise PermissionDenied
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit_record(action=AuditAction.KEY_REVOKED, actor=actor, obj=key,
                     detail={"user": key.user.username, "prefix": key.prefix})
    return key


def keys_visible_to(actor):
    from yizuyihui.accounts.rules import is_city_admin

    qs = ApiKey.objects.select_related("user")
    return qs if is_city_admin(actor) else qs.filter(user=actor)


def key_user_for(raw: str):
    """The active user behind an active key, or None (one indexed lookup)."""
    raw = (raw or "").strip()
    if not raw or len(raw) > 200:
        return None
    row = (ApiKey.objects.filter(digest=key_digest(raw), revoked_at__isnull=True, user__is_active=True)
           .select_related("user").first())
    if row is None:
        return None
    now = timezone.now()
    if row.last_used_at is None or row.last_used_at < now - LAST_USED_GRANULARITY:
        ApiKey.objects.filter(pk=row.pk).filter(Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_GRANULARITY)) \
            .update(last_used_at=now)
    return row.user


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


def user_by_username(username: str):
    return get_user_model().objects.get(username=username)
