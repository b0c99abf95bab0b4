"""Rollups behind the other apps' dashboard panels (issue 17): visits coverage, 六必到 duties,
六必报 reports, meetings. The same pattern as the measures' rollups (rollups.py), generic over
*sources*.

A source is an app's object registered as provider `rollup_source:<name>` (visits/rollups.py,
meetings/rollups.py) with
* `stream(*, start, end, node_id=None)` → rows `(node_id, day, key, (n1, n2, n3, n4), {value: n} | None)`
  for its records whose bucket day is in [start, end) (one row per record, or per part of one);
* `span()` → (first day, last day) of its history, or None.
* optionally `rebuild_sql()` → (sql, params) of a SELECT with one row per row of `stream` over all
  its history: `node_id, day, key, n1, n2, n3, n4, h` (`h` the row's map key as text — its map is
  {h: 1} — or NULL): on PostgreSQL `rebuild_source` then runs set-based (`_rebuild_sql`).

The app marks buckets through provider `rollup_mark(source, [(node_id, day), …])` (signals, or
after a bulk write) or `rollup_mark_sql(source, sql, params)` (a SELECT of (node_id, day) pairs,
for set-based writes) — one INSERT … ON CONFLICT DO NOTHING in the writer's transaction.
`refresh` drains the queue (the minute job; the dashboard before reading): each bucket is
recomputed from the source and the difference added to every path prefix, day and month.
`rebuild` recomputes a source from history (`yzyh insights rebuild`): set-based SQL on PostgreSQL
for a source with `rebuild_sql`, one month at a time in Python otherwise (`all_rebuilds` lists
every rebuild for the scale bench). The app's panel reads `read` and `hist_sum`
through provider `panel_rollups` (this module).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter, defaultdict

from django.db import connection, transaction

from yizuyihui.insights import freshness
from yizuyihui.insights.models import PanelDayTotal, PanelDayUnit, PanelDirty

STEP = 4  # treebeard steplen of OrgNode
N = ("n1", "n2", "n3", "n4")


def sources() -> dict:
    from yizuyihui.core.plugins import providers

    return {name.split(":", 1)[1]: fn() for name, fn in providers("rollup_source:").items()}


# --- queueing ------------------------------------------------------------------------------------
def mark(source: str, pairs) -> None:
    rows = {(int(n), d) for n, d in pairs if n is not None and d is not None}
    if rows:
        PanelDirty.objects.bulk_create([PanelDirty(source=source, node_id=n, day=d) for n, d in rows],
                                       ignore_conflicts=True)


def mark_sql(source: str, sql: str, params) -> None:
    """Queue the (node_id, day) pairs a SELECT returns, set-based (one statement)."""
    table = PanelDirty._meta.db_table
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {table} (source, node_id, day) SELECT DISTINCT %s, x.node_id, x.day "
                    f"FROM ({sql}) x WHERE x.node_id IS NOT NULL ON CONFLICT DO NOTHING", [source, *params])


# --- computing -----------------------------------------------------------------------------------
def _vec() -> list:
    return [0, 0, 0, 0, Counter()]


def _fold(rows) -> dict:
    """{(node_id, day, key): [n1, n2, n3, n4, Counter]} of a source's stream."""
    out: dict = defaultdict(_vec)
    for node_id, day, key, ns, hist in rows:
        v = out[(node_id, day, key)]
        for i in range(4):
            v[i] += ns[i]
        if hist:
            v[4].update(hist)
    return out


def _prefixes(path: str) -> list[str]:
    return [""] + [path[:i] for i in range(STEP, len(path) + 1, STEP)]


def _paths(node_ids) -> dict[int, str]:
    from yizuyihui.org.models import OrgNode

    return dict(OrgNode.objects.filter(pk__in=set(node_ids)).values_list("pk", "path"))


def _add(delta: dict, k, v: list, sign: int) -> None:
    d = delta.setdefault(k, _vec())
    for i in range(4):
        d[i] += sign * v[i]
    for h, n in v[4].items():
        d[4][h] += sign * n


def _apply(source: str, delta: dict) -> None:
    """Add {(path, grain, day, key): vec} to the totals; one lock order (sorted) for every writer."""
    for (path, grain, day, key) in sorted(delta):
        v = delta[(path, grain, day, key)]
        if not any(v[:4]) and not any(v[4].values()):
            continue
        PanelDayTotal.objects.bulk_create([PanelDayTotal(source=source, path=path, grain=grain, day=day, key=key)],
                                          ignore_conflicts=True)
        row = PanelDayTotal.objects.select_for_update().get(source=source, path=path, grain=grain, day=day, key=key)
        for i, f in enumerate(N):
            setattr(row, f, getattr(row, f) + v[i])
        hist = Counter(row.hist or {})
        hist.update(v[4])
        row.hist = {h: n for h, n in hist.items() if n}
        row.save()


def _to_totals(delta: dict, path: str, day: dt.date, key: str, v: list, sign: int) -> None:
    for prefix in _prefixes(path):
        _add(delta, (prefix, "d", day, key), v, sign)
        _add(delta, (prefix, "m", day.replace(day=1), key), v, sign)


SQLITE_BATCH, SQLITE_PAUSE = 50, 0.2  # buckets per write transaction, seconds between them


def refresh(limit: int | None = None) -> int:
    """Drain the queue (at most `limit` buckets, 200 a transaction). Returns the buckets recomputed.

    On SQLite (one write lock for the whole database) it takes 50 buckets a transaction, and the job
    (no `limit`) pauses between them: a waiting writer's busy handler sleeps up to 100 ms between
    tries, so back-to-back transactions kept every login and filing out for as long as the queue lasted."""
    found = sources()
    done = 0
    sqlite = connection.vendor == "sqlite"
    size = SQLITE_BATCH if sqlite else 200
    while limit is None or done < limit:
        if done and sqlite and limit is None:
            time.sleep(SQLITE_PAUSE)
        batch = size if limit is None else min(size, limit - done)
        with transaction.atomic():
            rows = list(PanelDirty.objects.select_for_update(skip_locked=True).order_by("pk")[:batch])
            if not rows:
                break
            PanelDirty.objects.filter(pk__in=[r.pk for r in rows]).delete()
            freshness.bump()
            paths = _paths(r.node_id for r in rows)
            delta: dict = {}
            for r in rows:
                src = found.get(r.source)
                if src is None:
                    continue
                new = _fold(src.stream(start=r.day, end=r.day + dt.timedelta(days=1), node_id=r.node_id))
                old = list(PanelDayUnit.objects.select_for_update().filter(source=r.source, node_id=r.node_id, day=r.day))
                for o in old:
                    _to_totals(delta, o.path, o.day, o.key, [o.n1, o.n2, o.n3, o.n4, Counter(o.hist or {})], -1)
                path = paths.get(r.node_id, "")
                units = []
                for (_n, day, key), v in new.items():
                    _to_totals(delta, path, day, key, v, 1)
                    units.append(PanelDayUnit(source=r.source, node_id=r.node_id, day=day, key=key, path=path,
                                              n1=v[0], n2=v[1], n3=v[2], n4=v[3], hist=dict(v[4])))
                PanelDayUnit.objects.filter(pk__in=[o.pk for o in old]).delete()
                PanelDayUnit.objects.bulk_create(units)
                # Sources are per (source, path, grain, day, key): apply per source.
                _apply(r.source, delta)
                delta = {}
        done += len(rows)
    return done


def fresh(limit: int = 2000) -> None:
    """Fold in the buckets queued since the job last ran (usually none: one EXISTS), before a page
    reads the totals — not on a replica, where a GET must not write (the minute job keeps them)."""
    from yizuyihui.core.dbrouter import replica_aliases

    if replica_aliases():
        return
    if PanelDirty.objects.exists():
        refresh(limit=limit)


def _months(first: dt.date, last: dt.date):
    m = first.replace(day=1)
    while m <= last:
        nxt = (m + dt.timedelta(days=32)).replace(day=1)
        yield m, nxt
        m = nxt


def rebuild_source(name: str, progress=None, *, sql: bool | None = None) -> int:
    """Recompute one source from history. Returns the unit buckets. On PostgreSQL a source with
    `rebuild_sql()` is rebuilt set-based (`_rebuild_sql`); otherwise (SQLite, or `sql=False`) a
    month at a time in Python (`_rebuild_python`, bounded memory; the reference the SQL is tested
    against)."""
    src = sources()[name]
    if sql is None:
        sql = connection.vendor == "postgresql" and hasattr(src, "rebuild_sql")
    n = _rebuild_sql(name, src, progress) if sql else _rebuild_python(name, src, progress)
    freshness.bump()
    return n


def _rebuild_python(name: str, src, progress=None) -> int:
    n = 0
    with transaction.atomic():
        PanelDirty.objects.filter(source=name).delete()
        PanelDayUnit.objects.filter(source=name).delete()
        PanelDayTotal.objects.filter(source=name).delete()
        span = src.span()
        if span is None:
            return 0
        for first, nxt in _months(*span):
            folded = _fold(src.stream(start=first, end=nxt))
            paths = _paths(node for node, _d, _k in folded)
            totals: dict = {}
            units = []
            for (node, day, key), v in folded.items():
                path = paths.get(node, "")
                units.append(PanelDayUnit(source=name, node_id=node, day=day, key=key, path=path,
                                          n1=v[0], n2=v[1], n3=v[2], n4=v[3], hist=dict(v[4])))
                _to_totals(totals, path, day, key, v, 1)
            PanelDayUnit.objects.bulk_create(units, batch_size=2000)
            PanelDayTotal.objects.bulk_create(
                [PanelDayTotal(source=name, path=p, grain=g, day=d, key=k, n1=v[0], n2=v[1], n3=v[2], n4=v[3],
                               hist={h: c for h, c in v[4].items() if c})
                 for (p, g, d, k), v in totals.items()], batch_size=2000)
            n += len(units)
            if progress:
                progress(f"{name} {first:%Y-%m}: {n:,} buckets")
    return n


def _rebuild_sql(name: str, src, progress=None) -> int:
    """PostgreSQL, set-based, a few statements whatever the history's length. The source's
    `rebuild_sql()` is (sql, params) of a SELECT with one row per row of its `stream` over all its
    history: `node_id, day, key, n1, n2, n3, n4, h` where `h` is the row's map key as text (its map
    is {h: 1}) or NULL (no map). Then (1) the unit buckets: that SELECT grouped by node, day and key
    (the maps: rollups._hist_of), the node's path joined from OrgNode; (2) the day totals level by
    level from the deepest path up, as the measures' rebuild: the totals at path length L are the
    units at length L plus the totals at L + 4 cut to L characters, grouped (maps summed in SQL:
    rollups._merge_of), each level in a temporary table read by the next; (3) the month totals
    from the day totals. Only this source's rows are deleted and written (DELETE, not TRUNCATE)."""
    from yizuyihui.insights.rollups import _hist_of, _merge_of
    from yizuyihui.org.models import OrgNode

    unit_t, total_t, dirty_t = PanelDayUnit._meta.db_table, PanelDayTotal._meta.db_table, PanelDirty._meta.db_table
    select, params = src.rebuild_sql()
    ns = ", ".join(N)
    sums = ", ".join(f"sum({f})::bigint AS {f}" for f in N)
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL work_mem = '256MB'")
        for table in (dirty_t, unit_t, total_t):
            cur.execute(f"DELETE FROM {table} WHERE source = %s", [name])
        if progress:
            progress(f"{name}: old rows deleted, {time.perf_counter() - t0:.1f} s")
        cur.execute(f"""
            INSERT INTO {unit_t} (source, node_id, day, key, path, {ns}, hist)
            SELECT %s, g.node_id, g.day, g.key, COALESCE(o.path, ''), {", ".join("g." + f for f in N)}, g.hist
            FROM (
              SELECT r.node_id, r.day, r.key, {sums}, {_hist_of("r.h")} AS hist
              FROM ({select}) AS r (node_id, day, key, {ns}, h)
              GROUP BY r.node_id, r.day, r.key
            ) g
            LEFT JOIN {OrgNode._meta.db_table} o ON o.id = g.node_id""", [name, *params])
        n = cur.rowcount
        cur.execute(f"SELECT COALESCE(max(length(path)), 0) FROM {unit_t} WHERE source = %s", [name])
        longest = cur.fetchone()[0]
        if progress:
            progress(f"{name}: {n:,} unit buckets, {time.perf_counter() - t0:.1f} s")
        below = None  # the temporary table of the level below
        for length in range(longest - longest % STEP, -1, -STEP):
            parts = [f"SELECT path, day, key, {ns}, hist FROM {unit_t} WHERE source = %s AND length(path) = {length}"]
            if below:
                parts.append(f"SELECT path, day, key, {ns}, hist FROM {below}")
            level = f"_yzyh_panel_level_{length}"
            cur.execute(f"""CREATE TEMPORARY TABLE {level} ON COMMIT DROP AS
                SELECT left(s.path, {length}) AS path, s.day, s.key, {sums}, {_merge_of("s.hist")} AS hist
                FROM ({" UNION ALL ".join(parts)}) s GROUP BY left(s.path, {length}), s.day, s.key""", [name])
            cur.execute(f"INSERT INTO {total_t} (source, path, grain, day, key, {ns}, hist) "
                        f"SELECT %s, path, 'd', day, key, {ns}, hist FROM {level}", [name])
            if below:
                cur.execute(f"DROP TABLE {below}")
            below = level
        if below:
            cur.execute(f"DROP TABLE {below}")  # not left for a second rebuild in the same transaction
        if progress:
            progress(f"{name}: day totals, {time.perf_counter() - t0:.1f} s")
        cur.execute(f"""INSERT INTO {total_t} (source, path, grain, day, key, {ns}, hist)
            SELECT %s, path, 'm', date_trunc('month', day)::date, key, {", ".join(f"sum({f})" for f in N)},
              {_merge_of("hist")}
            FROM {total_t} WHERE source = %s AND grain = 'd' GROUP BY path, date_trunc('month', day), key""",
                    [name, name])
        if progress:
            progress(f"{name}: month totals, {time.perf_counter() - t0:.1f} s")
    return n


def rebuild(progress=None) -> dict[str, int]:
    return {name: rebuild_source(name, progress) for name in sorted(sources())}


# --- reading -------------------------------------------------------------------------------------
_BY = ("grain", "day", "key")


def read(source: str, paths, spans, *, by=("key",), key_lt: str | None = None) -> list[dict]:
    """Sums of n1…n4 over the totals of `paths` in `spans` ((grain, from, to) as rollups._spans),
    grouped by `by` (any of "grain", "day", "key"); `key_lt`: only keys below it.

    One fixed-shape statement, as hist_sum: a panel page reads five to ten of these, and building
    each through the ORM (a Q per span, values/annotate) cost 1.5–4 ms of CPU built and run — more than the
    database's own work on the few hundred rows a scope reads."""
    from django.db import connections, router

    if any(b not in _BY for b in by):
        raise ValueError(f"read groups by some of {_BY}, not {by}")
    if not paths or not spans:
        return []
    conn = connections[router.db_for_read(PanelDayTotal)]
    table = PanelDayTotal._meta.db_table
    q = conn.ops.quote_name
    cols = ", ".join(q(b) for b in by)
    marks = ", ".join(["%s"] * len(paths))
    when = " OR ".join([f"({q('grain')} = %s AND {q('day')} >= %s AND {q('day')} < %s)"] * len(spans))
    below = f" AND {q('key')} < %s" if key_lt is not None else ""
    sql = (f"SELECT {cols}, {', '.join(f'SUM({f})' for f in N)} FROM {table} WHERE source = %s AND path IN ({marks}) "
           f"AND ({when}){below} GROUP BY {cols}")
    params = [source, *paths, *[x for s in spans for x in s], *([key_lt] if key_lt is not None else [])]
    with conn.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    width = len(by)
    convert = _day if "day" in by else None
    out = []
    for row in rows:
        item = dict(zip(by, row[:width], strict=True))
        if convert is not None:
            item["day"] = convert(item["day"])
        item.update(zip(N, (int(n or 0) for n in row[width:]), strict=True))
        out.append(item)
    return out


def _day(value) -> dt.date:
    """SQLite returns a date column as text through a raw cursor."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def hist_sum(source: str, paths, spans, key: str) -> dict[str, int]:
    """The maps of `key` summed in the database (json_each / jsonb_each_text)."""
    from django.db import connections, router

    if not paths or not spans:
        return {}
    conn = connections[router.db_for_read(PanelDayTotal)]
    table = PanelDayTotal._meta.db_table
    each = "jsonb_each_text" if conn.vendor == "postgresql" else "json_each"
    cast = "::bigint" if conn.vendor == "postgresql" else ""
    marks = ", ".join(["%s"] * len(paths))
    when = " OR ".join(["(t.grain = %s AND t.day >= %s AND t.day < %s)"] * len(spans))
    sql = (f"SELECT e.key, SUM(e.value{cast}) FROM {table} t, {each}(t.hist) e WHERE t.source = %s AND t.key = %s "
           f"AND t.path IN ({marks}) AND ({when}) GROUP BY e.key")
    with conn.cursor() as cur:
        cur.execute(sql, [source, key, *paths, *[x for s in spans for x in s]])
        return {k: int(n) for k, n in cur.fetchall() if n}


def spans(start: dt.date, end: dt.date):
    from yizuyihui.insights.rollups import _spans

    return _spans(start, end)


def scope_paths(user, node=None):
    from yizuyihui.insights.rollups import scope_paths as _scope_paths

    return _scope_paths(user, node)


def all_rebuilds() -> list[tuple[str, object]]:
    """Every rollup's rebuild from history, in order: what `yzyh insights rebuild` runs and what the
    scale bench's builder calls after its COPY. Each takes `progress` (a callable or None)."""
    from functools import partial

    from yizuyihui.insights import rollups

    return [("measures", rollups.rebuild)] + [(f"panels:{name}", partial(rebuild_source, name)) for name in sorted(sources())]
