"""Writes for people: persons, households, memberships, posts and 三报到 registrations."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yizuyihui.audit.models import AuditAction
from yizuyihui.audit.services import audit_record
from yizuyihui.core.errors import ServiceConflict, ServiceError, ServiceForbidden
from yizuyihui.org.models import Level, OrgNode, Unit
from yizuyihui.org.services import unit_refresh_measures
from yizuyihui.people.models import (
    Body,
    Household,
    HouseholdCategory,
    Identity,
    MemberRole,
    Membership,
    Person,
    Post,
    Registration,
    Role,
)
from yizuyihui.people.rosters import Seat, current_seats, roster_warnings
from yizuyihui.people.rules import ROLE_LEVELS, may_grant_post, may_manage_roster
from yizuyihui.people.selectors import user_name


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


# --- rosters: the unit's Party group, council and "+" pool ------------------------------------------
# With an `actor` (a cadre on the roster page) a change is checked against the actor's scope
# (people.rules.may_manage_roster) and the paper's rules (people.rosters): a change that breaks
# one raises RosterNeedsConfirmation, with the warnings, and writes nothing unless `confirmed`.
# Without an actor (the demo cast, "+" seats opened by other services) the caller is trusted.
# Every change is recorded in the audit log (AuditAction.ROSTER_CHANGED) with the unit as its object.


class RosterNeedsConfirmation(PeopleError):
    """The change breaks a rule of the paper: show the warnings, ask again with confirmed=True."""

    def __init__(self, warnings):
        self.warnings = list(warnings)
        super().__init__("; ".join(w.message for w in self.warnings))


def _roster_check(*, actor, units, change, confirmed: bool) -> list:
    """Scope and rules for a change of the rosters of `units`; `change(seats_by_unit)` applies the
    change to the seat lists in memory. Returns the warnings the actor confirmed."""
    if actor is None:
        return []
    for unit in units:
        if not may_manage_roster(actor, unit):
            raise ServiceForbidden(_("You may not change the roster of %s") % unit.name)
    before = {u.pk: current_seats(u) for u in units}
    after = change({pk: list(seats) for pk, seats in before.items()})
    warnings = [w for u in units for w in roster_warnings(unit=u, before=before[u.pk], after=after[u.pk])]
    if warnings and not confirmed:
        raise RosterNeedsConfirmation(warnings)
    return warnings


def _roster_record(*, actor, unit: Unit, change: str, membership: Membership, warnings=(), extra=None) -> None:
    audit_record(action=AuditAction.ROSTER_CHANGED, actor=actor, object_type="org.unit", object_id=unit.pk,
                 detail={"change": change, "membership": membership.pk, "person": membership.person_id,
                         "name": membership.person.name, "body": membership.body, "role": membership.role,
                         "warnings": [w.message for w in warnings], **(extra or {})})


def _seat_rules(*, person: Person, body: str, role: str, purpose: str) -> None:
    if body not in Body.values:
        raise PeopleError(_("Unknown body: %s") % body)
    if body == Body.PARTY_GROUP and not person.is_party_member:
        raise PeopleError(_("Only Party members can sit in the Party group"))
    if body == Body.PARTY_GROUP and role == MemberRole.HEAD:
        raise PeopleError(_("The Party group has a leader, not a head"))
    if body == Body.COUNCIL and role == MemberRole.LEADER:
        raise PeopleError(_("The council has a head, not a leader"))
    if body == Body.PLUS and role != MemberRole.MEMBER:
        raise PeopleError(_("A “+” member is a member, not a leader or head"))
    if body == Body.PLUS and not purpose:
        raise PeopleError(_("A “+” member is drawn in for a purpose; give it"))


def _seat(person: Person, body: str):
    return Seat(person.pk, body, person.is_party_member)


def membership_add(
    *, person: Person, unit: Unit, body: str, role: str = MemberRole.MEMBER, identity: str = "", purpose: str = "",
    started: dt.date | None = None, actor=None, confirmed: bool = False,
) -> Membership:
    """Seat a person in the unit's Party group or council, or draw them in as a "+" member."""
    _seat_rules(person=person, body=body, role=role, purpose=purpose)
    if identity and identity not in Identity.values:
        raise PeopleError(_("Unknown identity: %s") % identity)
    if body != Body.PLUS and Membership.objects.filter(person=person, unit=unit, body=body, ended__isnull=True).exists():
        raise PeopleError(_("%(name)s already sits in this body") % {"name": person.name})

    def change(seats):
        if body != Body.PLUS:
            seats[unit.pk].append(_seat(person, body))
        return seats

    with transaction.atomic():
        warnings = _roster_check(actor=actor, units=[unit], change=change, confirmed=confirmed)
        if role in (MemberRole.LEADER, MemberRole.HEAD):
            # One leader per Party group, one head per council: the previous one steps down.
            Membership.objects.filter(unit=unit, body=body, role=role, ended__isnull=True).update(role=MemberRole.MEMBER)
        membership = Membership.objects.create(
            person=person, unit=unit, body=body, role=role, identity=identity, purpose=purpose,
            started=started or timezone.localdate(),
        )
        _roster_record(actor=actor, unit=unit, change="add", membership=membership, warnings=warnings)
        if actor is not None:
            unit_refresh_measures(units=[unit])
    return membership


def membership_end(*, membership: Membership, actor=None, confirmed: bool = False, on: dt.date | None = None) -> Membership:
    """A member leaves the body (the row stays, with its end date: the roster's history)."""
    if membership.ended is not None:
        raise PeopleError(_("This membership has already ended"))
    unit = membership.unit

    def change(seats):
        seats[unit.pk] = [s for s in seats[unit.pk] if (s.person_id, s.body) != (membership.person_id, membership.body)]
        return seats

    with transaction.atomic():
        warnings = _roster_check(actor=actor, units=[unit], change=change, confirmed=confirmed)
        ended = on or timezone.localdate()
        if not Membership.objects.filter(pk=membership.pk, ended__isnull=True).update(ended=ended):
            raise ServiceConflict(_("This membership has already ended"))
        membership.ended = ended
        _roster_record(actor=actor, unit=unit, change="end", membership=membership, warnings=warnings)
        if actor is not None:
            unit_refresh_measures(units=[unit])
    return membership


def membership_move(
    *, membership: Membership, actor=None, unit: Unit | None = None, body: str | None = None, role: str | None = None,
    purpose: str | None = None, confirmed: bool = False,
) -> Membership:
    """Move a member to another body of the unit ("+" → council, council → Party group) or to the
    same body of another unit: the old seat ends today, a new one starts (both stay in history)."""
    if membership.ended is not None:
        raise PeopleError(_("This membership has already ended"))
    person, source = membership.person, membership.unit
    target = unit or source
    body = body or membership.body
    role = role or (MemberRole.MEMBER if body != membership.body else membership.role)
    purpose = membership.purpose if purpose is None else purpose
    if target.pk == source.pk and body == membership.body:
        raise PeopleError(_("Choose another unit or another body"))
    _seat_rules(person=person, body=body, role=role, purpose=purpose)
    if body != Body.PLUS and Membership.objects.filter(person=person, unit=target, body=body, ended__isnull=True).exists():
        raise PeopleError(_("%(name)s already sits in this body") % {"name": person.name})
    units = [source] if target.pk == source.pk else [source, target]

    def change(seats):
        seats[source.pk] = [s for s in seats[source.pk] if (s.person_id, s.body) != (person.pk, membership.body)]
        if body != Body.PLUS:
            seats[target.pk].append(_seat(person, body))
        return seats

    with transaction.atomic():
        warnings = _roster_check(actor=actor, units=units, change=change, confirmed=confirmed)
        today = timezone.localdate()
        if not Membership.objects.filter(pk=membership.pk, ended__isnull=True).update(ended=today):
            raise ServiceConflict(_("This membership has already ended"))
        membership.ended = today
        if role in (MemberRole.LEADER, MemberRole.HEAD):
            Membership.objects.filter(unit=target, body=body, role=role, ended__isnull=True).update(role=MemberRole.MEMBER)
        moved = Membership.objects.create(person=person, unit=target, body=body, role=role, identity=membership.identity,
                                          purpose=purpose if body == Body.PLUS else "", started=today)
        detail = {"from_unit": source.pk, "from_unit_name": source.name, "from_body": membership.body,
                  "to_unit": target.pk, "to_unit_name": target.name, "to_body": body, "new_membership": moved.pk}
        for u in units:
            _roster_record(actor=actor, unit=u, change="move", membership=membership, warnings=warnings, extra=detail)
        if actor is not None:
            unit_refresh_measures(units=units)
    return moved


# --- posts: roles held at a node ------------------------------------------------------------------


def _forget_user_caches(user) -> None:
    for attr in ("_yzyh_scope", "_yzyh_role_paths", "_yzyh_resident_unit", "_yzyh_posts"):
        if hasattr(user, attr):
            delattr(user, attr)


def _post_record(*, actor, post: Post, change: str, extra=None) -> None:
    unit_id = Unit.objects.filter(node_id=post.node_id).values_list("pk", flat=True).first()
    audit_record(action=AuditAction.ROSTER_CHANGED, actor=actor,
                 object_type="org.unit" if unit_id else "org.orgnode", object_id=unit_id or post.node_id,
                 detail={"change": change, "post": post.pk, "user": post.user_id, "role": post.role,
                         "name": _user_display(post.user), "node": post.node_id, **(extra or {})})


def _user_display(user) -> str:
    return user_name(user)


def _may_grant(actor, role: str, node: OrgNode) -> None:
    if actor is not None and not may_grant_post(actor, role, node):
        raise ServiceForbidden(_("You may not give this post here"))


def post_add(*, user, role: str, node: OrgNode, department: str = "", actor=None) -> Post:
    """Give `user` a post (a role at a node); a cadre gives only posts below their own, in their scope."""
    if role not in Role.values:
        raise PeopleError(_("Unknown role: %s") % role)
    _may_grant(actor, role, node)  # first: a post above the actor is refused, wherever it was asked for
    if node.level not in ROLE_LEVELS[role]:
        raise PeopleError(_("A %(role)s post is held at a %(levels)s") % {
            "role": Role(role).label, "levels": " / ".join(str(Level(lv).label) for lv in sorted(ROLE_LEVELS[role]))})
    with transaction.atomic():
        if Post.objects.filter(user=user, role=role, node=node, active=True).exists():
            raise PeopleError(_("%(name)s already holds this post") % {"name": _user_display(user)})
        post = post_grant(user=user, role=role, node=node, department=department)
        _post_record(actor=actor, post=post, change="add")
    return post


def post_end(*, post: Post, actor=None) -> Post:
    _may_grant(actor, post.role, post.node)
    if not post.active:
        raise PeopleError(_("This post has already ended"))
    with transaction.atomic():
        post.active = False
        post.save(update_fields=["active"])  # save(): the scope cache and the audit signal follow
        _forget_user_caches(post.user)
        _post_record(actor=actor, post=post, change="end")
    return post


def post_move(*, post: Post, node: OrgNode, actor=None) -> Post:
    """The same person takes the same role at another node (a grid worker moves to the next grid)."""
    if not post.active:
        raise PeopleError(_("This post has already ended"))
    if node.pk == post.node_id:
        raise PeopleError(_("Choose another place"))
    if node.level not in ROLE_LEVELS[post.role]:
        raise PeopleError(_("A %(role)s post is held at a %(levels)s") % {
            "role": post.get_role_display(),
            "levels": " / ".join(str(Level(lv).label) for lv in sorted(ROLE_LEVELS[post.role]))})
    _may_grant(actor, post.role, post.node)
    _may_grant(actor, post.role, node)
    with transaction.atomic():
        from_node = post.node_id
        existing = Post.objects.filter(user_id=post.user_id, role=post.role, node=node).first()
        if existing is not None:  # held there before: take that row up again, end this one
            if existing.active:
                raise PeopleError(_("%(name)s already holds this post") % {"name": _user_display(post.user)})
            existing.active = True
            existing.department = post.department
            existing.save(update_fields=["active", "department"])
            post.active = False
            post.save(update_fields=["active"])
            moved = existing
        else:
            post.node = node
            post.save(update_fields=["node"])
            moved = post
        _forget_user_caches(post.user)
        _post_record(actor=actor, post=moved, change="move", extra={"from_node": from_node, "to_node": node.pk})
    return moved


def post_grant(*, user, role: str, node: OrgNode, department: str = "") -> Post:
    post, _created = Post.objects.update_or_create(
        user=user, role=role, node=node, defaults={"active": True, "department": department}
    )
    _forget_user_caches(user)
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
