"""Writing and checking the audit chain."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from yizuyihui.audit.models import GENESIS, AuditEvent, AuditHead, canonical, chain_hash

_LOCK_KEY = 0x59A0D17  # pg_advisory_xact_lock key for the chain


def _client_ip(request) -> str:
    if request is None:
        return ""
    return (getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR", ""))[:45]


def audit_record(*, action: str, actor=None, request=None, obj=None, object_type: str = "", object_id="",
                 detail: dict | None = None, at: dt.datetime | None = None) -> AuditEvent:
    """Append one event. Serialised (advisory lock on PostgreSQL; SQLite's IMMEDIATE transactions
    serialise writers) so two appends never chain to the same predecessor."""
    at = (at or timezone.now()).astimezone(dt.UTC)
    if actor is None and request is not None and getattr(request, "user", None) is not None \
            and request.user.is_authenticated:
        actor = request.user
    if obj is not None:
        object_type, object_id = object_type or obj._meta.label_lower, object_id or obj.pk
    fields = {"at": at, "action": action, "actor_id": getattr(actor, "pk", None),
              "actor_name": (getattr(actor, "username", "") or "")[:150], "ip": _client_ip(request),
              "object_type": object_type[:60], "object_id": str(object_id or "")[:64], "detail": detail or {}}
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        head = AuditHead.objects.select_for_update().filter(pk=1).first() or AuditHead.objects.create(pk=1)
        digest = chain_hash(head.hash, canonical(**fields))
        event = AuditEvent.objects.create(prev_hash=head.hash, hash=digest, **fields)
        AuditHead.objects.filter(pk=1).update(count=head.count + 1, hash=digest)
    return event


@dataclass
class VerifyResult:
    ok: bool
    rows: int
    seconds: float
    problem: str = ""
    bad_id: int | None = None


def audit_verify(*, chunk: int = 20000) -> VerifyResult:
    """Walk the whole chain in id order; report the first row that does not fit."""
    started = time.perf_counter()
    prev, rows = GENESIS, 0
    columns = ("pk", "at", "action", "actor_id", "actor_name", "ip", "object_type", "object_id", "detail",
               "prev_hash", "hash")
    last_pk = 0
    while True:
        batch = list(AuditEvent.objects.filter(pk__gt=last_pk).order_by("pk").values_list(*columns)[:chunk])
        if not batch:
            break
        for pk, at, action, actor_id, actor_name, ip, otype, oid, detail, prev_hash, digest in batch:
            if prev_hash != prev:
                return VerifyResult(False, rows, time.perf_counter() - started,
                                    "a row before this one was deleted or changed", pk)
            payload = canonical(at=at.astimezone(dt.UTC), action=action, actor_id=actor_id, actor_name=actor_name, ip=ip,
                                object_type=otype, object_id=oid, detail=detail)
            if chain_hash(prev, payload) != digest:
                return VerifyResult(False, rows, time.perf_counter() - started, "this row was changed", pk)
            prev, rows = digest, rows + 1
        last_pk = batch[-1][0]
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.count != rows or head.hash != prev):
        return VerifyResult(False, rows, time.perf_counter() - started, "the newest rows were deleted", None)
    return VerifyResult(True, rows, time.perf_counter() - started)


def audit_bench_fill(*, rows: int) -> int:
    """Append `rows` synthetic login events fast (bulk, chained) for `yzyh bench audit`."""
    from yizuyihui.core.bulk import fast_insert, reserve_ids

    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=1).first() or AuditHead.objects.create(pk=1)
        ids = reserve_ids(AuditEvent, rows)
        base = timezone.now().astimezone(dt.UTC)
        prev = head.hash
        out = []
        for i, pk in enumerate(ids):
            fields = {"at": base + dt.timedelta(microseconds=i), "action": "login", "actor_id": i % 5000,
                      "actor_name": f"bench{i % 5000}", "ip": "10.0.0.1", "object_type": "", "object_id": "",
                      "detail": {}}
            digest = chain_hash(prev, canonical(**fields))
            out.append((pk, fields["at"], "login", fields["actor_id"], fields["actor_name"], "10.0.0.1", "", "",
                        "{}", prev, digest))
            prev = digest
        fast_insert(AuditEvent, ["id", "at", "action", "actor_id", "actor_name", "ip", "object_type", "object_id",
                                 "detail", "prev_hash", "hash"], out)
        AuditHead.objects.filter(pk=1).update(count=head.count + rows, hash=prev)
    return rows
