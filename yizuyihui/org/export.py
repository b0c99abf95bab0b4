"""Export of a city (see `imports`): its tree, rosters, households and residents as tables in the
import format, with Chinese headers and values.
"""

from __future__ import annotations

from yizuyihui.org.models import OrgNode
from yizuyihui.org.tables import (
    BODY_ZH,
    CATEGORY_ZH,
    GENDER_ZH,
    HOUSEHOLD_HEADERS,
    IDENTITY_ZH,
    LEVEL_ZH,
    OUTSIDE_ZH,
    RESIDENT_HEADERS,
    ROLE_ZH,
    ROSTER_HEADERS,
    TREE_HEADERS,
)


def export_tables(*, root: OrgNode | None = None) -> dict[str, list[list]]:
    """The tree, rosters, households and residents under `root` in the import format, with
    Chinese headers and values: importing the result into an empty database gives back the same
    nodes, units, persons, households and (current, non-"+") memberships.

    Left out: "+" members (drawn in per matter; a person who is nothing but a "+" member is not
    exported), ended memberships, accounts and posts."""
    from django.db.models import Q

    from yizuyihui.people.models import Body, Household, Membership, Person

    nodes = OrgNode.objects.all() if root is None else OrgNode.objects.filter(path__startswith=root.path)
    by_path: dict[str, str] = {}
    if root is not None and root.depth > 1:
        by_path[root.path[: -root.steplen]] = root.get_parent().code
    tree = [list(TREE_HEADERS.values())]
    for path, depth, code, level, name, urban in nodes.order_by("path").values_list(
            "path", "depth", "code", "level", "name", "is_urban").iterator(chunk_size=5000):
        by_path[path] = code
        parent_code = by_path.get(path[: -OrgNode.steplen], "") if depth > 1 else ""
        tree.append([code, parent_code, LEVEL_ZH[level], name, "是" if urban else "否"])

    def under(prefix: str) -> Q:
        return Q() if root is None else Q(**{f"{prefix}__path__startswith": root.path})

    roster = [list(ROSTER_HEADERS.values())]
    members = Membership.objects.filter(under("unit__node"), ended__isnull=True).exclude(body=Body.PLUS)
    for row in members.order_by("unit__node__path", "body", "pk").values_list(
            "unit__node__code", "person__name", "person__gender", "person__id_number", "person__phone",
            "person__is_party_member", "body", "role", "identity").iterator(chunk_size=5000):
        code, name, gender, number, phone, party, body, role, identity = row
        roster.append([code, name, GENDER_ZH.get(gender, gender), number, phone, "是" if party else "否",
                       BODY_ZH[body], ROLE_ZH[role], IDENTITY_ZH.get(identity, identity)])

    households = [list(HOUSEHOLD_HEADERS.values())]
    exported_households = set()
    for pk, code, address, category, size in Household.objects.filter(under("unit__node")).order_by("pk").values_list(
            "pk", "unit__node__code", "address", "category", "size").iterator(chunk_size=5000):
        exported_households.add(pk)
        households.append([str(pk), code, address, CATEGORY_ZH.get(category, category), size])

    # Everyone but people who are only "+" members, and seated people without an ID number (the
    # roster row is all there is to them: without a number a second row would be a second person).
    seated = Membership.objects.filter(ended__isnull=True).exclude(body=Body.PLUS).values("person_id")
    plus_only = Q(memberships__body=Body.PLUS, household__isnull=True) & ~Q(pk__in=seated)
    residents = [list(RESIDENT_HEADERS.values())]
    people = Person.objects.filter(under("node")).exclude(plus_only).exclude(Q(id_number="") & Q(pk__in=seated))
    for row in people.order_by("pk").distinct().values_list(
            "node__code", "name", "gender", "birth_year", "id_number", "phone", "is_party_member", "is_migrant",
            "household_id", "occupation", "outside_kind", "outside_place").iterator(chunk_size=5000):
        code, name, gender, year, number, phone, party, migrant, household, occupation, outside, place = row
        residents.append([code, name, GENDER_ZH.get(gender, gender), year or "", number, phone, "是" if party else "否",
                          "是" if migrant else "否", str(household) if household in exported_households else "",
                          occupation, OUTSIDE_ZH.get(outside, outside), place])
    return {"tree": tree, "roster": roster, "households": households, "residents": residents}
