"""Writes to the organisation tree and units."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from yizuyihui.org.models import CHILD_LEVELS, UNIT_LEVELS, Level, OrgNode, Unit, UnitKind


class OrgError(ValueError):
    pass


def node_create(*, parent: OrgNode | None, name: str, level: str, code: str, is_urban: bool | None = None) -> OrgNode:
    """Add a node under `parent` (or a root city). A grid or natural village gets its unit at once,
    so "exactly one unit per grid/natural village" holds from the moment the node exists."""
    if parent is None:
        if level != Level.CITY:
            raise OrgError(_("Only a city can be a root node"))
        node = OrgNode.add_root(name=name, level=level, code=code, is_urban=True if is_urban is None else is_urban)
    else:
        if level not in CHILD_LEVELS[parent.level]:
            raise OrgError(_("A %(child)s cannot sit under a %(parent)s") % {"child": level, "parent": parent.level})
        if is_urban is None:
            is_urban = level not in {Level.VILLAGE, Level.NATURAL_VILLAGE, Level.TOWNSHIP} and parent.is_urban
        node = parent.add_child(name=name, level=level, code=code, is_urban=is_urban)
    if level in UNIT_LEVELS:
        Unit.objects.create(node=node, name=name, kind=UnitKind.URBAN if level == Level.GRID else UnitKind.RURAL)
    return node


def unit_refresh_measures(*, units=None) -> int:
    """Recompute the embedding rollups (DOMAIN §3) for `units` (default: all). Returns units updated.

    embedding degree = share of current Party-group members who also sit on the council;
    一肩挑 = the group leader is the council head; Party share = Party members among the council.
    """
    from yizuyihui.people.models import Body, Household, Membership, MemberRole, Person

    qs = Unit.objects.all() if units is None else Unit.objects.filter(pk__in=[u.pk for u in units])
    unit_ids = list(qs.values_list("pk", flat=True))
    if not unit_ids:
        return 0
    seats: dict[int, dict] = {uid: {"pg": set(), "co": set(), "party_co": 0, "leader": None, "head": None} for uid in unit_ids}
    active = Membership.objects.filter(unit_id__in=unit_ids, ended__isnull=True).exclude(body=Body.PLUS)
    for unit_id, person_id, body, role, is_party in active.values_list(
        "unit_id", "person_id", "body", "role", "person__is_party_member"
    ).iterator(chunk_size=5000):
        s = seats[unit_id]
        if body == Body.PARTY_GROUP:
            s["pg"].add(person_id)
            if role == MemberRole.LEADER:
                s["leader"] = person_id
        else:
            s["co"].add(person_id)
            s["party_co"] += int(is_party)
            if role == MemberRole.HEAD:
                s["head"] = person_id
    households = dict(
        Household.objects.filter(unit_id__in=unit_ids).values("unit_id").annotate(n=Count("pk")).values_list("unit_id", "n")
    )
    residents = dict(
        Person.objects.filter(node__unit__in=unit_ids).values("node__unit").annotate(n=Count("pk")).values_list("node__unit", "n")
    )
    units_to_save = []
    for unit in Unit.objects.filter(pk__in=unit_ids):
        s = seats[unit.pk]
        unit.party_group_size = len(s["pg"])
        unit.council_size = len(s["co"])
        unit.embedding_degree = round(len(s["pg"] & s["co"]) / len(s["pg"]), 4) if s["pg"] else 0.0
        unit.council_party_share = round(s["party_co"] / len(s["co"]), 4) if s["co"] else 0.0
        unit.one_shoulder = s["leader"] is not None and s["leader"] == s["head"]
        unit.households = households.get(unit.pk, 0)
        unit.residents = residents.get(unit.pk, 0)
        units_to_save.append(unit)
    with transaction.atomic():
        Unit.objects.bulk_update(
            units_to_save,
            ["party_group_size", "council_size", "embedding_degree", "council_party_share", "one_shoulder", "households", "residents"],
            batch_size=1000,
        )
    return len(units_to_save)

