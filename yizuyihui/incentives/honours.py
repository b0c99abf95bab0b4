"""Honours (荣誉, DOMAIN §9): titles per period (星级文明户, 优秀志愿者, 优秀议事会成员 …, kept as
data in HonourTitle) proposed from the measures of the record, confirmed (or rejected) by the
community, and shown — confirmed only, names only — on the unit's board (光荣榜).

Measures, per unit and period:
- a household's points: the awards (积分 ledger) of its members dated in the period;
- a person's points: their awards dated in the period (the unit they live in);
- volunteer hours: hours served in the period (resources selector; the unit they live in);
- council meetings attended: held meetings of the unit's council they attended (meetings selector).
The candidates of a unit are those at or above the title's minimum, best first (ties: the earlier
registered), at most `per_unit`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from yizuyihui.accounts.roles import COMMUNITY_STREET_ROLES
from yizuyihui.accounts.scope import paths_q, role_paths
from yizuyihui.core.errors import ServiceError, ServiceForbidden
from yizuyihui.core.public import public_name
from yizuyihui.incentives import rules
from yizuyihui.incentives.models import EntryKind, PointEntry
from yizuyihui.incentives.periods import Period, PeriodError, period_parse
from yizuyihui.incentives.recognition import (
    Honour,
    HonourMeasure,
    HonourPeriod,
    HonourStatus,
    HonourTitle,
)
from yizuyihui.meetings import selectors as meeting_selectors
from yizuyihui.org.models import Unit
from yizuyihui.people.models import Body, Person, Relation
from yizuyihui.resources import selectors as resource_selectors


class HonourError(ServiceError):
    pass


# --- measures --------------------------------------------------------------------------------------
def _unit_finder(node):
    """A function path → unit id for the units under `node` (a building's path finds its grid)."""
    units = dict(Unit.objects.filter(node__path__startswith=node.path).values_list("node__path", "pk"))
    lengths = sorted({len(p) for p in units})

    def find(path: str) -> int | None:
        for n in lengths:
            uid = units.get(path[:n])
            if uid is not None:
                return uid
        return None
    return find


def measure_values(*, title: HonourTitle, node, period: Period) -> dict[tuple[int, int], Decimal]:
    """(unit id, person or household id) → the title's measure in the period, under `node`."""
    out: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    if title.measure == HonourMeasure.COUNCIL_MEETINGS:
        counts = meeting_selectors.attendance_counts(path=node.path, start=period.start, end=period.end,
                                                     body=Body.COUNCIL)
        return {(uid, pid): Decimal(n) for (pid, uid), n in counts.items()}
    find = _unit_finder(node)
    if title.measure == HonourMeasure.HOUSEHOLD_POINTS:
        rows = (PointEntry.objects.filter(kind=EntryKind.AWARD, at__gte=period.start, at__lt=period.end,
                                          person__household__unit__node__path__startswith=node.path)
                .values("person__household_id", "person__household__unit_id").annotate(s=Sum("points"))
                .values_list("person__household__unit_id", "person__household_id", "s"))
        return {(uid, hid): Decimal(s) for uid, hid, s in rows if s}
    if title.measure == HonourMeasure.POINTS:
        rows = (PointEntry.objects.filter(kind=EntryKind.AWARD, at__gte=period.start, at__lt=period.end,
                                          person__node__path__startswith=node.path)
                .values("person_id", "person__node__path").annotate(s=Sum("points"))
                .values_list("person_id", "person__node__path", "s"))
        values = {(pid, path): Decimal(s) for pid, path, s in rows if s}
    else:  # volunteer hours
        hours = resource_selectors.hours_by_person(home_path=node.path, first=period.first, after=period.after)
        paths = dict(Person.objects.filter(pk__in=list(hours)).values_list("pk", "node__path"))
        values = {(pid, paths[pid]): h for pid, h in hours.items() if h}
    for (pid, path), v in values.items():
        uid = find(path)
        if uid is not None:
            out[(uid, pid)] += v
    return dict(out)


def candidates(*, title: HonourTitle, node, period: Period) -> list[tuple[int, int, Decimal, int]]:
    """(unit id, subject id, value, rank) of the proposals: per unit, at least the minimum, best
    first (ties: the smaller id, i.e. the earlier registered), at most `per_unit`."""
    by_unit: dict[int, list[tuple[Decimal, int]]] = defaultdict(list)
    for (uid, sid), value in measure_values(title=title, node=node, period=period).items():
        if value >= title.minimum:
            by_unit[uid].append((value, sid))
    out = []
    for uid in sorted(by_unit):
        ranked = sorted(by_unit[uid], key=lambda vs: (-vs[0], vs[1]))[: title.per_unit]
        out.extend((uid, sid, value, rank) for rank, (value, sid) in enumerate(ranked, start=1))
    return out


# --- services --------------------------------------------------------------------------------------
def _period_for(title: HonourTitle, key: str) -> Period:
    try:
        period = period_parse(key)
    except PeriodError as exc:
        raise HonourError(str(exc)) from exc
    if period.is_quarter != (title.period == HonourPeriod.QUARTER):
        raise HonourError(_("%(title)s is awarded %(period)s") % {"title": title.name,
                                                                     "period": title.get_period_display()})
    if period.first > timezone.localdate():
        raise HonourError(_("That period has not begun"))
    return period


def honours_propose(*, actor, node, title: HonourTitle, period: str, now=None) -> int:
    """Propose the title's candidates for the units under `node` from the record. Proposing again
    recomputes the open proposals (new candidates added, those who no longer qualify dropped);
    confirmed and rejected decisions stay. Returns the number of open proposals."""
    now = now or timezone.now()
    if not rules.can_issue_for(actor, node):
        raise ServiceForbidden(_("Only the community or the street proposes its honours"))
    if not title.active:
        raise HonourError(_("This title is no longer awarded"))
    p = _period_for(title, period)
    field = "household_id" if title.for_households else "person_id"
    with transaction.atomic():
        HonourTitle.objects.select_for_update().filter(pk=title.pk).first()  # one proposal run per title at a time
        existing = {getattr(h, field): h for h in Honour.objects.filter(
            title=title, period=p.key, unit__node__path__startswith=node.path)}
        wanted = {sid: (uid, value, rank) for uid, sid, value, rank in candidates(title=title, node=node, period=p)}
        stale = [h.pk for sid, h in existing.items() if sid not in wanted and h.status == HonourStatus.PROPOSED]
        Honour.objects.filter(pk__in=stale).delete()
        for sid, (uid, value, rank) in wanted.items():
            h = existing.get(sid)
            if h is None:
                Honour.objects.create(title=title, period=p.key, unit_id=uid, value=value, rank=rank, proposed_at=now,
                                      **{field: sid})
            elif h.status == HonourStatus.PROPOSED and (h.value, h.rank, h.unit_id) != (value, rank, uid):
                h.value, h.rank, h.unit_id, h.proposed_at = value, rank, uid, now
                h.save(update_fields=["value", "rank", "unit", "proposed_at"])
        return Honour.objects.filter(title=title, period=p.key, unit__node__path__startswith=node.path,
                                     status=HonourStatus.PROPOSED).count()


def _decide(actor, honour: Honour, status: str, reason: str, now) -> Honour:
    if not rules.can_decide_honours(actor, honour.unit):
        raise ServiceForbidden(_("Only the community confirms its honours"))
    with transaction.atomic():
        locked = Honour.objects.select_for_update().get(pk=honour.pk)
        locked.status, locked.decided_by, locked.decided_at, locked.reason = status, actor, now or timezone.now(), reason
        locked.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    return locked


def honour_confirm(*, actor, honour: Honour, now=None) -> Honour:
    """The community confirms a proposal: from then on it is on the unit's board."""
    return _decide(actor, honour, HonourStatus.CONFIRMED, "", now)


def honour_reject(*, actor, honour: Honour, reason: str = "", now=None) -> Honour:
    """The community rejects a proposal (or withdraws a confirmed honour), with a reason."""
    reason = (reason or "").strip()[:200]
    if not reason:
        raise HonourError(_("Say why"))
    return _decide(actor, honour, HonourStatus.REJECTED, reason, now)


def _number(value, message: str) -> Decimal:
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError):
        raise HonourError(message) from None


def honour_title_save(*, actor, pk=None, name: str, measure: str, period: str, minimum, per_unit,
                      active: bool = True) -> HonourTitle:
    """Create or change a title. Bounded like the points rules: a positive minimum and at most
    50 per unit (a title awarded to everyone honours no one)."""
    if not rules.can_edit_honour_titles(actor):
        raise ServiceForbidden(_("Only the city's administrators edit the honour titles"))
    name = (name or "").strip()[:50]
    if not name:
        raise HonourError(_("Name the title"))
    if measure not in HonourMeasure.values or period not in HonourPeriod.values:
        raise HonourError(_("Choose the measure and the period"))
    minimum = _number(minimum, _("The minimum must be a number"))
    per_unit = _number(per_unit, _("How many per unit must be a whole number"))
    if minimum <= 0 or not 1 <= per_unit <= 50 or per_unit != per_unit.to_integral_value():
        raise HonourError(_("The minimum must be positive and 1 to 50 per unit"))
    values = {"name": name, "measure": measure, "period": period, "minimum": minimum, "per_unit": int(per_unit),
              "active": active}
    if pk:
        title = HonourTitle.objects.filter(pk=pk).first()
        if title is None:
            raise HonourError(_("Unknown title"))
        for k, v in values.items():
            setattr(title, k, v)
        title.save()
        return title
    if HonourTitle.objects.filter(name=name).exists():
        raise HonourError(_("A title of that name exists"))
    return HonourTitle.objects.create(**values)


# The city's titles as shipped (a data migration adds them too; tests and the demo call this, as
# a transactional test's flush empties the table).
DEFAULT_TITLES = [
    # name, measure, period, at least, per unit
    ("星级文明户", HonourMeasure.HOUSEHOLD_POINTS, HonourPeriod.YEAR, 30, 3),
    ("优秀志愿者", HonourMeasure.VOLUNTEER_HOURS, HonourPeriod.YEAR, 8, 3),
    ("优秀议事会成员", HonourMeasure.COUNCIL_MEETINGS, HonourPeriod.YEAR, 3, 2),
    ("积分之星", HonourMeasure.POINTS, HonourPeriod.QUARTER, 10, 1),
]


def honour_titles_default() -> list[HonourTitle]:
    return [HonourTitle.objects.get_or_create(name=name, defaults={"measure": measure, "period": period,
                                                                   "minimum": minimum, "per_unit": per_unit})[0]
            for name, measure, period, minimum, per_unit in DEFAULT_TITLES]


# --- selectors -------------------------------------------------------------------------------------
def household_names(household_ids) -> dict[int, str]:
    """The household's name: its head's (与户主关系 户主), else its first registered member's."""
    out: dict[int, tuple[bool, int, str]] = {}
    for hid, pk, name, relation in Person.objects.filter(household_id__in=list(household_ids)).values_list(
            "household_id", "pk", "name", "relation"):
        key = (relation != Relation.HEAD, pk, name)
        if hid not in out or key < out[hid]:
            out[hid] = key
    return {hid: v[2] for hid, v in out.items()}


def _with_names(honours: list[Honour]) -> list[Honour]:
    names = household_names({h.household_id for h in honours if h.household_id})
    for h in honours:
        h.display_name = (public_name(names.get(h.household_id, ""), household=True) if h.household_id
                          else public_name(h.person.name))
    return honours


def honours_under(*, node, since: dt.date | None = None) -> list[Honour]:
    """The candidates and decisions under a community or street, newest periods first."""
    since = since or dt.date(timezone.localdate().year - 1, 1, 1)
    rows = list(Honour.objects.filter(unit__node__path__startswith=node.path, period__gte=str(since.year))
                .select_related("title", "unit__node", "person").order_by("-period", "title_id", "unit__node__path", "rank")[:500])
    for h in rows:
        h.period_label = period_parse(h.period).label
    return _with_names(rows)


def proposals_waiting(*, user) -> int:
    paths = role_paths(user, COMMUNITY_STREET_ROLES)
    return Honour.objects.filter(paths_q(paths, "unit__node"), status=HonourStatus.PROPOSED).count()


def unit_board(*, unit, limit: int = 100) -> list[dict]:
    """光荣榜: the unit's confirmed honours, newest period first — title, period and name only."""
    rows = _with_names(list(Honour.objects.filter(unit=unit, status=HonourStatus.CONFIRMED)
                            .select_related("title", "person").order_by("-period", "title_id", "rank")[:limit]))
    board: dict[tuple[str, str], dict] = {}
    for h in rows:
        entry = board.setdefault((h.period, h.title.name), {"period": period_parse(h.period).label,
                                                            "title": h.title.name, "names": []})
        entry["names"].append(h.display_name)
    return list(board.values())


def titles_page() -> dict:
    return {"titles": list(HonourTitle.objects.all()), "measures": HonourMeasure.choices,
            "periods": HonourPeriod.choices}
