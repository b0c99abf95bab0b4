"""Read API over the org tree and units (/api/org/), limited to the caller's scope."""

from __future__ import annotations

from django.db.models import F
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from yizuyihui.org import selectors
from yizuyihui.org.models import OrgNode
from yizuyihui.people.selectors import person_id_number_for, person_phone_for, unit_roster

router = Router(tags=["org"])


class NodeOut(Schema):
    id: int
    name: str
    level: str
    code: str
    depth: int


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    code: str
    party_group_size: int
    council_size: int
    embedding_degree: float
    council_party_share: float
    one_shoulder: bool
    households: int
    residents: int


class UnitMemberOut(Schema):
    person_id: int
    name: str
    body: str
    role: str
    identity: str
    is_party_member: bool
    phone: str  # masked unless the caller's role needs it
    id_number: str  # masked unless the caller's role needs it


class UnitDetailOut(UnitOut):
    members: list[UnitMemberOut]
    recommended_embedding: str
    embedding_mismatch: bool


class Error(Schema):
    detail: str


def _forbid_residents(request) -> None:
    from yizuyihui.accounts.scope import user_scope

    if not user_scope(request.user).paths:
        raise HttpError(403, "no staff post")


@router.get("/units", response=list[UnitOut], summary="Units in the caller's scope")
@paginate(LimitOffsetPagination)
def list_units(request, sort: str = "name", under: int | None = None):
    _forbid_residents(request)
    node = None
    if under is not None:
        node = get_object_or_404(OrgNode, pk=under)
        if not request.user.has_perm("org.view_node", node):
            raise HttpError(404, "not found")
    return selectors.unit_list(user=request.user, under=node, sort=sort).annotate(code=F("node__code"))


@router.get("/units/{unit_id}", response={200: UnitDetailOut, 404: Error}, summary="A unit with its group and council")
def get_unit(request, unit_id: int):
    unit = selectors.units_visible_to(request.user).filter(pk=unit_id).first()
    if unit is None:  # out of scope and missing look the same: no probing for existence
        return 404, {"detail": "not found"}
    roster = unit_roster(unit=unit)
    members = [
        UnitMemberOut(person_id=m.person_id, name=m.person.name, body=m.body, role=m.role, identity=m.identity,
                  is_party_member=m.person.is_party_member, phone=person_phone_for(person=m.person, user=request.user),
                  id_number=person_id_number_for(person=m.person, user=request.user))
        for body in roster.values() for m in body
    ]
    advice = selectors.embedding_advice(unit)
    fields = [f for f in UnitOut.model_fields if f != "code"]
    return 200, {**{f: getattr(unit, f) for f in fields}, "code": unit.node.code, "members": members,
                 "recommended_embedding": advice.recommended, "embedding_mismatch": advice.mismatch}


@router.get("/nodes/{node_id}/children", response={200: list[NodeOut], 404: Error}, summary="Children of a node")
def node_children(request, node_id: int):
    node = OrgNode.objects.filter(pk=node_id).first()
    if node is None or not request.user.has_perm("org.view_node", node):
        return 404, {"detail": "not found"}
    return 200, list(selectors.node_children_visible_to(user=request.user, node=node))
