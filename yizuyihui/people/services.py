"""Writes for people: persons, households, memberships, posts and 三报到 registrations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from yizuyihui.org.models import OrgNode, Unit
from yizuyihui.people.models import (
    Body,
    Household,
    HouseholdCategory,
    Membership,
    MemberRole,
    Person,
    Post,
    Registration,
)


class PeopleError(ValueError):
    pass


def household_create(*, unit: Unit, address: str, category: str = HouseholdCategory.ORDINARY, size: int = 1) -> Household:
    return Household.objects.create(node_id=unit.node_id, unit=unit, address=address, category=category, size=size)


def household_set_category(*, household: Household, category: str, actor=None) -> Household:
    """Change a household's category. Visit schedules re-plan on this (visits app listens via its service)."""
    if category not in HouseholdCategory.values:
        raise PeopleError(_("Unknown household category: %s") % category)
    household.category = category
    household.save(update_fields=["category"])
    from yizuyihui.visits.services import schedule_replan  # 三必访 re-plans on the new cadence

    schedule_replan(households=[household])
    return household


def person_create(*, name: str, gender: str, node: OrgNode, household: Household | None = None, **fields) -> Person:
    return Person.objects.create(name=name, gender=gender, node=node, household=household, **fields)


def persons_bulk_create(*, persons: Iterable[Person], batch_size: int = 5000) -> int:
    """Bulk path used by imports and the demo generator (millions of residents)."""
    created = 0
    batch: list[Person] = []
    for person in persons:
        batch.append(person)
        if len(batch) >= batch_size:
            Person.objects.bulk_create(batch, batch_size=batch_size)
            created += len(batch)
            batch = []
    if batch:
        Person.objects.bulk_create(batch, batch_size=batch_size)
        created += len(batch)
    return created


def membership_add(
    *, person: Person, unit: Unit, body: str, role: str = MemberRole.MEMBER, identity: str = "", purpose: str = "",
    started: dt.date | None = None,
) -> Membership:
    """Seat a person in the unit's Party group or council, or draw them in as a "+" member."""
    if body == Body.PARTY_GROUP and not person.is_party_member:
        raise PeopleError(_("Only Party members can sit in the Party group"))
    if body == Body.PARTY_GROUP and role == MemberRole.HEAD:
        raise PeopleError(_("The Party group has a leader, not a head"))
    if body == Body.COUNCIL and role == MemberRole.LEADER:
        raise PeopleError(_("The council has a head, not a leader"))
    if body == Body.PLUS and not purpose:
        raise PeopleError(_("A “+” member is drawn in for a purpose; give it"))
    with transaction.atomic():
        if role in (MemberRole.LEADER, MemberRole.HEAD):
            # One leader per Party group, one head per council: the previous one steps down.
            Membership.objects.filter(unit=unit, body=body, role=role, ended__isnull=True).update(role=MemberRole.MEMBER)
        return Membership.objects.create(
            person=person, unit=unit, body=body, role=role, identity=identity, purpose=purpose,
            started=started or dt.date.today(),
        )


def membership_end(*, membership: Membership, ended: dt.date | None = None) -> Membership:
    membership.ended = ended or dt.date.today()
    membership.save(update_fields=["ended"])
    return membership


def post_grant(*, user, role: str, node: OrgNode, department: str = "") -> Post:
    post, _created = Post.objects.update_or_create(
        user=user, role=role, node=node, defaults={"active": True, "department": department}
    )
    for attr in ("_yzyh_scope", "_yzyh_role_paths"):
        if hasattr(user, attr):
            delattr(user, attr)
    return post


def user_create(*, username: str, password: str, person: Person | None = None, **fields):
    User = get_user_model()
    user = User.objects.create_user(username=username, password=password, **fields)
    if person is not None:
        person.user = user
        person.save(update_fields=["user"])
    return user


def registration_create(*, person: Person, kind: str, node: OrgNode, employer: str = "", on: dt.date | None = None) -> Registration:
    """三报到: an official or in-service Party member registers at a community or street."""
    if node.level not in {"community", "village", "street", "township"}:
        raise PeopleError(_("Registration is at a community, village, street or township"))
    return Registration.objects.create(person=person, kind=kind, node=node, employer=employer, registered_on=on or dt.date.today())
