"""API keys: made, revoked and turned into a user here, for every API router and Open311."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.db.models import Q
from django.utils import timezone
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth

from yizuyihui.accounts.models import ApiKey, key_digest
from yizuyihui.accounts.scope import active_posts_uncached
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


# --- the key cache (issue 17: the key's SELECT was ~20 % of an API filing's web CPU) ---------------
# digest → (user's columns, their active posts, key id, last use, generation), one entry per key, read
# together with the generation in one MGET. Any change that could take access away — a key saved
# or deleted (revoked, rotated), a post saved or deleted (a post ended), a user saved or deleted
# (deactivated, demoted) — sets a new generation (`forget_keys`), so every entry written before it
# is ignored from then on: no TTL decides when a revoked key stops working. A reader takes the
# generation before it reads the database and tags its entry with it, so an entry filled from a
# read that raced with a revocation is already stale when it is stored. Only with a cache every
# process shares (Redis: `YZYH_APIKEY_CACHE`, on when REDIS_URL is set): with a per-process cache
# a revocation in one process would not reach the others.
KEY_CACHE_SECONDS = 600
_GEN_KEY = "yzyh:apikeys:gen"


def _entry_key(digest: str) -> str:
    return f"yzyh:apikey:v2:{digest}"  # v2: a change of the entry's shape gets a new name


def key_cache_on() -> bool:
    return bool(getattr(settings, "YZYH_APIKEY_CACHE", False))


def forget_keys() -> None:
    """A new generation: every cached key entry is stale from now on (and again once the current
    transaction commits, so an entry refilled from the not-yet-committed state dies too)."""
    if not key_cache_on():
        return

    def bump() -> None:
        cache.set(_GEN_KEY, secrets.token_hex(8), None)

    bump()
    transaction.on_commit(bump)


# The cached user is its column values without the password hash (the cache is not the place for
# it): rebuilt with `from_db`, the password is a deferred field, loaded only if something reads it,
# and a save() writes only the columns that were loaded.
_NOT_CACHED = frozenset({"password"})


def _user_row(user) -> tuple[tuple[str, ...], tuple]:
    names = tuple(f.attname for f in user._meta.concrete_fields if f.attname not in _NOT_CACHED)
    return names, tuple(getattr(user, name) for name in names)


def _user_from(row):
    """The user from its cached columns, or None when they no longer fit the model (an entry
    written before a change of the user table): then the key is read from the database."""
    model = get_user_model()
    try:
        names, values = row
        known = {f.attname for f in model._meta.concrete_fields}
        if not set(names) <= known or len(names) != len(values):
            return None
        return model.from_db(router.db_for_read(model), list(names), list(values))
    except (TypeError, ValueError):
        return None


def _touch(key_pk: int, last_used_at, now) -> bool:
    """Record the key's use at most once per LAST_USED_GRANULARITY; True when a write was due."""
    if last_used_at is not None and last_used_at >= now - LAST_USED_GRANULARITY:
        return False
    ApiKey.objects.filter(pk=key_pk).filter(Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_GRANULARITY)) \
        .update(last_used_at=now)
    return True


def key_user_for(raw: str):
    """The active user behind an active key, or None (one indexed lookup, or one cache MGET)."""
    raw = (raw or "").strip()
    if not raw or len(raw) > 200:
        return None
    digest = key_digest(raw)
    use_cache = key_cache_on()
    gen = None
    if use_cache:
        found = cache.get_many([_entry_key(digest), _GEN_KEY])
        gen = found.get(_GEN_KEY)
        entry = found.get(_entry_key(digest))
        if gen is None:
            cache.add(_GEN_KEY, secrets.token_hex(8), None)
            gen = cache.get(_GEN_KEY)
        elif isinstance(entry, tuple) and len(entry) == 5 and entry[4] == gen:
            row, posts, key_pk, last_used_at, _gen = entry
            user = _user_from(row)
            if user is not None:
                now = timezone.now()
                if _touch(key_pk, last_used_at, now):
                    cache.set(_entry_key(digest), (row, posts, key_pk, now, gen), KEY_CACHE_SECONDS)
                user._yzyh_posts = posts
                return user
    row = (ApiKey.objects.filter(digest=digest, revoked_at__isnull=True, user__is_active=True)
           .select_related("user").first())
    if row is None:
        return None
    now = timezone.now()
    last_used_at = now if _touch(row.pk, row.last_used_at, now) else row.last_used_at
    user = row.user
    if use_cache and gen is not None:
        posts = active_posts_uncached(user)
        cache.set(_entry_key(digest), (_user_row(user), posts, row.pk, last_used_at, gen), KEY_CACHE_SECONDS)
        user._yzyh_posts = posts
    return user


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
