"""Read API over people (/api/people/): scoped, with personal numbers masked for most roles."""

from __future__ import annotations

from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from yizuyihui.accounts.roles import PERSONAL_DATA_ROLES
from yizuyihui.accounts.scope import user_scope
from yizuyihui.audit.models import AuditAction
from yizuyihui.audit.services import audit_record
from yizuyihui.people.selectors import (
    can_see_personal_data,
    person_id_number_for,
    person_phone_for,
    persons_visible_to,
)

router = Router(tags=["people"])


class PersonOut(Schema):
    id: int
    name: str
    gender: str
    birth_year: int | None
    is_party_member: bool
    node_id: int
    household_id: int | None
    phone: str
    id_number: str

    # Resolvers see the request, so each row is masked for the caller (people.selectors decides).
    @staticmethod
    def resolve_phone(obj, context) -> str:
        return person_phone_for(person=obj, user=context["request"].user)

    @staticmethod
    def resolve_id_number(obj, context) -> str:
        return person_id_number_for(person=obj, user=context["request"].user)


class Error(Schema):
    detail: str


@router.get("/persons", response=list[PersonOut], summary="People in the caller's scope")
@paginate(LimitOffsetPagination)
def list_persons(request, unit_id: int | None = None, q: str = ""):
    from yizuyihui.org.api import _forbid_residents

    _forbid_residents(request)
    qs = persons_visible_to(request.user).order_by("pk")
    if user_scope(request.user).roles & PERSONAL_DATA_ROLES:  # these roles get the numbers in full
        audit_record(action=AuditAction.PERSONAL_DATA_SHOWN, request=request, object_type="people.person",
                     detail={"list": True, "unit_id": unit_id, "q": q[:20]})
    if unit_id is not None:
        qs = qs.filter(node__unit=unit_id)
    if q:
        qs = qs.filter(name__startswith=q[:20])
    return qs


@router.get("/persons/{person_id}", response={200: PersonOut, 404: Error}, summary="One person")
def get_person(request, person_id: int):
    person = persons_visible_to(request.user).filter(pk=person_id).first()
    if person is None:
        return 404, {"detail": "not found"}
    if can_see_personal_data(user=request.user, person=person) and (person.phone or person.id_number):
        audit_record(action=AuditAction.PERSONAL_DATA_SHOWN, request=request, obj=person)
    return 200, person
