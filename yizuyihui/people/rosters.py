"""The paper's rules for a unit's bodies (DOMAIN §3), as warnings a cadre confirms.

Party group 3–7 members; council 5–10 fixed members; Party members usually at least 60 % of a
rural council and 50 % of an urban one. "Usually": a unit may have reasons, so a change that
breaks a rule is shown to the cadre and needs an explicit confirmation — never refused, never
silently accepted. A change that leaves a rule broken but no worse (the third member of a
two-member Party group) is not warned about: it goes the right way.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from yizuyihui.org.models import Unit, UnitKind
from yizuyihui.people.models import Body, Membership

PARTY_GROUP_SIZE = (3, 7)
COUNCIL_SIZE = (5, 10)
COUNCIL_PARTY_SHARE = {UnitKind.RURAL: 0.6, UnitKind.URBAN: 0.5}


@dataclass(frozen=True)
class Seat:
    """A seat of the roster as the rules see it."""

    person_id: int
    body: str
    is_party_member: bool


@dataclass(frozen=True)
class RosterWarning:
    rule: str  # "party_group_size" | "council_size" | "council_party_share"
    message: str


def current_seats(unit: Unit) -> list[Seat]:
    rows = (Membership.objects.filter(unit=unit, ended__isnull=True, body__in=[Body.PARTY_GROUP, Body.COUNCIL])
            .values_list("person_id", "body", "person__is_party_member"))
    return [Seat(p, b, bool(party)) for p, b, party in rows]


def _measures(unit: Unit, seats: list[Seat]) -> dict[str, float]:
    group = {s.person_id for s in seats if s.body == Body.PARTY_GROUP}
    council = {s.person_id: s.is_party_member for s in seats if s.body == Body.COUNCIL}
    return {"party_group_size": len(group), "council_size": len(council),
            "council_party_share": (sum(council.values()) / len(council)) if council else 0.0}


def _broken(unit: Unit, m: dict[str, float]) -> dict[str, str]:
    """rule → "low" | "high" for each rule the measures break."""
    out = {}
    for rule, (low, high) in (("party_group_size", PARTY_GROUP_SIZE), ("council_size", COUNCIL_SIZE)):
        if m[rule] < low:
            out[rule] = "low"
        elif m[rule] > high:
            out[rule] = "high"
    if m["council_size"] and m["council_party_share"] < COUNCIL_PARTY_SHARE[unit.kind]:
        out["council_party_share"] = "low"
    return out


def roster_warnings(*, unit: Unit, before: list[Seat], after: list[Seat]) -> list[RosterWarning]:
    """What the change from `before` to `after` breaks (or makes worse), in the users' words."""
    mb, ma = _measures(unit, before), _measures(unit, after)
    broken_before, broken_after = _broken(unit, mb), _broken(unit, ma)
    warnings = []
    for rule, side in broken_after.items():
        worse = (rule not in broken_before or broken_before[rule] != side
                 or (ma[rule] < mb[rule] if side == "low" else ma[rule] > mb[rule]))
        if not worse:
            continue
        if rule == "party_group_size":
            low, high = PARTY_GROUP_SIZE
            text = _("The Party group would have %(n)d members; the rule is %(low)d–%(high)d.")
            warnings.append(RosterWarning(rule, text % {"n": ma[rule], "low": low, "high": high}))
        elif rule == "council_size":
            low, high = COUNCIL_SIZE
            text = _("The council would have %(n)d members; the rule is %(low)d–%(high)d.")
            warnings.append(RosterWarning(rule, text % {"n": ma[rule], "low": low, "high": high}))
        else:
            text = _("Party members would be %(share).0f%% of the council; at least %(min).0f%% is usual for a "
                     "%(kind)s.")
            warnings.append(RosterWarning(rule, text % {
                "share": ma[rule] * 100, "min": COUNCIL_PARTY_SHARE[unit.kind] * 100,
                "kind": _("rural unit") if unit.kind == UnitKind.RURAL else _("urban unit")}))
    return warnings
