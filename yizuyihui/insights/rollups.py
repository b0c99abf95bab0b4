"""Rollups of the closed-loop measures, maintained from matter events (issue 17).

* `mark_event` (post_save of CaseEvent) and `mark_cases` (bulk paths) queue the (unit, filing day)
  bucket of the matter in `RollupDirty` — one INSERT … ON CONFLICT DO NOTHING in the writer's
  transaction, no hot row.
* `refresh` drains the queue: each bucket is recomputed from the matters filed in that unit on
  that day (a handful of rows, index case_unit_filed), and the difference to the stored bucket is
  added to the totals of every path prefix above the unit ("" = everything).
* `rebuild` recomputes everything from history (`yzyh insights rebuild`).
* `rollup_measures` answers the dashboard from `CaseDayTotal` only (+ the open-overdue count,
  which depends on the clock and is read live from the small set of open matters).

Medians and p90 come from histograms: 0.1 h buckets below 48 h, 1 h to 60 days, 1 day beyond —
within half a bucket of the exact value (the equivalence test checks that bound).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db import connections, router, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from yizuyihui.insights import freshness
from yizuyihui.insights.models import CaseDayTotal, CaseDayUnit, RollupDirty

COUNTS = ("filed", "responded_in_time", "resolved", "rated", "satisfied", "settled_tier1", "settled_tier2",
          "reopened", "was_overdue")
HISTS = ("response_hist", "resolution_hist", "tiers")
STEP = 4  # treebeard steplen of OrgNode


# --- histograms ----------------------------------------------------------------------------------
def bucket(hours: float) -> int:
    if hours < 48:
        return int(hours * 10)
    if hours < 1440:
        return 480 + int(hours - 48)
    return 480 + 1392 + int((hours - 1440) / 24)


def bucket_bounds(k: int) -> tuple[float, float]:
    if k < 480:
        return k / 10, (k + 1) / 10
    if k < 480 + 1392:
        lo = 48 + (k - 480)
        return lo, lo + 1
    lo = 1440 + 24 * (k - 480 - 1392)
    return lo, lo + 24


def _mid(k: int) -> float:
    lo, hi = bucket_bounds(k)
    return (lo + hi) / 2


def hist_quantile(hist: dict, q: float) -> float | None:
    """The q-quantile (0.5 = median as statistics.median: mean of the two middle values)."""
    items = sorted((int(k), n) for k, n in hist.items() if n)
    total = sum(n for _, n in items)
    if not total:
        return None

    def nth(i: int) -> float:  # 0-based i-th smallest value's bucket midpoint
        seen = 0
        for k, n in items:
            seen += n
            if i < seen:
                return _mid(k)
        return _mid(items[-1][0])

    if q == 0.5:
        v = nth((total - 1) // 2) if total % 2 else (nth(total // 2 - 1) + nth(total // 2)) / 2
    else:
        v = nth(min(total - 1, math.ceil(q * total) - 1))
    return round(v, 1)


# --- queueing ------------------------------------------------------------------------------------
def _day(at: dt.datetime) -> dt.date:
    return timezone.localtime(at, timezone.get_default_timezone()).date()


def mark_event(sender=None, instance=None, created=False, raw=False, **_kw) -> None:
    """post_save of CaseEvent: queue the matter's bucket."""
    if raw or not created:
        return
    case = instance.case
    using = router.db_for_write(RollupDirty)
    # What `bulk_create(ignore_conflicts=True)` sends, without compiling the query on every event
    # (this runs in every filing and step: the ORM's compile was ~5 % of an API filing's CPU).
    with connections[using].cursor() as cursor:
        cursor.execute(_MARK_SQL, [case.unit_id, _day(case.filed_at).isoformat()])


_MARK_SQL = (f'INSERT INTO "{RollupDirty._meta.db_table}" ("unit_id", "day") VALUES (%s, %s) '
             "ON CONFLICT DO NOTHING")  # PostgreSQL and SQLite ≥ 3.24 alike


def mark_cases(case_ids: Iterable[int]) -> None:
    """Queue the buckets of matters changed in bulk (UPDATE/bulk_create do not send signals)."""
    from yizuyihui.cases.models import Case

    ids = list(case_ids)
    if not ids:
        return
    keys = {(u, _day(f)) for u, f in Case.objects.filter(pk__in=ids).values_list("unit_id", "filed_at")}
    RollupDirty.objects.bulk_create([RollupDirty(unit_id=u, day=d) for u, d in keys], ignore_conflicts=True)


# --- computing -----------------------------------------------------------------------------------
def _empty() -> dict:
    return {**{c: 0 for c in COUNTS}, **{h: {} for h in HISTS}}


def _vector(cases) -> dict:
    """The bucket of these matters (tuples from `_case_rows`), by the rules of measures.case_measures."""
    from yizuyihui.cases.models import Rating

    v = _empty()
    resp, res, tiers = Counter(), Counter(), Counter()
    for filed_at, responded_at, respond_due, resolved_at, rating, tier, reopen, overdue in cases:
        v["filed"] += 1
        if responded_at is not None and respond_due is not None and responded_at <= respond_due:
            v["responded_in_time"] += 1
        if rating and rating != Rating.UNRATED:  # 未评价 (closed after the wait) is not a rating
            v["rated"] += 1
            if rating in (Rating.SATISFIED, Rating.BASIC):
                v["satisfied"] += 1
        if overdue:
            v["was_overdue"] += 1
        if reopen:  # 重办: a matter the resident reopened, whether or not it is resolved again
            v["reopened"] += 1
        if responded_at is not None and responded_at >= filed_at:
            resp[str(bucket((responded_at - filed_at).total_seconds() / 3600))] += 1
        if resolved_at is not None:
            v["resolved"] += 1
            tiers[str(tier)] += 1
            if tier == 1:
                v["settled_tier1"] += 1
            elif tier == 2:
                v["settled_tier2"] += 1
            if resolved_at >= filed_at:
                res[str(bucket((resolved_at - filed_at).total_seconds() / 3600))] += 1
    v["response_hist"], v["resolution_hist"], v["tiers"] = dict(resp), dict(res), dict(tiers)
    return v


_FIELDS = ("filed_at", "responded_at", "respond_due", "resolved_at", "rating", "settled_tier", "reopen_count", "was_overdue")


def _counted():
    from yizuyihui.cases.models import Case, CaseStatus

    return Case.objects.exclude(status__in=[CaseStatus.MERGED, CaseStatus.RETURNED]).order_by()


def _bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_default_timezone()
    start = dt.datetime.combine(day, dt.time(), tzinfo=tz)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=tz)


def _add(a: dict, b: dict, sign: int = 1) -> dict:
    out = {c: a.get(c, 0) + sign * b.get(c, 0) for c in COUNTS}
    for h in HISTS:
        merged = Counter(a.get(h) or {})
        for k, n in (b.get(h) or {}).items():
            merged[k] += sign * n
        out[h] = {k: n for k, n in merged.items() if n}
    return out


def _row_vector(row) -> dict:
    return {f: getattr(row, f) for f in COUNTS + HISTS}


def _prefixes(path: str) -> list[str]:
    return [""] + [path[:i] for i in range(STEP, len(path) + 1, STEP)]


def _apply(path: str, day: dt.date, delta: dict) -> None:
    if not any(delta[c] for c in COUNTS) and not any(delta[h] for h in HISTS):
        return
    for prefix in _prefixes(path):  # always shortest first, day before month: one lock order for every writer
        for grain, d in (("d", day), ("m", day.replace(day=1))):
            CaseDayTotal.objects.bulk_create([CaseDayTotal(path=prefix, grain=grain, day=d)], ignore_conflicts=True)
            row = CaseDayTotal.objects.select_for_update().get(path=prefix, grain=grain, day=d)
            for f, value in _add(_row_vector(row), delta).items():
                setattr(row, f, value)
            row.save()


def refresh_bucket(unit_id: int, day: dt.date) -> None:
    from yizuyihui.org.models import Unit

    with transaction.atomic():
        CaseDayUnit.objects.bulk_create([CaseDayUnit(unit_id=unit_id, day=day, path="")], ignore_conflicts=True)
        own = CaseDayUnit.objects.select_for_update().get(unit_id=unit_id, day=day)
        start, end = _bounds(day)
        new = _vector(_counted().filter(unit_id=unit_id, filed_at__gte=start, filed_at__lt=end).values_list(*_FIELDS))
        path = Unit.objects.filter(pk=unit_id).values_list("node__path", flat=True).first() or ""
        if own.path and own.path != path:  # the unit moved: take it out of the old branch first
            _apply(own.path, day, _add(_empty(), _row_vector(own), -1))
            _apply(path, day, new)
        else:
            _apply(path, day, _add(new, _row_vector(own), -1))
        for f, value in new.items():
            setattr(own, f, value)
        own.path = path
        own.save()


def refresh(limit: int | None = None) -> int:
    """Drain the queue (at most `limit` buckets). Returns the buckets recomputed."""
    done = 0
    while limit is None or done < limit:
        batch = 200 if limit is None else min(200, limit - done)
        with transaction.atomic():
            rows = list(RollupDirty.objects.select_for_update(skip_locked=True).order_by("pk")[:batch])
            if not rows:
                break
            RollupDirty.objects.filter(pk__in=[r.pk for r in rows]).delete()
            for r in rows:
                refresh_bucket(r.unit_id, r.day)
            freshness.bump()
        done += len(rows)
    return done


def rebuild(progress=None) -> int:
    """Recompute every bucket from the matters. PostgreSQL: set-based SQL (`_rebuild_sql`);
    SQLite: one pass in Python. Returns the matters counted."""
    from django.db import connection

    n = _rebuild_sql(progress) if connection.vendor == "postgresql" else _rebuild_python(progress)
    freshness.bump()
    return n


def bucket_sql(hours: str) -> str:
    """`bucket` as SQL over a float8 expression: the same IEEE double operations in the same order
    (hours * 10, hours - 48, (hours - 1440) / 24, truncated: hours ≥ 0 so floor = int()), so the
    buckets agree exactly (tests/insights/test_rollups.py checks edge values)."""
    return (f"(CASE WHEN {hours} < 48 THEN floor({hours} * 10) WHEN {hours} < 1440 THEN 480 + floor({hours} - 48) "
            f"ELSE 1872 + floor(({hours} - 1440) / 24) END)::int")


def _hours_sql(later: str, earlier: str) -> str:
    """(later - earlier).total_seconds() / 3600 as Python computes it: the exact seconds (numeric)
    rounded once to a double, then divided by 3600 in double."""
    return f"((extract(epoch from {later}) - extract(epoch from {earlier}))::float8 / 3600)"


def _hist_of(column: str) -> str:
    """A histogram {value: count} (jsonb) of `column` over the group (NULLs left out). Most unit-days
    hold one matter: a group with no value or one distinct value is built directly; only the others
    run the subquery (an outer-level array_agg unnested and counted), ~40 µs a group."""
    return (f"CASE WHEN count({column}) = 0 THEN '{{}}'::jsonb "
            f"WHEN min({column}) = max({column}) THEN jsonb_build_object(min({column})::text, count({column})) "
            f"ELSE (SELECT jsonb_object_agg(v, n) FROM (SELECT v::text AS v, count(*) AS n "
            f"FROM unnest(array_agg({column}) FILTER (WHERE {column} IS NOT NULL)) AS v GROUP BY v) AS _h) END")


def _merge_of(column: str) -> str:
    """The sum of the group's histograms in `column` (jsonb), keys with their counts added. A group
    with at most one non-empty histogram (a grid's own day, most of the empty ones) takes it as it
    is; the others expand and re-aggregate in a subquery."""
    return (f"CASE WHEN count(*) FILTER (WHERE {column} <> '{{}}'::jsonb) <= 1 THEN "
            f"COALESCE((array_agg({column}) FILTER (WHERE {column} <> '{{}}'::jsonb))[1], '{{}}'::jsonb) "
            f"ELSE (SELECT jsonb_object_agg(e.key, e.n) FROM "
            f"(SELECT e.key, sum(e.value::bigint) AS n FROM unnest(array_agg({column})) AS _j(j), "
            f"jsonb_each_text(_j.j) AS e GROUP BY e.key) AS e) END")


def _rebuild_sql(progress=None) -> int:
    """PostgreSQL, set-based: (1) each unit's buckets in one INSERT … SELECT … GROUP BY unit, local
    day over the matters (histograms: array_agg of the buckets → jsonb counts); (2) the subtree
    totals level by level from the deepest path up — the totals at path length L are the units at
    length L plus the totals at L + 4, grouped by their first L characters (so each level reads
    only the level below, in a temporary table); (3) the months from the day rows. TRUNCATE:
    dashboards wait for the rebuild's commit rather than read half a rebuild."""
    from django.db import connection

    from yizuyihui.cases.models import Case, CaseStatus, Rating
    from yizuyihui.org.models import OrgNode, Unit

    unit_t, total_t, dirty_t = (CaseDayUnit._meta.db_table, CaseDayTotal._meta.db_table,
                                RollupDirty._meta.db_table)
    counts = ", ".join(COUNTS)
    hists = ", ".join(HISTS)
    sums = ", ".join(f"sum({c})" for c in COUNTS)
    merges = ", ".join(_merge_of(h) for h in HISTS)
    tz = timezone.get_default_timezone_name()
    resp_h, res_h = _hours_sql("c.responded_at", "c.filed_at"), _hours_sql("c.resolved_at", "c.filed_at")
    rated = f"COALESCE(c.rating, '') NOT IN ('', '{Rating.UNRATED.value}')"
    satisfied = f"c.rating IN ('{Rating.SATISFIED.value}', '{Rating.BASIC.value}')"
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL work_mem = '256MB'")
        cur.execute(f"TRUNCATE {dirty_t}, {unit_t}, {total_t}")
        cur.execute(f"""
            INSERT INTO {unit_t} (unit_id, day, path, {counts}, {hists})
            SELECT g.unit_id, g.day, COALESCE(n.path, ''), {", ".join("g." + c for c in COUNTS)},
                   g.response_hist, g.resolution_hist, g.tiers
            FROM (
              SELECT c.unit_id, c.day, count(*) AS filed,
                count(*) FILTER (WHERE c.responded_at <= c.respond_due) AS responded_in_time,
                count(*) FILTER (WHERE c.resolved_at IS NOT NULL) AS resolved,
                count(*) FILTER (WHERE {rated}) AS rated,
                count(*) FILTER (WHERE {satisfied}) AS satisfied,
                count(*) FILTER (WHERE c.resolved_at IS NOT NULL AND c.settled_tier = 1) AS settled_tier1,
                count(*) FILTER (WHERE c.resolved_at IS NOT NULL AND c.settled_tier = 2) AS settled_tier2,
                count(*) FILTER (WHERE c.reopen_count <> 0) AS reopened,
                count(*) FILTER (WHERE c.was_overdue) AS was_overdue,
                {_hist_of("c.rb")} AS response_hist, {_hist_of("c.sb")} AS resolution_hist,
                {_hist_of("c.tk")} AS tiers
              FROM (
                SELECT c.unit_id, c.responded_at, c.respond_due, c.resolved_at, c.rating, c.settled_tier,
                  c.reopen_count, c.was_overdue, (c.filed_at AT TIME ZONE %s)::date AS day,
                  CASE WHEN c.responded_at >= c.filed_at THEN {bucket_sql(resp_h)} END AS rb,
                  CASE WHEN c.resolved_at >= c.filed_at THEN {bucket_sql(res_h)} END AS sb,
                  CASE WHEN c.resolved_at IS NOT NULL THEN COALESCE(c.settled_tier::text, 'None') END AS tk
                FROM {Case._meta.db_table} c WHERE c.status NOT IN (%s, %s)
              ) c
              GROUP BY c.unit_id, c.day
            ) g
            LEFT JOIN {Unit._meta.db_table} u ON u.id = g.unit_id
            LEFT JOIN {OrgNode._meta.db_table} n ON n.id = u.node_id""",
                    [tz, CaseStatus.MERGED.value, CaseStatus.RETURNED.value])
        cur.execute(f"SELECT COALESCE(sum(filed), 0), COALESCE(max(length(path)), 0) FROM {unit_t}")
        n, longest = cur.fetchone()
        if progress:
            progress(int(n))
        below = None  # the temporary table of the level below
        for length in range(longest - longest % STEP, -1, -STEP):
            parts = [f"SELECT path, day, {counts}, {hists} FROM {unit_t} WHERE length(path) = {length}"]
            if below:
                parts.append(f"SELECT path, day, {counts}, {hists} FROM {below}")
            level = f"_yzyh_level_{length}"
            cur.execute(f"""CREATE TEMPORARY TABLE {level} ON COMMIT DROP AS
                SELECT left(s.path, {length}) AS path, s.day, {", ".join(f"sum({c})::int AS {c}" for c in COUNTS)},
                  {", ".join(f"{_merge_of('s.' + h)} AS {h}" for h in HISTS)}
                FROM ({" UNION ALL ".join(parts)}) s GROUP BY left(s.path, {length}), s.day""")
            cur.execute(f"INSERT INTO {total_t} (path, grain, day, {counts}, {hists}) "
                        f"SELECT path, 'd', day, {counts}, {hists} FROM {level}")
            if below:
                cur.execute(f"DROP TABLE {below}")
            below = level
        cur.execute(f"""INSERT INTO {total_t} (path, grain, day, {counts}, {hists})
            SELECT path, 'm', date_trunc('month', day)::date, {sums}, {merges}
            FROM {total_t} WHERE grain = 'd' GROUP BY path, date_trunc('month', day)""")
    return int(n)


def _rebuild_python(progress=None) -> int:
    """One pass in filing order, one local day held in memory at a time (bounded however long the
    history): SQLite, and the reference the SQL is tested against."""
    from yizuyihui.org.models import Unit

    paths = dict(Unit.objects.values_list("pk", "node__path"))
    n = 0
    with transaction.atomic():
        RollupDirty.objects.all().delete()
        CaseDayUnit.objects.all().delete()
        CaseDayTotal.objects.all().delete()
        own: dict[int, list] = defaultdict(list)
        month: dict[str, dict] = {}
        current = None

        def flush_month(first):
            CaseDayTotal.objects.bulk_create([CaseDayTotal(path=p, grain="m", day=first, **v) for p, v in month.items()],
                                             batch_size=2000)
            month.clear()

        def flush(day):
            units, totals = [], {}
            for unit_id, rows in own.items():
                v = _vector(rows)
                units.append(CaseDayUnit(unit_id=unit_id, day=day, path=paths.get(unit_id, ""), **v))
                for prefix in _prefixes(paths.get(unit_id, "")):
                    totals[prefix] = _add(totals[prefix], v) if prefix in totals else v
            CaseDayUnit.objects.bulk_create(units, batch_size=2000)
            CaseDayTotal.objects.bulk_create([CaseDayTotal(path=p, day=day, **v) for p, v in totals.items()],
                                             batch_size=2000)
            for p, v in totals.items():
                month[p] = _add(month[p], v) if p in month else v
            own.clear()

        for row in _counted().order_by("filed_at").values_list("unit_id", *_FIELDS).iterator(chunk_size=5000):
            day = _day(row[1])
            if day != current:
                if current is not None:
                    flush(current)
                    if day.replace(day=1) != current.replace(day=1):
                        flush_month(current.replace(day=1))
                current = day
            own[row[0]].append(row[1:])
            n += 1
            if progress and n % 100_000 == 0:
                progress(n)
        if current is not None:
            flush(current)
            flush_month(current.replace(day=1))
    return n


# --- reading -------------------------------------------------------------------------------------
def _spans(start: dt.date, end: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """[start, end) as (grain, from, to): days of the partial months at either end, whole months between."""
    first = start if start.day == 1 else (start.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    last = end.replace(day=1)
    if first >= last:
        return [("d", start, end)]
    return [s for s in (("d", start, first), ("m", first, last), ("d", last, end)) if s[1] < s[2]]


def _spans_q(spans) -> Q:
    q = Q(pk__in=[])
    for grain, a, b in spans:
        q |= Q(grain=grain, day__gte=a, day__lt=b)
    return q


def _hist_sums(paths, spans) -> dict[str, dict]:
    """The histograms summed in the database (jsonb_each / json_each): ~1 000 rows back, not the
    JSON of every row. Raw SQL skips the database router: ask it which database reads the totals
    (a replica on the dashboard when DATABASE_REPLICA_URLS is set)."""
    from django.db import connections, router

    connection = connections[router.db_for_read(CaseDayTotal)]
    table = CaseDayTotal._meta.db_table
    each = "jsonb_each_text" if connection.vendor == "postgresql" else "json_each"
    cast = "::int" if connection.vendor == "postgresql" else ""
    marks = ", ".join(["%s"] * len(paths))
    when = " OR ".join(["(t.grain = %s AND t.day >= %s AND t.day < %s)"] * len(spans))
    span_params = [x for span in spans for x in span]
    parts, params = [], []
    for h in HISTS:
        parts.append(f"SELECT '{h}', e.key, SUM(e.value{cast}) FROM {table} t, {each}(t.{h}) e "
                     f"WHERE t.path IN ({marks}) AND ({when}) GROUP BY e.key")
        params += [*paths, *span_params]
    out: dict[str, dict] = {h: {} for h in HISTS}
    with connection.cursor() as cur:
        cur.execute(" UNION ALL ".join(parts), params)
        for h, key, n in cur.fetchall():
            if n:
                out[h][key] = int(n)
    return out


def scope_paths(user, node=None) -> tuple[str, ...]:
    from yizuyihui.accounts.scope import user_scope

    scope = user_scope(user)
    paths = ("",) if scope.everything else scope.paths
    if node is None:
        return paths
    if any(node.path.startswith(p) for p in paths):
        return (node.path,)
    return tuple(p for p in paths if p.startswith(node.path))


def rollup_measures(*, user, node=None, start: dt.date, end: dt.date, now=None):
    """The measures of matters filed on days start ≤ day < end in the user's scope (under `node`)."""
    from yizuyihui.accounts.scope import scope_q
    from yizuyihui.cases.models import OPEN_STATUSES, CaseStatus
    from yizuyihui.insights.measures import CaseMeasures

    now = now or timezone.now()
    m = CaseMeasures()
    paths = scope_paths(user, node)
    if not paths:
        return m
    spans = _spans(start, end)
    rows = CaseDayTotal.objects.filter(_spans_q(spans), path__in=paths).order_by()
    counts = rows.aggregate(**{c: Sum(c) for c in COUNTS})
    total = {**{c: counts[c] or 0 for c in COUNTS}, **_hist_sums(paths, spans)}
    for c in COUNTS:
        setattr(m, "total" if c == "filed" else c, total[c])
    monthly = (rows.annotate(month=TruncMonth("day")).values("month").order_by("month")
               .annotate(f=Sum("filed"), r=Sum("resolved")))
    m.median_response_hours = hist_quantile(total["response_hist"], 0.5)
    m.median_resolution_hours = hist_quantile(total["resolution_hist"], 0.5)
    m.p90_response_hours = hist_quantile(total["response_hist"], 0.9)
    m.p90_resolution_hours = hist_quantile(total["resolution_hist"], 0.9)
    m.monthly = [{"month": row["month"].strftime("%Y-%m"), "filed": row["f"], "resolved": row["r"]}
                 for row in monthly if row["f"]]
    m.tiers = {(None if k == "None" else int(k)): n for k, n in total["tiers"].items()}
    # Open and overdue depends on the clock: read live from the open matters (few, index case_sweep_resolve).
    s, _e = _bounds(start)
    e, _e2 = _bounds(end)
    qs = _counted().filter(scope_q(user, "unit__node"), filed_at__gte=s, filed_at__lt=e,
                           status__in=[x for x in OPEN_STATUSES if x != CaseStatus.SUSPENDED], resolve_due__lt=now)
    if node is not None:
        qs = qs.filter(unit__node__path__startswith=node.path)
    m.overdue_open = qs.count()
    return m


def _open_in(user, paths) -> Q:
    """The league's open-overdue count: matters in the user's scope under any of `paths`. Siblings
    (the league's rows) share their parent; when that parent is inside the scope, one prefix test
    on it says both (it implies the scope's). PostgreSQL multiplies the selectivities of stacked or
    OR-ed LIKEs on the same column: for a district (14 streets) it estimated 182 nodes for 1,862
    and scanned every unit's year of matters — 510 ms instead of ~5 ms at 10 M matters."""
    from functools import reduce
    from operator import or_

    from yizuyihui.accounts.scope import scope_q, user_scope

    parents = {p[:-STEP] for p in paths}
    if len(parents) == 1:
        parent = next(iter(parents))
        if parent and user_scope(user).covers(parent):
            return Q(unit__node__path__startswith=parent)
    return scope_q(user, "unit__node") & reduce(or_, (Q(unit__node__path__startswith=p) for p in paths))


def rollup_league(*, user, nodes, start: dt.date, end: dt.date, now=None) -> list:
    """measures.league_table from the rollups: each of `nodes` (siblings: the children of the node
    shown) with the counts of matters filed on days start ≤ day < end in the user's scope under it
    — one grouped read of `CaseDayTotal` at each node's path (or the scope's paths below it, as
    `scope_paths`), plus the open-overdue count read live from the open matters, grouped by the
    path's prefix. Medians are not in the league (the table shows none)."""

    from django.db.models.functions import Substr

    from yizuyihui.cases.models import OPEN_STATUSES, CaseStatus
    from yizuyihui.insights.measures import CaseMeasures, LeagueRow

    nodes = list(nodes)
    if not nodes:
        return []
    now = now or timezone.now()
    length = len(nodes[0].path)
    by_path = {n.path: n for n in nodes if len(n.path) == length}
    owner = {}  # rollup path → the league's node path it counts for
    for p, n in by_path.items():
        for q in scope_paths(user, n):
            owner[q] = p
    found = {p: CaseMeasures() for p in by_path}
    if owner:
        rows = (CaseDayTotal.objects.filter(_spans_q(_spans(start, end)), path__in=list(owner)).order_by()
                .values("path").annotate(**{c: Sum(c) for c in COUNTS}))
        for row in rows:
            m = found[owner[row["path"]]]
            for c in COUNTS:
                f = "total" if c == "filed" else c
                setattr(m, f, getattr(m, f) + (row[c] or 0))
        s, _e = _bounds(start)
        e, _e2 = _bounds(end)
        overdue = (_counted().filter(_open_in(user, by_path), filed_at__gte=s, filed_at__lt=e,
                                     status__in=[x for x in OPEN_STATUSES if x != CaseStatus.SUSPENDED],
                                     resolve_due__lt=now)
                   .annotate(prefix=Substr("unit__node__path", 1, length)).values("prefix").order_by("prefix")
                   .annotate(n=Count("pk")))
        for row in overdue:
            if row["prefix"] in found:
                found[row["prefix"]].overdue_open = row["n"]
    return [LeagueRow(node=n, m=found[p]) for p, n in sorted(by_path.items())]


__all__ = ["bucket", "bucket_sql", "hist_quantile", "mark_cases", "mark_event", "rebuild", "refresh",
           "rollup_league", "rollup_measures"]
