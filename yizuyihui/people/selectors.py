"""Reads for people, always limited to the viewer's scope."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet

from yizuyihui.accounts.roles import PERSONAL_DATA_ROLES
from yizuyihui.accounts.scope import has_role_over, scope_q
from yizuyihui.people.masking import mask_id_number, mask_phone
from yizuyihui.people.models import Body, Household, Membership, Person, Role


def can_see_personal_data(*, user, person: Person) -> bool:
    return has_role_over(user, person.node, PERSONAL_DATA_ROLES)


def person_phone_for(*, person: Person, user) -> str:
    return person.phone if can_see_personal_data(user=user, person=person) else mask_phone(person.phone)


def person_id_number_for(*, person: Person, user) -> str:
    return person.id_number if can_see_personal_data(user=user, person=person) else mask_id_number(person.id_number)


def user_name(user) -> str:
    """The person's name for an account (张三), the login name only when no person is linked."""
    if user is None:
        return "—"
    try:
        person = user.person
    except ObjectDoesNotExist:  # an account without a person (bench, admin)
        person = None
    # A resident who signed up and waits for the grid worker has no person yet, only their name.
    return getattr(person, "name", "") or user.get_full_name() or user.get_username()


def user_label(user) -> str:
    """A person as people know them: name and post (张三 · 网格员 · 幸福一网格), never a login
    name. Used by the |who filter and by text built in services (notification bodies, reasons).
    Cached on the user object."""
    if user is None:
        return "—"
    cached = getattr(user, "_yzyh_who", None)
    if cached is not None:
        return cached
    name = user_name(user)
    post = (user.posts.filter(active=True).exclude(role=Role.RESIDENT).select_related("node").order_by("pk").first()
            if getattr(user, "pk", None) else None)
    label = f"{name} · {post.get_role_display()} · {post.node.name}" if post is not None else name
    user._yzyh_who = label
    return label


def persons_visible_to(user) -> QuerySet[Person]:
    return Person.objects.filter(scope_q(user, "node")).select_related("node", "household")


def households_visible_to(user) -> QuerySet[Household]:
    return Household.objects.filter(scope_q(user, "node")).select_related("unit")


def unit_roster(*, unit) -> dict[str, list[Membership]]:
    """The unit's Party group, council and current "+" members, leaders first."""
    rows = (
        Membership.objects.filter(unit=unit, ended__isnull=True)
        .select_related("person", "person__node")
        .order_by("body", "-role", "person__name")
    )
    roster: dict[str, list[Membership]] = {Body.PARTY_GROUP: [], Body.COUNCIL: [], Body.PLUS: []}
    for m in rows:
        roster[m.body].append(m)
    for body in (Body.PARTY_GROUP, Body.COUNCIL):
        roster[body].sort(key=lambda m: (m.role not in ("leader", "head"), m.person.name))
    return roster
