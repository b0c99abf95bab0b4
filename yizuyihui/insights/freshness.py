"""The rollups' generation and the dashboard's cache of rendered pages.

Under 16 concurrent staff the dashboard was a fifth of the server's CPU (issue 17): ~40 small
aggregates from six apps' panels plus the template, the same for everyone reading the same scope.
Its figures change only when the rollups change (a drained bucket, a rebuild) — each bumps
`RollupGeneration` — or with the clock and a few live reads (overdue now, emergency coverage,
linked resources).

A cached page is served while it is of the current generation with nothing queued, and for
`YZYH_DASHBOARD_STALE_SECONDS` (10 s) after it was drawn whatever happened since: under a steady
stream of filings (every one queues a bucket) each page is then drawn at most once in that window
instead of on every look. Past the window, a look at a changed city folds in the queued buckets and
draws the page anew. Every page is redrawn after `YZYH_DASHBOARD_CACHE_SECONDS` (60 s), which
bounds the live figures.

The generation lives in the database, not in the cache: on SQLite every gunicorn worker has its
own in-process cache, and a counter there would not see another worker's drain."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router, transaction
from django.db.models import F
from django.utils import timezone, translation

from yizuyihui.insights.models import PanelDirty, RollupDirty, RollupGeneration

NAME = "rollups"


def bump() -> None:
    """The rollups changed: call inside the transaction that changed them (it commits with them)."""
    using = router.db_for_write(RollupGeneration)
    if not RollupGeneration.objects.using(using).filter(name=NAME).update(n=F("n") + 1):
        with transaction.atomic(using=using):
            RollupGeneration.objects.using(using).get_or_create(name=NAME)
            RollupGeneration.objects.using(using).filter(name=NAME).update(n=F("n") + 1)


_STATE_SQL = None


def state() -> tuple[bool, int]:
    """(anything queued for the rollups, the generation) in one round trip, from the database the
    dashboard reads (a replica when there is one: then its own rollups and its own generation)."""
    global _STATE_SQL
    if _STATE_SQL is None:
        t = {m: connections["default"].ops.quote_name(m._meta.db_table) for m in (RollupDirty, PanelDirty, RollupGeneration)}
        _STATE_SQL = (f"SELECT CASE WHEN EXISTS (SELECT 1 FROM {t[RollupDirty]}) "
                      f"OR EXISTS (SELECT 1 FROM {t[PanelDirty]}) THEN 1 ELSE 0 END, "
                      f"(SELECT n FROM {t[RollupGeneration]} WHERE name = %s)")
    with connections[router.db_for_read(RollupGeneration)].cursor() as cur:
        cur.execute(_STATE_SQL, [NAME])
        queued, gen = cur.fetchone()
    return bool(queued), gen or 0


def seconds() -> int:
    return int(getattr(settings, "YZYH_DASHBOARD_CACHE_SECONDS", 60))


def stale_seconds() -> int:
    return int(getattr(settings, "YZYH_DASHBOARD_STALE_SECONDS", 10))


def page_key(*, user, scope_paths, params: tuple) -> str:
    """One user's page for these parameters. The user's scope is in the key too: a post granted or
    removed changes the page at once, not after the cache's lifetime."""
    scope = hashlib.sha1("|".join(sorted(scope_paths)).encode()).hexdigest()[:16]
    lang = translation.get_language() or ""
    bits = ":".join(str(p) for p in params)
    return f"insights:dash:{user.pk}:{scope}:{lang}:{timezone.get_current_timezone_name()}:{bits}"


def cached_page(key: str, render, *, drain=None) -> str:
    """The page under `key` (see the module's docstring for when a cached one is served); else
    `drain()` (fold in the queued buckets) when anything is queued, then `render()`, cached."""
    ttl = seconds()
    queued, generation = state()
    if ttl > 0:
        hit = cache.get(key)
        if hit is not None:
            drawn_gen, drawn_at, body = hit
            if (drawn_gen == generation and not queued) or time.time() - drawn_at < stale_seconds():
                return body
    if queued and drain is not None:
        drain()
        generation = state()[1]
    body = render()
    if ttl > 0:
        cache.set(key, (generation, time.time(), body), ttl)
    return body
