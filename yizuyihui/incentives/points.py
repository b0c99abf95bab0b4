"""Points derived from the record (DOMAIN §9): which recorded events earn points, and how the
rules' caps apply.

`events_between` reads every rewarded event in a window with one query per event type (values
only, no model instances: a city's year is hundreds of thousands of rows). `award` applies the
rules to events in a fixed order — (time, source) — so the same events always give the same
awards; the caps count what the person already received in the period (`used`).
Derivation (services.points_derive) appends the awards to the ledger; recomputation
(`balances_recomputed`) runs `award` over all events from nothing and must give the same
balances: the test that says the ledger is a pure function of the record.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from operator import attrgetter
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Exists, Min, OuterRef, Q

from yizuyihui.incentives.models import CapPeriod, EntryKind, PointEntry, PointEvent, PointRule
from yizuyihui.incentives.periods import window_q as _window

TZ = ZoneInfo(settings.TIME_ZONE)


class Occurrence(NamedTuple):
    """A rewarded event. A named tuple, not a frozen dataclass: a city's year is millions of them,
    and a frozen dataclass's construction (object.__setattr__ per field) cost 3× as much."""
    at: dt.datetime
    source: str
    person_id: int
    event: str
    quantity: Decimal = Decimal(1)  # volunteer hours; 1 for everything else


# The fixed order awards are made in. A key of C-compared tuples, not the dataclass's own
# ordering: sorting a city's year (2.5 M occurrences) by `Occurrence.__lt__` took 3× as long.
ORDER = attrgetter("at", "source", "person_id")


def period_key(at: dt.datetime, period: str) -> str:
    # A period starts at local midnight and time zones' offsets are whole quarter hours, so the
    # key is computed once per UTC quarter hour and period (a city's year is millions of calls).
    utc = at.astimezone(dt.UTC)
    hour = (utc.toordinal(), utc.hour, utc.minute // 15, period)
    key = _PERIOD_KEYS.get(hour)
    if key is None:
        key = _PERIOD_KEYS[hour] = _period_key(at, period)
    return key


_PERIOD_KEYS: dict[tuple, str] = {}


def _period_key(at: dt.datetime, period: str) -> str:
    local = at.astimezone(TZ)
    if period == CapPeriod.YEAR:
        return f"{local.year}"
    if period == CapPeriod.QUARTER:
        return f"{local.year}Q{(local.month - 1) // 3 + 1}"
    return f"{local.year}-{local.month:02d}"


def _matters_accepted(start, end) -> Iterable[Occurrence]:
    """A matter its reporter filed that the unit accepted (received, or settled on the spot)."""
    from yizuyihui.cases.models import CaseEvent

    rows = (CaseEvent.objects.filter(action__in=("receive", "resolve_on_spot"), case__reporter__isnull=False)
            .values("case_id", "case__reporter_id").annotate(first=Min("at")).filter(_window("first", start, end)))
    for r in rows.iterator(chunk_size=5000):
        yield Occurrence(r["first"], f"case:{r['case_id']}", r["case__reporter_id"], PointEvent.MATTER_ACCEPTED)


def _visits_hosted(start, end) -> Iterable[Occurrence]:
    """A 三必访 visit, to the household's first-registered member (the household has no head field).
    The hosts come from one GROUP BY over the visited households, not a subquery per visit."""
    from yizuyihui.people.models import Person
    from yizuyihui.visits.models import Visit

    visits = Visit.objects.filter(_window("visited_at", start, end))
    visited = visits.filter(household_id=OuterRef("household_id"))
    hosts = dict(Person.objects.filter(household__isnull=False).filter(Exists(visited)).order_by()
                 .values("household_id").annotate(host=Min("pk")).values_list("household_id", "host")
                 .iterator(chunk_size=20000))
    for pk, at, household_id in visits.values_list("pk", "visited_at", "household_id").iterator(chunk_size=20000):
        person_id = hosts.get(household_id)
        if person_id is not None:
            yield Occurrence(at, f"visit:{pk}", person_id, PointEvent.VISIT_HOSTED)


def _volunteer_hours(start, end) -> Iterable[Occurrence]:
    """Hours logged on a dispatch; dated by the day served (noon local time, so the period is that day's)."""
    from yizuyihui.resources.models import ServiceHours

    q = Q()
    if start is not None:
        q &= Q(on__gte=start.astimezone(TZ).date())
    if end is not None:
        q &= Q(on__lt=end.astimezone(TZ).date())
    rows = ServiceHours.objects.filter(q).values_list("pk", "on", "volunteer__person_id", "hours")
    for pk, on, person_id, hours in rows.iterator(chunk_size=5000):
        at = dt.datetime.combine(on, dt.time(12), tzinfo=TZ)
        yield Occurrence(at, f"hours:{pk}", person_id, PointEvent.VOLUNTEER_HOURS, Decimal(hours))


def _plus_meetings(start, end) -> Iterable[Occurrence]:
    from yizuyihui.meetings.models import MeetingStatus, Participant
    from yizuyihui.people.models import Body

    rows = Participant.objects.filter(body=Body.PLUS, attended=True, meeting__status=MeetingStatus.HELD).filter(
        _window("meeting__held_at", start, end)).values_list("pk", "meeting__held_at", "person_id")
    for pk, at, person_id in rows.iterator(chunk_size=5000):
        yield Occurrence(at, f"seat:{pk}", person_id, PointEvent.PLUS_MEETING)


def _useful_reports(start, end) -> Iterable[Occurrence]:
    """A 六必报 report that proved useful: it went to a registry or a health follow-up, or the
    matter it opened was accepted (not returned or merged away)."""
    from yizuyihui.cases.models import CaseEvent
    from yizuyihui.visits.models import Desk, Report

    accepted = CaseEvent.objects.filter(case_id=OuterRef("case_id"), action__in=("receive", "resolve_on_spot"))
    rows = (Report.objects.filter(_window("reported_at", start, end), reported_by__person__isnull=False)
            .filter(Q(desk__in=(Desk.REGISTRY, Desk.HEALTH)) | Q(Exists(accepted)))
            .values_list("pk", "reported_at", "reported_by__person__pk"))
    for pk, at, person_id in rows.iterator(chunk_size=5000):
        yield Occurrence(at, f"report:{pk}", person_id, PointEvent.USEFUL_REPORT)


SOURCES = {
    PointEvent.MATTER_ACCEPTED: _matters_accepted,
    PointEvent.VISIT_HOSTED: _visits_hosted,
    PointEvent.VOLUNTEER_HOURS: _volunteer_hours,
    PointEvent.PLUS_MEETING: _plus_meetings,
    PointEvent.USEFUL_REPORT: _useful_reports,
}


def active_rules() -> dict[str, PointRule]:
    return {r.event: r for r in PointRule.objects.filter(active=True)}


def events_between(start=None, end=None, *, rules: dict | None = None) -> list[Occurrence]:
    rules = active_rules() if rules is None else rules
    out: list[Occurrence] = []
    for event, fn in SOURCES.items():
        if event in rules:
            out.extend(fn(start, end))
    out.sort(key=ORDER)
    return out


@dataclass
class Award:
    person_id: int
    event: str
    source: str
    period: str
    points: int
    at: dt.datetime


def award(occurrences: Iterable[Occurrence], rules: dict[str, PointRule], *, used=None,
          done: set | None = None) -> list[Award]:
    """Points for each occurrence, in order, within the caps. `used[(person, event, period)]` is
    what the person already has from that event type in that period; `done` the (person, source)
    pairs already in the ledger (skipped). Both are updated in place."""
    used = defaultdict(int) if used is None else used
    done = set() if done is None else done
    out = []
    if not isinstance(occurrences, list):
        occurrences = list(occurrences)
    occurrences.sort(key=ORDER)  # in place: a no-op pass over events_between's already sorted list
    for occ in occurrences:
        rule = rules.get(occ.event)
        if rule is None or (occ.person_id, occ.source) in done:
            continue
        period = period_key(occ.at, rule.period)
        key = (occ.person_id, occ.event, period)
        points = min(int(rule.points * occ.quantity), rule.cap - used[key])
        if points <= 0:
            continue
        used[key] += points
        done.add((occ.person_id, occ.source))
        out.append(Award(occ.person_id, occ.event, occ.source, period, points, occ.at))
    return out


def balances_recomputed(start=None, end=None) -> dict[int, int]:
    """Every person's balance from the record alone: awards from nothing, minus redemptions
    (computed in the database, points_sql.balances_sql)."""
    from yizuyihui.incentives import points_sql

    return points_sql.balances_sql(active_rules(), start, end)


def balances_recomputed_in_python(start=None, end=None) -> dict[int, int]:
    """The same through `award`, event by event: the reference the SQL is tested against."""
    rules = active_rules()
    balances: dict[int, int] = defaultdict(int)
    for a in award(events_between(start, end, rules=rules), rules):
        balances[a.person_id] += a.points
    for person_id, points in PointEntry.objects.filter(kind=EntryKind.REDEMPTION).values_list("person_id", "points"):
        balances[person_id] += points
    return {k: v for k, v in balances.items() if v}
