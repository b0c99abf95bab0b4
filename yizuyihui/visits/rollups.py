"""The dashboard's visits panels from insights' rollups (issue 17), not from the visit tables.

Three sources (insights/panel_rollups.py keeps per node per day and per path prefix day/month totals):
* `visits` — planned visits by the household's node and due day; key "<period start>|<category>",
  n1 slots, n2 done. The state of an open slot depends on the clock (overdue / due / upcoming) and
  is decided when reading from the due day and the period start in the key.
* `duties` — 六必到 duties by the event's unit node and local registration day; key "d", n1 duties,
  n2 arrived, n3 on time, n4 missed, map {minutes to arrive: n} for the median.
* `reports` — 六必报 by the unit node and local report day; key = report type, n1 reports.

Writes queue their buckets through provider `panel_rollups` (signals in apps.py; the set-based
schedule writes in services.py). Without insights the panels compute live (selectors).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from yizuyihui.core.plugins import provider


def api():
    fn = provider("panel_rollups")
    return fn() if fn is not None else None


def _local_bounds(start: dt.date, end: dt.date):
    tz = timezone.get_default_timezone()
    return dt.datetime.combine(start, dt.time(), tzinfo=tz), dt.datetime.combine(end, dt.time(), tzinfo=tz)


def _day(at: dt.datetime) -> dt.date:
    return timezone.localtime(at, timezone.get_default_timezone()).date()


def _day_sql(column: str) -> str:
    """`_day` in SQL (PostgreSQL): the local date in the site's zone; the zone's name is a parameter."""
    return f"({column} AT TIME ZONE %s)::date"


def _tables(*models) -> list[str]:
    return [m._meta.db_table for m in models]


# --- sources -------------------------------------------------------------------------------------
class PlannedSource:
    def span(self):
        from django.db.models import Max, Min

        from yizuyihui.visits.models import PlannedVisit

        r = PlannedVisit.objects.aggregate(a=Min("due"), b=Max("due"))
        return (r["a"], r["b"]) if r["a"] else None

    def stream(self, *, start, end, node_id=None):
        from yizuyihui.visits.models import PlannedVisit

        qs = PlannedVisit.objects.filter(due__gte=start, due__lt=end).order_by()
        if node_id is not None:
            qs = qs.filter(household__node_id=node_id)
        for node, due, ps, category, visit in qs.values_list("household__node_id", "due", "period_start", "category",
                                                             "visit_id").iterator(chunk_size=10_000):
            yield node, due, f"{ps.isoformat()}|{category}", (1, 1 if visit else 0, 0, 0), None

    def rebuild_sql(self):
        """`stream` over all history as one SELECT (panel_rollups._rebuild_sql)."""
        from yizuyihui.people.models import Household
        from yizuyihui.visits.models import PlannedVisit

        slot, household = _tables(PlannedVisit, Household)
        return (f"SELECT h.node_id, p.due, to_char(p.period_start, 'YYYY-MM-DD') || '|' || p.category, 1, "
                f"CASE WHEN p.visit_id IS NULL THEN 0 ELSE 1 END, 0, 0, NULL::text "
                f"FROM {slot} p JOIN {household} h ON h.id = p.household_id"), []


class DutySource:
    def span(self):
        from django.db.models import Max, Min

        from yizuyihui.visits.models import Event

        r = Event.objects.filter(duties__isnull=False).aggregate(a=Min("registered_at"), b=Max("registered_at"))
        return (_day(r["a"]), _day(r["b"])) if r["a"] else None

    def stream(self, *, start, end, node_id=None):
        from yizuyihui.visits.models import Duty, DutyStatus

        s, e = _local_bounds(start, end)
        qs = Duty.objects.filter(event__registered_at__gte=s, event__registered_at__lt=e).order_by()
        if node_id is not None:
            qs = qs.filter(event__unit__node_id=node_id)
        for node, reg, arrived, due, status in qs.values_list("event__unit__node_id", "event__registered_at",
                                                              "arrived_at", "due_at", "status").iterator(chunk_size=10_000):
            if arrived is not None:
                minutes = int((arrived - reg).total_seconds() // 60)
                yield node, _day(reg), "d", (1, 1, 1 if arrived <= due else 0, 1 if status == DutyStatus.MISSED else 0), {str(minutes): 1}
            else:
                yield node, _day(reg), "d", (1, 0, 0, 1 if status == DutyStatus.MISSED else 0), None

    def rebuild_sql(self):
        """`stream` over all history as one SELECT: minutes to arrive floored as Python's `// 60`
        over the exact seconds (numeric)."""
        from yizuyihui.org.models import Unit
        from yizuyihui.visits.models import Duty, DutyStatus, Event

        duty, event, unit = _tables(Duty, Event, Unit)
        return (f"SELECT u.node_id, {_day_sql('e.registered_at')}, 'd', 1, "
                f"CASE WHEN d.arrived_at IS NULL THEN 0 ELSE 1 END, "
                f"CASE WHEN d.arrived_at <= d.due_at THEN 1 ELSE 0 END, "
                f"CASE WHEN d.status = %s THEN 1 ELSE 0 END, "
                f"floor((extract(epoch FROM d.arrived_at) - extract(epoch FROM e.registered_at)) / 60)::bigint::text "
                f"FROM {duty} d JOIN {event} e ON e.id = d.event_id JOIN {unit} u ON u.id = e.unit_id"), \
            [timezone.get_default_timezone_name(), DutyStatus.MISSED.value]


class ReportSource:
    def span(self):
        from django.db.models import Max, Min

        from yizuyihui.visits.models import Report

        r = Report.objects.aggregate(a=Min("reported_at"), b=Max("reported_at"))
        return (_day(r["a"]), _day(r["b"])) if r["a"] else None

    def stream(self, *, start, end, node_id=None):
        from yizuyihui.visits.models import Report

        s, e = _local_bounds(start, end)
        qs = Report.objects.filter(reported_at__gte=s, reported_at__lt=e).order_by()
        if node_id is not None:
            qs = qs.filter(unit__node_id=node_id)
        for node, at, kind in qs.values_list("unit__node_id", "reported_at", "report_type").iterator(chunk_size=10_000):
            yield node, _day(at), kind, (1, 0, 0, 0), None

    def rebuild_sql(self):
        from yizuyihui.org.models import Unit
        from yizuyihui.visits.models import Report

        report, unit = _tables(Report, Unit)
        return (f"SELECT u.node_id, {_day_sql('r.reported_at')}, r.report_type, 1, 0, 0, 0, NULL::text "
                f"FROM {report} r JOIN {unit} u ON u.id = r.unit_id"), [timezone.get_default_timezone_name()]


# --- queueing (called by signals and services) ---------------------------------------------------
def mark(source: str, pairs) -> None:
    a = api()
    if a is not None:
        a.mark(source, list(pairs))


def mark_event(event) -> None:
    """An event's duties changed (or the event itself): queue its bucket."""
    if event is None or event.registered_at is None:
        return
    node = getattr(event, "_rollup_node", None) or _unit_node(event.unit_id)
    mark("duties", [(node, _day(event.registered_at))])


def _unit_node(unit_id):
    from yizuyihui.org.models import Unit

    return Unit.objects.filter(pk=unit_id).values_list("node_id", flat=True).first()


def mark_slots(qs) -> None:
    """Queue the buckets of these planned visits (before a bulk delete or update), set-based."""
    from django.db.models import F

    a = api()
    if a is not None:
        sql, params = qs.order_by().values(node_id=F("household__node_id"), day=F("due")).query.sql_with_params()
        a.mark_sql("visits", sql, params)


def mark_sql_planned(sql: str, params) -> None:
    a = api()
    if a is not None:
        a.mark_sql("visits", sql, params)


# --- reading -------------------------------------------------------------------------------------
def coverage(*, user, node, start: dt.date, end: dt.date, today: dt.date | None = None):
    """visit_coverage's figures (slots whose period overlaps [start, end], `end` included) from the
    rollups: due days in [start, end] (whole past months from the month rows), plus slots due after
    `end` whose period starts by `end` (at most a year: the longest period)."""
    from yizuyihui.people.models import HouseholdCategory
    from yizuyihui.visits.selectors import CategoryCoverage

    a = api()
    today = today or timezone.localdate()
    paths = a.scope_paths(user, node)
    found = {value: CategoryCoverage(value, str(label)) for value, label in HouseholdCategory.choices}

    def take(key: str, day: dt.date | None, total: int, done: int) -> None:
        ps_text, category = key.split("|", 1)
        c = found.get(category)
        if c is None:
            return
        c.done += done
        if day is None or day < today:  # month rows are whole months before today's
            c.overdue += total - done
        elif dt.date.fromisoformat(ps_text) <= today:
            c.due += total - done
        else:
            c.upcoming += total - done

    if paths:
        after = end + dt.timedelta(days=1)
        # Whole months only if they ended before today (their open slots are all overdue).
        spans = []
        for grain, a0, b0 in a.spans(start, after):
            if grain == "m" and b0 > today.replace(day=1):
                spans.append(("d", a0, b0))
            else:
                spans.append((grain, a0, b0))
        month = [s for s in spans if s[0] == "m"]
        days = [s for s in spans if s[0] == "d"]
        for r in a.read("visits", paths, month):
            take(r["key"], None, r["n1"], r["n2"])
        for r in a.read("visits", paths, days, by=("day", "key")):
            take(r["key"], r["day"], r["n1"], r["n2"])
        # Period starting by `end`: the key begins with the period start, so key < "<end + 1>" selects it.
        for r in a.read("visits", paths, [("d", after, after + dt.timedelta(days=367))], by=("day", "key"),
                        key_lt=after.isoformat()):
            take(r["key"], r["day"], r["n1"], r["n2"])
    return list(found.values())


def duty_figures(*, user, node, start: dt.date, end: dt.date) -> dict:
    """selectors.duty_figures over the local days [start, end) from the rollups."""
    a = api()
    paths = a.scope_paths(user, node)
    spans = a.spans(start, end) if paths else []
    rows = a.read("duties", paths, spans)
    n1, n2, n3, n4 = (sum(r[f] or 0 for r in rows) for f in ("n1", "n2", "n3", "n4"))
    hist = sorted((int(k), n) for k, n in a.hist_sum("duties", paths, spans, "d").items())
    median = None
    if n2:
        i, seen = n2 // 2, 0  # the selector's minutes[len // 2]
        for minutes, n in hist:
            seen += n
            if i < seen:
                median = minutes
                break
    return {"total": n1, "arrived": n2, "on_time": n3, "missed": n4, "median_minutes": median,
            "on_time_rate": round(n3 / n1, 3) if n1 else None}


def report_counts(*, user, node, start: dt.date, end: dt.date) -> list[tuple[str, int]]:
    from yizuyihui.visits.models import ReportType

    a = api()
    paths = a.scope_paths(user, node)
    found = {r["key"]: r["n1"] for r in a.read("reports", paths, a.spans(start, end) if paths else [])}
    return [(str(label), found.get(value, 0) or 0) for value, label in ReportType.choices]
