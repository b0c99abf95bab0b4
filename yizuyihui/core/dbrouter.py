"""Reads on PostgreSQL streaming replicas (issue 17), when `DATABASE_REPLICA_URLS` is set.

Only pages that tolerate a replica's lag read there: the dashboards, exports, public boards and
Open311 reads (`REPLICA_READ_PATHS`, GET/HEAD only). Everything else — and every write — uses
the primary ("default").

Read-your-writes: any unsafe request (POST, PUT, PATCH, DELETE) sets a cookie that pins the
browser (or API client keeping cookies) to the primary for `REPLICA_PIN_SECONDS` (default 10 s,
far above the replica lag of a healthy stream), so a user who just wrote sees it on the next
page even if that page normally reads a replica. Inside a transaction on the primary every read
stays on the primary (a job recomputing from fresh rows must not read a stale copy).
"""

from __future__ import annotations

import contextvars
import random
import time

from django.conf import settings
from django.db import connections

_use_replica: contextvars.ContextVar[bool] = contextvars.ContextVar("yzyh_use_replica", default=False)
PIN_COOKIE = "yzyh_primary_until"
SAFE = {"GET", "HEAD", "OPTIONS"}


def replica_aliases() -> list[str]:
    return [a for a in settings.DATABASES if a.startswith("replica")]


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not _use_replica.get():
            return None
        if connections["default"].in_atomic_block:
            return "default"
        aliases = replica_aliases()
        return random.choice(aliases) if aliases else None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # replicas are copies of the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


def _replica_path(path: str) -> bool:
    return any(path.startswith(p) for p in getattr(settings, "REPLICA_READ_PATHS", ()))


def replica_reads(get_response):
    """Middleware (first after SecurityMiddleware, so sessions and users are read where the page is)."""

    def middleware(request):
        pinned_until = request.COOKIES.get(PIN_COOKIE, "")
        pinned = pinned_until.replace(".", "", 1).isdigit() and float(pinned_until) > time.time()
        use = bool(replica_aliases()) and request.method in SAFE and not pinned and _replica_path(request.path_info)
        token = _use_replica.set(use)
        try:
            response = get_response(request)
        finally:
            _use_replica.reset(token)
        if request.method not in SAFE and replica_aliases():
            seconds = getattr(settings, "REPLICA_PIN_SECONDS", 10)
            response.set_cookie(PIN_COOKIE, f"{time.time() + seconds:.3f}", max_age=int(seconds) + 1, httponly=True,
                                samesite="Lax", secure=request.is_secure())
        return response

    return middleware
