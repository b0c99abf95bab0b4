"""The points rules applied in the database (DOMAIN §9): a city's year is millions of rewarded
events, too many to pass through Python one by one (the reference loop, `points.award`, cost
~12 µs an event: 500 s for B市's year).

One statement reads every rewarded event (the same ORM querysets as `points.events_between`,
one per event type with an active rule, glued by UNION ALL), computes each event's points
(`rule.points × quantity`, truncated like `int()`), its cap period (local time, the site's zone)
and a running sum per person × event type × cap period ordered by (time, source) — the order
`points.award` uses, the source compared byte by byte as Python compares strings — and clips it
at the cap:

    awarded = min(cap, used + running sum) − min(cap, used + running sum − points)

where `used` is what the ledger already holds for that person, event type and period. That is
exactly the greedy loop's `min(points, cap − used)` event after event (the cap is reached once
and every later event of the period gets 0, a partial award included). Events whose (person,
source) is already in the ledger are left out before the sum, events awarding 0 are not written,
just as the loop skips them.

SQLite stores datetimes as text: the ORM writes naive UTC ("2026-03-05 02:00:00[.ffffff]"),
bulk loads may write an offset ("2026-03-05 10:00:00+08:00"). Every time is brought to the ORM's
form (strftime to UTC, the microseconds kept) before it is ordered, keyed or written. SQLite has no
time-zone database: the local time is the UTC time plus the zone's offset, chosen by a CASE over
the runs of constant offset (`_offset_runs`, one run for Asia/Shanghai since 1991). PostgreSQL
converts with AT TIME ZONE.
"""

from __future__ import annotations

import datetime as dt
import functools
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Min, Q

from yizuyihui.incentives.models import CapPeriod, EntryKind, PointAccount, PointEntry, PointEvent, PointRule
from yizuyihui.incentives.periods import window_q as _window  # one [start, end) filter for both paths

TZ = ZoneInfo(settings.TIME_ZONE)
# The earliest and latest instants the SQLite offset runs cover (a window narrows them).
_FAR_PAST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
_FAR_FUTURE = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)


# --- the rewarded events, as querysets of (_p person, _r the row named in the source, _at) ---------
# The same filters as points.py's generators (which stay the reference the tests compare with).
def _matters_accepted(start, end):
    from yizuyihui.cases.models import CaseEvent

    return (CaseEvent.objects.filter(action__in=("receive", "resolve_on_spot"), case__reporter__isnull=False)
            .values("case_id").annotate(_p=Min("case__reporter_id"), _at=Min("at"))
            .filter(_window("_at", start, end)).annotate(_r=F("case_id")).values_list("_p", "_r", "_at"))


def _visits_hosted(start, end):
    """To the household's first-registered member (the smallest person id of the household):
    `_p` is the household here, replaced by its host in `_hosts_joined` — one grouped join, not a
    subquery per visit (PostgreSQL evaluated that twice per row: 4.4 M index scans for a year)."""
    from yizuyihui.visits.models import Visit

    return (Visit.objects.filter(_window("visited_at", start, end))
            .annotate(_p=F("household_id"), _r=F("pk"), _at=F("visited_at")).values_list("_p", "_r", "_at"))


def _hosts_joined(inner: str) -> str:
    """The host by one index lookup per visit (the five-minute job's window holds few visits; a
    grouped join read all 3.3 M people each time). OFFSET 0 keeps the subquery from being merged
    into the outer query, which would evaluate the lookup twice (for `_p IS NOT NULL`, then the value)."""
    from yizuyihui.people.models import Person

    person = connection.ops.quote_name(Person._meta.db_table)
    offset = "OFFSET 0" if connection.vendor == "postgresql" else "LIMIT -1 OFFSET 0"
    return (f"SELECT (SELECT MIN(p.id) FROM {person} p WHERE p.household_id = v._p) AS _p, v._r AS _r, "
            f"v._at AS _at FROM ({inner}) v {offset}")


def _volunteer_hours(start, end):
    """`_at` is the day served (a date); the event is dated noon local time that day."""
    from yizuyihui.resources.models import ServiceHours

    q = Q()
    if start is not None:
        q &= Q(on__gte=start.astimezone(TZ).date())
    if end is not None:
        q &= Q(on__lt=end.astimezone(TZ).date())
    return (ServiceHours.objects.filter(q)
            .annotate(_p=F("volunteer__person_id"), _r=F("pk"), _at=F("on"), _q=F("hours"))
            .values_list("_p", "_r", "_at", "_q"))


def _plus_meetings(start, end):
    from yizuyihui.meetings.models import MeetingStatus, Participant
    from yizuyihui.people.models import Body

    return (Participant.objects.filter(body=Body.PLUS, attended=True, meeting__status=MeetingStatus.HELD)
            .filter(_window("meeting__held_at", start, end))
            .annotate(_p=F("person_id"), _r=F("pk"), _at=F("meeting__held_at")).values_list("_p", "_r", "_at"))


def _useful_reports(start, end):
    from django.db.models import Exists, OuterRef

    from yizuyihui.cases.models import CaseEvent
    from yizuyihui.visits.models import Desk, Report

    accepted = CaseEvent.objects.filter(case_id=OuterRef("case_id"), action__in=("receive", "resolve_on_spot"))
    return (Report.objects.filter(_window("reported_at", start, end), reported_by__person__isnull=False)
            .filter(Q(desk__in=(Desk.REGISTRY, Desk.HEALTH)) | Q(Exists(accepted)))
            .annotate(_p=F("reported_by__person__pk"), _r=F("pk"), _at=F("reported_at"))
            .values_list("_p", "_r", "_at"))


# event type: (the rows, the source's prefix, dated by a day rather than an instant)
SOURCES = {
    PointEvent.MATTER_ACCEPTED: (_matters_accepted, "case", False),
    PointEvent.VISIT_HOSTED: (_visits_hosted, "visit", False),
    PointEvent.VOLUNTEER_HOURS: (_volunteer_hours, "hours", True),
    PointEvent.PLUS_MEETING: (_plus_meetings, "seat", False),
    PointEvent.USEFUL_REPORT: (_useful_reports, "report", False),
}


# --- SQL for each database -----------------------------------------------------------------------
def _offset_minutes(at: dt.datetime) -> int:
    return int(at.astimezone(TZ).utcoffset().total_seconds() // 60)


@functools.lru_cache(maxsize=64)
def _offset_runs(first: dt.datetime, last: dt.datetime) -> tuple[tuple[dt.datetime | None, int], ...]:
    """[(from this UTC instant on, the zone's offset in minutes)], newest first; the oldest run's
    instant is None. Sampled daily, each change then found to the second by bisection."""
    runs: list[tuple[dt.datetime | None, int]] = [(None, _offset_minutes(first))]
    day = first
    while day < last:
        nxt = min(day + dt.timedelta(days=1), last)
        if _offset_minutes(nxt) != runs[-1][1]:
            lo, hi = day, nxt  # offset(lo) is the current run's, offset(hi) differs
            while hi - lo > dt.timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                mid = mid.replace(microsecond=0) if mid.microsecond else mid
                if mid <= lo:
                    break
                if _offset_minutes(mid) == runs[-1][1]:
                    lo = mid
                else:
                    hi = mid
            runs.append((hi, _offset_minutes(hi)))
        day = nxt
    return tuple(reversed(runs))


@functools.lru_cache(maxsize=64)
def _noon_offset_runs(first: dt.date, last: dt.date) -> tuple[tuple[dt.date | None, int], ...]:
    """[(from this local date on, the offset at noon)], newest first (for volunteer hours' days)."""
    def noon(d):
        return _offset_minutes(dt.datetime.combine(d, dt.time(12), tzinfo=TZ))

    runs: list[tuple[dt.date | None, int]] = [(None, noon(first))]
    d = first
    while d < last:
        d += dt.timedelta(days=1)
        if noon(d) != runs[-1][1]:
            runs.append((d, noon(d)))
    return tuple(reversed(runs))


def _sqlite_utc_text(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")


def _bounds(start, end) -> tuple[dt.datetime, dt.datetime]:
    first = _FAR_PAST if start is None else max(_FAR_PAST, start.astimezone(dt.UTC) - dt.timedelta(days=2))
    last = _FAR_FUTURE if end is None else min(_FAR_FUTURE, end.astimezone(dt.UTC) + dt.timedelta(days=2))
    first = first.replace(hour=0, minute=0, second=0, microsecond=0)
    return first, last


class _Dialect:
    """The few expressions that differ between SQLite and PostgreSQL."""

    def __init__(self, start, end):
        self.pg = connection.vendor == "postgresql"
        self.first, self.last = _bounds(start, end)

    def instant(self, col: str) -> tuple[str, list]:
        """The ORM's own form of a stored instant (SQLite: naive UTC text, microseconds kept)."""
        if self.pg:
            return col, []
        # SQLite's date functions round to milliseconds (…59.9995 would become the next second, and
        # possibly the next month): the seconds go through strftime, the microseconds around it.
        frac = f"substr({col}, 20, 1) = '.'"
        return (f"(strftime('%%Y-%%m-%%d %%H:%%M:%%S', substr({col}, 1, 19) || "
                f"CASE WHEN {frac} THEN substr({col}, 27) ELSE substr({col}, 20) END) || "
                f"CASE WHEN {frac} THEN substr({col}, 20, 7) ELSE '' END)"), []

    def noon(self, col: str) -> tuple[str, list]:
        """Noon local time on the day `col` (a date), as an instant."""
        if self.pg:
            return f"(({col} + TIME '12:00') AT TIME ZONE %s)", [settings.TIME_ZONE]
        runs = _noon_offset_runs(self.first.date(), self.last.date())
        params: list = []
        if len(runs) == 1:
            expr = "%s"
            params.append(f"{720 - runs[0][1]:+d} minutes")
        else:
            whens = []
            for since, minutes in runs:
                if since is None:
                    whens.append("ELSE %s")
                    params.append(f"{720 - minutes:+d} minutes")
                else:
                    whens.append(f"WHEN {col} >= %s THEN %s")
                    params += [since.isoformat(), f"{720 - minutes:+d} minutes"]
            expr = f"CASE {' '.join(whens)} END"
        return f"datetime({col}, {expr})", params

    def period(self, at: str, period: str) -> tuple[str, list]:
        """The cap period's key of an instant (in the form `instant` gives): as points.period_key."""
        if self.pg:
            fmt = {CapPeriod.YEAR: "YYYY", CapPeriod.QUARTER: 'YYYY"Q"Q', CapPeriod.MONTH: "YYYY-MM"}[period]
            return f"to_char({at} AT TIME ZONE %s, %s)", [settings.TIME_ZONE, fmt]
        runs = _offset_runs(self.first, self.last)
        params: list = []
        if len(runs) == 1:
            shift = "%s"
            params.append(f"{runs[0][1]:+d} minutes")
        else:
            whens = []
            for since, minutes in runs:
                if since is None:
                    whens.append("ELSE %s")
                    params.append(f"{minutes:+d} minutes")
                else:
                    whens.append(f"WHEN {at} >= %s THEN %s")
                    params += [_sqlite_utc_text(since), f"{minutes:+d} minutes"]
            shift = f"CASE {' '.join(whens)} END"
        local = f"datetime(substr({at}, 1, 19), {shift})"  # whole seconds: no rounding up
        if period == CapPeriod.YEAR:
            return f"substr({local}, 1, 4)", params
        if period == CapPeriod.MONTH:
            return f"substr({local}, 1, 7)", params
        return (f"(substr({local}, 1, 4) || 'Q' || ((CAST(substr({local}, 6, 2) AS INTEGER) + 2) / 3))",
                params + params)

    def least(self, a: str, b: str) -> str:
        return f"(CASE WHEN {a} < {b} THEN {a} ELSE {b} END)"

    def text(self, expr: str) -> str:
        """Compared byte by byte, as Python compares str (PostgreSQL's default collation may not)."""
        return f'{expr} COLLATE "C"' if self.pg else expr


def _hours_scale() -> int:
    from yizuyihui.resources.models import ServiceHours

    return 10 ** ServiceHours._meta.get_field("hours").decimal_places


def occurrences_sql(rules: dict[str, PointRule], start=None, end=None) -> tuple[str, list]:
    """SELECT person_id, event, source, at, points (before the cap), period, cap — one row per
    rewarded event in [start, end) with an active rule and at least one point."""
    d = _Dialect(start, end)
    parts, params = [], []
    for event, (fn, prefix, by_day) in SOURCES.items():
        rule = rules.get(event)
        if rule is None:
            continue
        inner, inner_params = fn(start, end).query.sql_with_params()
        if event == PointEvent.VISIT_HOSTED:
            inner = _hosts_joined(inner)
        if by_day:
            at, at_params = d.noon("s._at")
            # int(points × hours) with the hours as whole tenths: integer arithmetic, no float rounding.
            scale = _hours_scale()
            pts = f"((%s * CAST(ROUND(s._q * {scale}) AS INTEGER)) / {scale})"
        else:
            at, at_params = d.instant("s._at")
            pts = "%s"
        period, period_params = d.period("o.at", rule.period)
        sql = (f"SELECT o.person_id, o.event, o.source, o.at, o.points, {period} AS period, o.cap FROM ("
               f"SELECT s._p AS person_id, CAST(%s AS TEXT) AS event, CAST(%s AS TEXT) || CAST(s._r AS TEXT) AS source, {at} AS at, {pts} AS points, "
               f"%s AS cap FROM ({inner}) s WHERE s._p IS NOT NULL) o WHERE o.points > 0")
        parts.append(sql)
        params += [*period_params, event, f"{prefix}:", *at_params, rule.points, rule.cap, *inner_params]
    if not parts:
        return "", []
    return " UNION ALL ".join(parts), params


def awards_sql(rules: dict[str, PointRule], start=None, end=None, *, against_ledger: bool) -> tuple[str, list]:
    """SELECT person_id, event, source, period, points, at: the awards of the events in [start, end),
    capped. `against_ledger`: leave out events already in the ledger and count, for the caps, what
    the ledger already holds (a derivation); else from nothing (the recomputation)."""
    occ, params = occurrences_sql(rules, start, end)
    if not occ:
        return "", []
    d = _Dialect(start, end)
    qn = connection.ops.quote_name
    ledger = qn(PointEntry._meta.db_table)
    if against_ledger:
        fresh = (f"SELECT * FROM ({occ}) x WHERE NOT EXISTS (SELECT 1 FROM {ledger} l "
                 f"WHERE l.person_id = x.person_id AND l.source = x.source)")
        used = (f"COALESCE((SELECT SUM(l.points) FROM {ledger} l WHERE l.person_id = f.person_id "
                f"AND l.kind = %s AND l.event = f.event AND l.period = f.period), 0)")
        used_params = [EntryKind.AWARD]
    else:
        fresh, used, used_params = f"SELECT * FROM ({occ}) x", "0", []
    running = (f"SUM(f.points) OVER (PARTITION BY f.person_id, f.event, f.period "
               f"ORDER BY f.at, {d.text('f.source')} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)")
    run = (f"SELECT f.person_id, f.event, f.source, f.period, f.points, f.at, f.cap, {used} AS used, "
           f"{running} AS total FROM ({fresh}) f")
    after = d.least("r.used + r.total", "r.cap")
    before = d.least("r.used + r.total - r.points", "r.cap")
    sql = (f"SELECT a.person_id, a.event, a.source, a.period, a.points, a.at FROM ("
           f"SELECT r.person_id, r.event, r.source, r.period, {after} - {before} AS points, r.at FROM ({run}) r"
           f") a WHERE a.points > 0")
    return sql, [*used_params, *params]


def ledger_derive(rules: dict[str, PointRule], start, end, now) -> int:
    """INSERT … SELECT the new awards into the ledger, then the rollups of the people concerned:
    one INSERT for those without an account, one grouped UPDATE (earned += their new awards).
    Call inside a transaction holding the derivation's lock. Returns the number of new lines."""
    sql, params = awards_sql(rules, start, end, against_ledger=True)
    if not sql:
        return 0
    qn = connection.ops.quote_name
    ledger = qn(PointEntry._meta.db_table)
    accounts = qn(PointAccount._meta.db_table)
    with connection.cursor() as cur:
        _no_jit(cur)
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {ledger}", [])
        before = cur.fetchone()[0]
        created = now if connection.vendor == "postgresql" else _sqlite_utc_text(now)
        cur.execute(f"INSERT INTO {ledger} (person_id, kind, event, source, period, points, at, note, created) "
                    f"SELECT a.person_id, %s, a.event, a.source, a.period, a.points, a.at, '', %s FROM ({sql}) a",
                    [EntryKind.AWARD, created, *params])
        added = cur.rowcount
        if not added:
            return 0
        new = (f"SELECT person_id, SUM(points) AS points FROM {ledger} WHERE id > %s AND kind = %s "
               f"GROUP BY person_id")
        cur.execute(f"INSERT INTO {accounts} (person_id, earned, spent) SELECT n.person_id, 0, 0 FROM ({new}) n "
                    f"WHERE true ON CONFLICT (person_id) DO NOTHING", [before, EntryKind.AWARD])
        # earned += the new awards (not summed again from the ledger): a redemption committing
        # meanwhile changes only `spent`, under its own row lock, and nothing is lost.
        cur.execute(f"UPDATE {accounts} SET earned = {accounts}.earned + n.points FROM ({new}) n "
                    f"WHERE {accounts}.person_id = n.person_id", [before, EntryKind.AWARD])
    return added


def _no_jit(cur) -> None:
    """PostgreSQL compiles these statements (their estimated cost is high) for ~11 s under load,
    more than it saves: off for the transaction."""
    if connection.vendor == "postgresql":
        cur.execute("SET LOCAL jit = off", [])


def balances_sql(rules: dict[str, PointRule], start=None, end=None) -> dict[int, int]:
    """Every person's balance from the record alone: awards from nothing (summed in the database),
    plus the redemptions (negative lines of the ledger)."""
    sql, params = awards_sql(rules, start, end, against_ledger=False)
    ledger = connection.ops.quote_name(PointEntry._meta.db_table)
    redemptions = f"SELECT person_id, points FROM {ledger} WHERE kind = %s"
    union = f"SELECT person_id, points FROM ({sql}) a UNION ALL {redemptions}" if sql else redemptions
    with transaction.atomic(), connection.cursor() as cur:
        _no_jit(cur)
        cur.execute(f"SELECT person_id, SUM(points) FROM ({union}) b GROUP BY person_id HAVING SUM(points) <> 0",
                    [*params, EntryKind.REDEMPTION])
        return dict(cur.fetchall())

