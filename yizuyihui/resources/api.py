"""JSON API over the "+" resources (/api/resources/): volunteer teams, needs, matching
suggestions, dispatches and the urban–rural board's offers — each limited to the caller's scope.

No resident's personal data leaves here beyond what a task needs: a need's contact phone is
masked, its address is given only once a team is dispatched; volunteers appear by team and
hours, outside members' contact data not at all (it stays on the village cadres' page).
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from yizuyihui.accounts.scope import user_scope
from yizuyihui.core.errors import ServiceError, ServiceForbidden
from yizuyihui.org.models import Level, OrgNode, Unit
from yizuyihui.resources import matching, rules, selectors, services
from yizuyihui.resources.models import (
    ALL_SLOTS,
    BoardPost,
    BoardStatus,
    Need,
    NeedStatus,
    OutsideMember,
    VolunteerTeam,
)

router = Router(tags=["resources"])


class Error(Schema):
    detail: str


class TeamOut(Schema):
    id: int
    name: str
    service_type: str
    node_id: int
    node_name: str
    leader_name: str
    member_count: int
    availability: int
    hours_total: float
    dispatch_count: int

    @staticmethod
    def resolve_node_name(obj) -> str:
        return obj.node.name

    @staticmethod
    def resolve_leader_name(obj) -> str:
        return obj.leader.name if obj.leader_id else ""


class MemberOut(Schema):
    id: int
    name: str
    availability: int
    hours_total: float
    leader: bool


class TeamDetailOut(Schema):
    id: int
    name: str
    service_type: str
    node_id: int
    node_name: str
    leader_name: str
    member_count: int
    availability: int
    hours_total: float
    dispatch_count: int
    members: list[MemberOut]


class NeedOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    case_id: int | None
    service_type: str
    title: str
    when: int
    status: str
    phone: str  # masked, always
    address: str  # only once a team is dispatched


class NeedIn(Schema):
    unit_id: int
    service_type: str
    title: str
    address: str = ""
    when: int = ALL_SLOTS


class SuggestionOut(Schema):
    kind: str  # team | volunteer | professional
    id: int
    name: str
    score: float
    reasons: list[str]
    team_id: int | None = None


class SuggestionsOut(Schema):
    service_types: list[str]
    professional_kinds: list[str]
    suggestions: list[SuggestionOut]


class DispatchIn(Schema):
    team_id: int


class DispatchOut(Schema):
    id: int
    team_id: int
    need_id: int | None
    case_id: int | None


class OfferOut(Schema):
    id: int
    village_id: int
    kind: str
    title: str
    detail: str
    status: str
    member_name: str

    @staticmethod
    def resolve_member_name(obj) -> str:
        return obj.member.person.name if obj.member_id else ""


class OfferIn(Schema):
    member_id: int
    kind: str
    title: str
    detail: str = ""


def _staff_only(request) -> None:
    if not user_scope(request.user).paths:
        raise HttpError(403, "no staff post")


def _need_out(need: Need) -> dict:
    view = selectors.need_view(need=need, dispatched=need.status != NeedStatus.OPEN)
    return {"id": need.pk, "unit_id": need.unit_id, "unit_name": need.unit.name, "case_id": need.case_id,
            "service_type": need.service_type, "title": need.title, "when": need.when, "status": need.status,
            "phone": view.phone, "address": view.address}


def _call(fn):
    try:
        return fn()
    except ServiceForbidden as exc:
        raise HttpError(403, str(exc)) from exc
    except ServiceError as exc:
        raise HttpError(422, str(exc)) from exc


@router.get("/teams", response=list[TeamOut], url_name="resources_teams", summary="Volunteer teams the caller sees")
@paginate(LimitOffsetPagination)
def list_teams(request, service_type: str = ""):
    qs = selectors.teams_visible_to(request.user).filter(active=True)
    if service_type:
        qs = qs.filter(service_type=service_type)
    return qs


@router.get("/teams/{team_id}", response={200: TeamDetailOut, 404: Error}, url_name="resources_team",
            summary="A team with its members (names, times and hours; no contact data)")
def get_team(request, team_id: int):
    team = VolunteerTeam.objects.select_related("node", "leader").filter(pk=team_id).first()
    if team is None or not rules.can_view_team(request.user, team):
        return 404, {"detail": "not found"}
    members = [{"id": v.pk, "name": v.person.name, "availability": v.availability, "hours_total": v.hours_total,
                "leader": v.person_id == team.leader_id}
               for v in team.members.filter(active=True).select_related("person").order_by("-hours_total", "pk")[:500]]
    return 200, {"id": team.pk, "name": team.name, "service_type": team.service_type, "node_id": team.node_id,
                 "node_name": team.node.name, "leader_name": team.leader.name if team.leader_id else "",
                 "member_count": team.member_count, "availability": team.availability,
                 "hours_total": team.hours_total, "dispatch_count": team.dispatch_count, "members": members}


@router.get("/needs", response=list[NeedOut], url_name="resources_needs", summary="Needs in the caller's scope")
@paginate(LimitOffsetPagination)
def list_needs(request, status: str = ""):
    _staff_only(request)
    qs = selectors.needs_visible_to(request.user).select_related("contact")
    if status:
        qs = qs.filter(status=status)
    return [_need_out(n) for n in qs[:500]]


@router.post("/needs", response={201: NeedOut, 403: Error, 404: Error, 422: Error}, url_name="resources_need_create",
             summary="A unit's need for volunteers")
def create_need(request, payload: NeedIn):
    unit = Unit.objects.select_related("node").filter(pk=payload.unit_id).first()
    if unit is None or not user_scope(request.user).covers(unit.node.path):
        return 404, {"detail": "Unknown unit"}
    need = _call(lambda: services.need_create(unit=unit, actor=request.user, service_type=payload.service_type,
                                              title=payload.title, address=payload.address, when=payload.when))
    return 201, _need_out(need)


def _visible_need(request, need_id: int) -> Need:
    need = Need.objects.select_related("unit__node", "case__category", "contact").filter(pk=need_id).first()
    if need is None or not user_scope(request.user).covers(need.path):
        raise HttpError(404, "not found")
    return need


@router.get("/needs/{need_id}/suggestions", response={200: SuggestionsOut, 404: Error},
            url_name="resources_need_suggestions", summary="Ranked teams, volunteers and professionals for a need")
def need_suggestions(request, need_id: int):
    need = _visible_need(request, need_id)
    s = matching.suggest_for_need(need)
    rows = [{"kind": "team", "id": t.obj.pk, "name": t.obj.name, "score": t.score, "reasons": t.reasons}
            for t in s.teams]
    # Individual volunteers by their team and record only: who they are is the team leader's business.
    rows += [{"kind": "volunteer", "id": v.obj.pk, "name": "", "score": v.score, "reasons": v.reasons,
              "team_id": v.obj.team_id} for v in s.volunteers]
    rows += [{"kind": "professional", "id": p.obj.pk, "name": p.obj.name, "score": p.score, "reasons": [p.obj.kind]}
             for p in s.professionals]
    return 200, {"service_types": s.service_types, "professional_kinds": s.kinds, "suggestions": rows}


@router.post("/needs/{need_id}/dispatch", response={201: DispatchOut, 403: Error, 404: Error, 422: Error},
             url_name="resources_need_dispatch", summary="Send a team on a need")
def need_dispatch(request, need_id: int, payload: DispatchIn):
    need = _visible_need(request, need_id)
    team = VolunteerTeam.objects.filter(pk=payload.team_id).first()
    if team is None:  # any team of the need's district (the service checks): the matching suggests them
        return 404, {"detail": "Unknown team"}
    d = _call(lambda: services.team_dispatch(team=team, need=need, case=need.case, actor=request.user))
    return 201, {"id": d.pk, "team_id": d.team_id, "need_id": d.need_id, "case_id": d.case_id}


def _village(request, village_id: int) -> OrgNode:
    village = OrgNode.objects.filter(pk=village_id, level__in=[Level.VILLAGE, Level.NATURAL_VILLAGE]).first()
    if village is None or not rules.can_view_board(request.user, village):
        raise HttpError(404, "not found")
    return village


@router.get("/board/{village_id}/offers", response=list[OfferOut], url_name="resources_offers",
            summary="Offers and opportunities on a village's urban–rural board")
def list_offers(request, village_id: int):
    village = _village(request, village_id)
    return list(BoardPost.objects.filter(path__startswith=village.path, is_offer=True)
                .exclude(status=BoardStatus.CLOSED).select_related("member__person").order_by("-created_at")[:200])


@router.post("/board/{village_id}/offers", response={201: OfferOut, 403: Error, 404: Error, 422: Error},
             url_name="resources_offer_create", summary="Record an outside member's offer (the village's cadres)")
def create_offer(request, village_id: int, payload: OfferIn):
    village = _village(request, village_id)
    member = get_object_or_404(OutsideMember, pk=payload.member_id, village=village)
    post = _call(lambda: services.board_publish(village=village, actor=request.user, kind=payload.kind,
                                                title=payload.title, detail=payload.detail, member=member))
    return 201, post
