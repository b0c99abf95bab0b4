"""JSON API for matters, mounted at /api/cases/ (OpenAPI at /api/openapi.json).

Creation is idempotent through the `Idempotency-Key` header: a retry with the same key returns
the matter the first request made (200 instead of 201), never a duplicate.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from yizuyihui.accounts.apikeys import api_auth
from yizuyihui.accounts.roles import is_staff
from yizuyihui.cases import deadlines, selectors, services
from yizuyihui.cases.lifecycle import STEPS, StepName
from yizuyihui.cases.models import Case, CaseStatus, Category, Channel, Rating, Urgency

# Keys and the session, shared with every router (accounts/apikeys.py).
router = Router(tags=["cases"], auth=api_auth())


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
    """What a step may ask for (lifecycle.Step.inputs); each step reads only its own."""

    reason: str = Field("", max_length=5000)
    rating: Rating | None = None
    handler_ids: list[int] = Field(default_factory=list, max_length=20)
    into_id: int | None = Field(None, ge=1, le=2**62)
    category_id: int | None = Field(None, ge=1, le=2**62)
    urgency: Urgency | None = None
    due: dt.datetime | None = None
    until: dt.datetime | None = None
    approve: bool = False


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    level: int
    parent_id: int | None


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


def _same_request(case: Case, payload: CaseIn) -> bool:
    """Does a stored matter answer this body? (the Idempotency-Key contract, as Stripe's)."""
    return (case.unit_id == payload.unit_id and case.title == payload.title.strip()[:200]
            and case.description == payload.description and case.urgency == payload.urgency
            and case.channel == payload.channel and case.place == payload.place[:200]
            and (payload.category_id is None or case.category_id == payload.category_id))


def _replay(case: Case, payload: CaseIn):
    if not _same_request(case, payload):
        return Status(422, {"detail": "Idempotency-Key was used with a different body"})
    return Status(200, case)


@router.post("/", response={200: CaseOut, 201: CaseOut, 403: Message, 404: Message, 422: Message}, url_name="case_create")
def case_create(request: HttpRequest, payload: CaseIn):
    key = (request.headers.get("Idempotency-Key") or "").strip()[:100]
    # One round trip: the unit (and its node) with, when a key is given, the id of the matter this
    # user already filed under it (the key is unique per user; the row is loaded only on a retry).
    unit, seen_id = selectors.unit_for_filing(unit_id=payload.unit_id, user_id=request.user.pk, idempotency_key=key)
    if unit is None and key:  # an unknown unit: is it still a retry of a stored matter (with another body)?
        seen_id = Case.objects.filter(filed_by=request.user, idempotency_key=key).values_list("pk", flat=True).first()
    if seen_id is not None:
        return _replay(Case.objects.get(pk=seen_id), payload)
    if unit is None:
        return Status(404, {"detail": "Unknown unit"})
    category = None
    if payload.category_id is not None:
        category = deadlines.categories()["by_pk"].get(payload.category_id)  # the cached taxonomy: no query
        if category is None:  # perhaps created meanwhile in another process
            category = Category.objects.filter(pk=payload.category_id).first()
        if category is None:
            return Status(422, {"detail": "Unknown category"})
    now = timezone.now()
    try:
        case = services.case_file(unit=unit, actor=request.user, title=payload.title, description=payload.description,
                                  channel=payload.channel, urgency=payload.urgency, category=category,
                                  place=payload.place, origin="resident", idempotency_key=key, key_checked=True, now=now)
    except services.CaseForbidden:
        return Status(403, {"detail": "You may not file matters for this unit"})
    except services.CaseError as exc:
        return Status(422, {"detail": str(exc)})
    if key and case.filed_at != now:
        # A concurrent request with the same key won the unique index: this one made nothing.
        return _replay(case, payload)
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
    staff = is_staff(request.user)
    return list(selectors.timeline(case=case, public_only=not staff))


@router.get("/{case_id}/actions", response={200: list[StepName], 404: Message}, url_name="case_available_actions")
def case_available_actions(request: HttpRequest, case_id: int):
    """The steps the caller may take on this matter now (the same as the page's buttons)."""
    if not 0 < case_id < 2**62:
        return Status(404, {"detail": "Not found"})
    return selectors.available_actions(user=request.user, case=_visible_case(request, case_id))


def _api_inputs(step: str, payload: ActionIn) -> dict:
    """The inputs the declared step asks for, from the JSON body."""
    wanted, inputs = set(STEPS[step].inputs), {}
    for name in ("reason", "urgency", "due", "until", "approve"):
        if name in wanted:
            inputs[name] = getattr(payload, name)
    if "rating" in wanted:
        inputs["rating"] = payload.rating or ""
    if "handlers" in wanted:
        ids = [i for i in payload.handler_ids if 0 < i < 2**62]
        inputs["handlers"] = list(get_user_model().objects.filter(pk__in=ids))
    if "into" in wanted:
        inputs["into"] = Case.objects.filter(pk=payload.into_id or 0).first()
    if "category" in wanted:
        inputs["category"] = Category.objects.filter(pk=payload.category_id or 0, active=True).first()
    return inputs


@router.post("/{case_id}/actions/{action}", response={200: CaseOut, 403: Message, 404: Message, 409: Message, 422: Message},
             url_name="case_action")
def case_action(request: HttpRequest, case_id: int, action: StepName, payload: ActionIn):
    """Take one step of the life cycle (the enum is lifecycle.STEPS)."""
    if not 0 < case_id < 2**62:
        return Status(404, {"detail": "Not found"})
    case = _visible_case(request, case_id)
    step = action.value
    try:
        services.case_take_step(step=step, case=case, actor=request.user, inputs=_api_inputs(step, payload))
    except services.CaseForbidden as exc:
        return Status(403, {"detail": str(exc)})
    except services.CaseConflict as exc:
        return Status(409, {"detail": str(exc)})
    except services.CaseError as exc:
        return Status(422, {"detail": str(exc)})
    return case
