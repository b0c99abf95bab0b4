"""Writes for people: persons, households, memberships, posts and 三报到 registrations."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yizuyihui.core.errors import ServiceError
from yizuyihui.org.models import OrgNode, Unit
from yizuyihui.people.models import (
    Body,
    Household,
    HouseholdCategory,
    MemberRole,
    Membership,
    Person,
    Post,
    Registration,
)


class PeopleError(ServiceError):
    pass


def household_create(*, unit: Unit, address: str, category: str = HouseholdCategory.ORDINARY, size: int = 1) -> Household:
    return Household.objects.create(node_id=unit.node_id, unit=unit, address=address, category=category, size=size)


def household_set_category(*, household: Household, category: str, actor=None) -> Household:
    """Change a household's category. Apps that plan by category (visits: 三必访 cadence) listen
    to `people.signals.household_category_changed`."""
    from yizuyihui.people.signals import household_category_changed

    if category not in HouseholdCategory.values:
        raise PeopleError(_("Unknown household category: %s") % category)
    before, household.category = household.category, category
    household.save(update_fields=["category"])
    household_category_changed.send(sender=Household, household=household, before=before)
    return household


def person_create(*, name: str, gender: str, node: OrgNode, household: Household | None = None, **fields) -> Person:
    return Person.objects.create(name=name, gender=gender, node=node, household=household, **fields)


PERSON_COLUMNS = ("id", "name", "gender", "birth_year", "id_number", "phone", "is_party_member", "is_migrant",
                  "node_id", "household_id", "occupation", "outside_kind", "outside_place", "user_id")
# What a bulk insert writes: the numbers encrypted, and their lookup hashes (people/crypto.py).
_STORED_EXTRA = ("id_number_hash", "phone_hash")


def _sealed(rows, columns):
    """Encrypt the numbers of plain rows and append their lookup hashes, as Person.save() would."""
    from yizuyihui.people.crypto import lookup_hash, seal

    i_id, i_phone = columns.index("id_number"), columns.index("phone")
    for row in rows:
        row = list(row)
        id_number, phone = row[i_id] or "", row[i_phone] or ""
        row[i_id], row[i_phone] = seal("id_number", id_number), seal("phone", phone)
        yield (*row, lookup_hash(id_number), lookup_hash(phone))


def persons_bulk_create(*, persons: list[Person]) -> int:
    """Bulk path used by imports and the demo generator (millions of residents).

    Assigns primary keys to the given objects so the caller can link memberships to them."""
    from yizuyihui.core.bulk import fast_insert, reserve_ids

    with transaction.atomic():
        for person, pk in zip(persons, reserve_ids(Person, len(persons)), strict=True):
            person.pk = pk
        rows = ([getattr(p, c) for c in PERSON_COLUMNS] for p in persons)
        return fast_insert(Person, PERSON_COLUMNS + _STORED_EXTRA, _sealed(rows, PERSON_COLUMNS))


def persons_bulk_insert(*, rows) -> int:
    """Like persons_bulk_create but from plain tuples in PERSON_COLUMNS order without "id":
    no model objects are built, which is what makes a 3.2 M-resident load take minutes."""
    from yizuyihui.core.bulk import fast_insert

    return fast_insert(Person, PERSON_COLUMNS[1:] + _STORED_EXTRA, _sealed(rows, PERSON_COLUMNS[1:]))


HOUSEHOLD_COLUMNS = ("id", "node_id", "unit_id", "address", "category", "size")


def households_bulk_create(*, households: list[Household]) -> int:
    from yizuyihui.core.bulk import fast_insert, reserve_ids

    with transaction.atomic():
        for household, pk in zip(households, reserve_ids(Household, len(households)), strict=True):
            household.pk = pk
        return fast_insert(Household, HOUSEHOLD_COLUMNS, ([getattr(h, c) for c in HOUSEHOLD_COLUMNS] for h in households))


MEMBERSHIP_COLUMNS = ("person_id", "unit_id", "body", "role", "identity", "purpose", "started", "ended")


def memberships_bulk_create(*, memberships: list[Membership], step_down_previous: bool = False) -> int:
    """Seat many members at once (imports, the demo city). Callers keep one leader/head per body
    among the new seats; with `step_down_previous` the current leader/head of a body that gets a
    new one becomes a member, as in membership_add."""
    from yizuyihui.core.bulk import fast_insert

    if step_down_previous:
        for body, role in ((Body.PARTY_GROUP, MemberRole.LEADER), (Body.COUNCIL, MemberRole.HEAD)):
            unit_ids = sorted({m.unit_id for m in memberships if m.body == body and m.role == role})
            for i in range(0, len(unit_ids), 900):
                Membership.objects.filter(unit_id__in=unit_ids[i : i + 900], body=body, role=role,
                                          ended__isnull=True).update(role=MemberRole.MEMBER)
    return fast_insert(Membership, MEMBERSHIP_COLUMNS, ([getattr(m, c) for c in MEMBERSHIP_COLUMNS] for m in memberships))


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
            started=started or timezone.localdate(),
        )


def post_grant(*, user, role: str, node: OrgNode, department: str = "") -> Post:
    post, _created = Post.objects.update_or_create(
        user=user, role=role, node=node, defaults={"active": True, "department": department}
    )
    for attr in ("_yzyh_scope", "_yzyh_role_paths", "_yzyh_resident_unit"):
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
    return Registration.objects.create(person=person, kind=kind, node=node, employer=employer, registered_on=on or timezone.localdate())
