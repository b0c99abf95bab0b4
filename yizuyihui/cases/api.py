"""JSON API for matters, mounted at /api/cases/ (OpenAPI at /api/openapi.json).

Creation is idempotent through the `Idempotency-Key` header: a retry with the same key returns
the matter the first request made (200 instead of 201), never a duplicate.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth

from yizuyihui.cases import selectors, services
from yizuyihui.cases.models import Case, CaseStatus, Category, Channel, Rating, Urgency
from yizuyihui.org.models import Unit

KEY_CACHE_SECONDS = 60


def key_cache_key(key: str) -> str:
    import hashlib

    return "yzyh:apikey:" + hashlib.sha256(key.encode()).hexdigest()[:40]


def _key_user(key: str):
    """The active user of an active API key. Cached (issue 17: the key query was 15 % of an API
    filing); saving or deleting the key, or saving its user, forgets it (cases/apps.py)."""
    if not key:
        return None
    from django.core.cache import cache

    ck = key_cache_key(key)
    hit = cache.get(ck)
    if hit is not None:
        return hit or None  # False: known not to be a key
    user = next(iter(get_user_model().objects.filter(case_api_keys__key=key, case_api_keys__active=True,
                                                     is_active=True)[:1]), None)
    cache.set(ck, user or False, KEY_CACHE_SECONDS)
    return user


class BearerKey(HttpBearer):
    def authenticate(self, request, token):
        user = _key_user(token)
        if user is not None:
            request.user = user
        return user


class HeaderKey(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request, key):
        user = _key_user(key or "")
        if user is not None:
            request.user = user
        return user


# Keys first: SessionAuth checks CSRF before anything else and raised 403 on every key-authenticated
# POST from a real client (the test client skips CSRF checks, so only `yzyh bench cases` saw it).
router = Router(tags=["cases"], auth=[BearerKey(), HeaderKey(), SessionAuth()])


class Message(Schema):
    detail: str


class CaseIn(Schema):
    unit_id: int = Field(..., ge=1, le=2**62)
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    urgency: Urgency = Urgency.NORMAL
    channel: Channel = Channel.API
    category_id: int | None = Field(None, ge=1, le=2**62)
    place: str = Field("", max_length=200)


class CaseOut(Schema):
    id: int
    public_id: str
    unit_id: int
    tier: int
    status: str
    title: str
    description: str
    category_id: int | None
    urgency: str
    channel: str
    origin: str
    place: str
    filed_at: dt.datetime
    respond_due: dt.datetime | None
    resolve_due: dt.datetime | None
    resolved_at: dt.datetime | None
    rating: str

    @staticmethod
    def resolve_public_id(obj):
        return str(obj.public_id)


class EventOut(Schema):
    action: str
    from_status: str
    to_status: str
    tier: int
    reason: str
    at: dt.datetime


class ActionIn(Schema):
    reason: str = Field("", max_length=5000)
    rating: Rating | None = None
    handler_ids: list[int] = Field(default_factory=list, max_length=20)
    into_id: int | None = Field(None, ge=1, le=2**62)


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    level: int
    parent_id: int | None


ACTIONS = ["receive", "return", "merge", "resolve_on_spot", "deliberate", "dispatch", "claim", "send_back",
           "progress", "suspend", "resume", "escalate", "resolve", "feed_back", "rate", "close"]


def _visible_case(request, case_id: int) -> Case:
    case = selectors.cases_visible_to(request.user).filter(pk=case_id).first()
    if case is None:
        raise HttpError(404, "Not found")
    return case


@router.get("/", response=list[CaseOut], url_name="case_list")
def case_list(request: HttpRequest, status: CaseStatus | None = None, limit: int = 50, offset: int = 0):
    limit = max(1, min(limit, 200))
    offset = max(0, min(offset, 10**7))
    qs = selectors.cases_visible_to(request.user).order_by("-filed_at", "-pk")
    if status:
        qs = qs.filter(status=status)
    return list(qs[offset:offset + limit])


@router.post("/", response={200: CaseOut, 201: CaseOut, 403: Message, 404: Message, 422: Message}, url_name="case_create")
def case_create(request: HttpRequest, payload: CaseIn):
    key = (request.headers.get("Idempotency-Key") or "").strip()[:100]
    if key:
        # The key is unique per user: look for the id alone (cheap to build), load the row only on a retry.
        seen = list(Case.objects.filter(filed_by=request.user, idempotency_key=key).values_list("pk", flat=True)[:1])
        if seen:
            return Status(200, Case.objects.get(pk=seen[0]))
    unit = next(iter(Unit.objects.select_related("node").filter(pk=payload.unit_id)[:1]), None)
    if unit is None:
        return Status(404, {"detail": "Unknown unit"})
    category = None
    if payload.category_id is not None:
        category = next(iter(Category.objects.filter(pk=payload.category_id)[:1]), None)
        if category is None:
            return Status(422, {"detail": "Unknown category"})
    try:
        case = services.case_file(unit=unit, actor=request.user, title=payload.title, description=payload.description,
                                  channel=payload.channel, urgency=payload.urgency, category=category,
                                  place=payload.place, origin="resident", idempotency_key=key, key_checked=True)
    except services.CaseForbidden:
        return Status(403, {"detail": "You may not file matters for this unit"})
    except services.CaseError as exc:
        return Status(422, {"detail": str(exc)})
    return Status(201, case)


@router.get("/worklist/claims", response=list[CaseOut], url_name="case_claims")
def claims(request: HttpRequest):
    return selectors.handler_claims(user=request.user, limit=200)


@router.get("/categories", response=list[CategoryOut], url_name="case_categories")
def categories(request: HttpRequest, level: int | None = None):
    qs = Category.objects.filter(active=True)
    if level is not None:
        qs = qs.filter(level=level)
    return list(qs.order_by("code")[:1000])


@router.get("/{case_id}", response={200: CaseOut, 404: Message}, url_name="case_detail")
def case_detail(request: HttpRequest, case_id: int):
    if not 0 < case_id < 2**62:
        return Status(404, {"detail": "Not found"})
    return _visible_case(request, case_id)


@router.get("/{case_id}/events", response={200: list[EventOut], 404: Message}, url_name="case_events")
def case_events(request: HttpRequest, case_id: int):
    if not 0 < case_id < 2**62:
        return Status(404, {"detail": "Not found"})
    case = _visible_case(request, case_id)
    staff = services.case_rules.is_staff(request.user)
    return list(selectors.timeline(case=case, public_only=not staff))


@router.post("/{case_id}/actions/{action}", response={200: CaseOut, 403: Message, 404: Message, 409: Message, 422: Message},
             url_name="case_action")
def case_action(request: HttpRequest, case_id: int, action: str, payload: ActionIn):
    if not 0 < case_id < 2**62 or action not in ACTIONS:
        return Status(404, {"detail": "Not found"})
    case = _visible_case(request, case_id)
    user, reason = request.user, payload.reason
    try:
        match action:
            case "receive":
                services.case_receive(case=case, actor=user)
            case "return":
                services.case_return(case=case, actor=user, reason=reason)
            case "merge":
                into = Case.objects.filter(pk=payload.into_id or 0).first()
                if into is None:
                    return Status(422, {"detail": "into_id: unknown matter"})
                services.case_merge(case=case, actor=user, into=into, reason=reason)
            case "resolve_on_spot":
                services.case_resolve_on_spot(case=case, actor=user, note=reason)
            case "deliberate":
                services.case_deliberate(case=case, actor=user, reason=reason)
            case "dispatch":
                handlers = list(get_user_model().objects.filter(pk__in=[i for i in payload.handler_ids if 0 < i < 2**62]))
                services.case_dispatch(case=case, actor=user, handlers=handlers, reason=reason)
            case "claim":
                services.case_claim(case=case, actor=user)
            case "send_back":
                services.case_send_back(case=case, actor=user, reason=reason)
            case "progress":
                services.case_progress(case=case, actor=user, note=reason)
            case "suspend":
                services.case_suspend(case=case, actor=user, reason=reason)
            case "resume":
                services.case_resume(case=case, actor=user)
            case "escalate":
                services.case_escalate(case=case, actor=user, reason=reason)
            case "resolve":
                services.case_resolve(case=case, actor=user, result=reason)
            case "feed_back":
                services.case_feed_back(case=case, actor=user, feedback=reason)
            case "rate":
                services.case_rate(case=case, actor=user, rating=payload.rating or "", comment=reason)
            case "close":
                services.case_close(case=case, actor=user, reason=reason)
    except services.CaseForbidden as exc:
        return Status(403, {"detail": str(exc)})
    except services.CaseConflict as exc:
        return Status(409, {"detail": str(exc)})
    except services.CaseError as exc:
        return Status(422, {"detail": str(exc)})
    return case
