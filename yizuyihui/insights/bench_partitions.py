"""`yzyh bench partitions`: does PostgreSQL's native partitioning by month help the big
append-only tables (issue 17)? Run on a city built by `yzyh bench scale`.

For each of case events (by `at`), visits (by `visited_at`) and audit events (by `at`; the bench
city has none, so `--audit-rows` synthetic rows are made first in a scratch table), the command
makes two scratch copies of the table with the same indexes — a plain one and one partitioned by
month (PRIMARY KEY (id, time), the only kind a partitioned table allows) — times filling each
(INSERT … SELECT), compares their sizes, and times the queries the pages, jobs and rollups run on
that table (EXPLAIN ANALYZE, median of `--repeat` runs after a warm-up). The copies are dropped at
the end; the application's tables are only read.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import statistics
import time

import click

TABLES = {
    # name: (source table, time column, extra index definitions on the copy (besides the pk))
    "case events": ("cases_caseevent", "at", ["(case_id, at)", "(at)", "(actor_id)", "(case_id)"]),
    "visits": ("visits_visit", "visited_at", ["(unit_id, visited_at)", "(household_id)", "(unit_id)", "(visitor_id)"]),
    "audit": ("_bench_audit_src", "at", ["(at)", "(action)", "(actor_id)", "(hash)"]),
}


def _exec(cur, sql, params=None):
    cur.execute(sql, params)


def _months(cur, table: str, column: str) -> list[dt.date]:
    cur.execute(f"SELECT date_trunc('month', min({column}) AT TIME ZONE 'UTC')::date, "
                f"date_trunc('month', max({column}) AT TIME ZONE 'UTC')::date FROM {table}")
    lo, hi = cur.fetchone()
    out, d = [], lo
    while d <= hi:
        out.append(d)
        d = (d + dt.timedelta(days=32)).replace(day=1)
    return out


def _make_copies(cur, name: str, echo) -> dict:
    source, column, indexes = TABLES[name]
    plain, part = f"_bench_plain_{source}", f"_bench_part_{source}"
    for t in (plain, part):
        _exec(cur, f"DROP TABLE IF EXISTS {t} CASCADE")
    out = {}
    # Plain: the same columns, pk (id), the same indexes; filled in one INSERT … SELECT.
    _exec(cur, f"CREATE TABLE {plain} (LIKE {source} INCLUDING DEFAULTS)")
    _exec(cur, f"ALTER TABLE {plain} ADD PRIMARY KEY (id)")
    for i, cols in enumerate(indexes):
        _exec(cur, f"CREATE INDEX {plain}_{i} ON {plain} {cols}")
    t = time.perf_counter()
    _exec(cur, f"INSERT INTO {plain} SELECT * FROM {source}")
    out["fill plain s"] = round(time.perf_counter() - t, 1)
    # Partitioned by month of the time column (UTC month bounds), pk (id, time).
    _exec(cur, f"CREATE TABLE {part} (LIKE {source} INCLUDING DEFAULTS) PARTITION BY RANGE ({column})")
    months = _months(cur, source, column)
    for m in months:
        nxt = (m + dt.timedelta(days=32)).replace(day=1)
        _exec(cur, f"CREATE TABLE {part}_{m:%Y%m} PARTITION OF {part} FOR VALUES FROM ('{m} 00:00+00') TO ('{nxt} 00:00+00')")
    _exec(cur, f"ALTER TABLE {part} ADD PRIMARY KEY (id, {column})")
    for i, cols in enumerate(indexes):
        _exec(cur, f"CREATE INDEX {part}_{i} ON {part} {cols}")
    t = time.perf_counter()
    _exec(cur, f"INSERT INTO {part} SELECT * FROM {source}")
    out["fill partitioned s"] = round(time.perf_counter() - t, 1)
    out["partitions"] = len(months)
    _exec(cur, f"ANALYZE {plain}")
    _exec(cur, f"ANALYZE {part}")
    cur.execute(f"SELECT pg_total_relation_size('{plain}'), "
                f"(SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits WHERE inhparent = '{part}'::regclass)")
    a, b = cur.fetchone()
    out["size plain MB"], out["size partitioned MB"] = round(a / 2**20), round(int(b) / 2**20)
    cur.execute(f"SELECT count(*) FROM {source}")
    out["rows"] = cur.fetchone()[0]
    echo(f"  {name}: {json.dumps(out)}")
    return out


def _time_query(cur, sql: str, params, repeat: int) -> float:
    cur.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)  # warm-up
    times = []
    for _ in range(repeat):
        cur.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        plan = cur.fetchone()[0]
        plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
        times.append(plan["Planning Time"] + plan["Execution Time"])
    return statistics.median(times)


def _queries(cur, name: str, rng: random.Random) -> list[tuple[str, str, list]]:
    """(label, SQL with {t} for the table, params) of what the application runs on this table."""
    if name == "case events":
        cur.execute("SELECT case_id FROM cases_caseevent ORDER BY random() LIMIT 1")
        case_id = cur.fetchone()[0]
        cur.execute("SELECT max(at) FROM cases_caseevent")
        last = cur.fetchone()[0]
        cur.execute("SELECT unit_id FROM cases_case WHERE id = %s", [case_id])
        unit = cur.fetchone()[0]
        cur.execute("SELECT max(id) - 2000 FROM cases_caseevent")
        since = cur.fetchone()[0]
        month = last - dt.timedelta(days=30)
        return [
            ("a matter's timeline (detail page)", "SELECT * FROM {t} WHERE case_id = %s ORDER BY at", [case_id]),
            ("a unit's feedback events in a month (incentives)",
             "SELECT e.case_id, e.at FROM {t} e JOIN cases_case c ON c.id = e.case_id WHERE c.unit_id = %s "
             "AND e.action = 'resolve' AND e.at >= %s AND e.at < %s", [unit, month, last]),
            ("last 30 days' events by action (city)", "SELECT action, count(*) FROM {t} WHERE at >= %s GROUP BY action",
             [month]),
            ("new events since a watermark (triage job: pk > n)",
             "SELECT id, case_id FROM {t} WHERE action = 'resolve' AND id > %s", [since]),
            ("five years by month (a rebuild over history)",
             "SELECT date_trunc('month', at), action, count(*) FROM {t} GROUP BY 1, 2", []),
        ]
    if name == "visits":
        cur.execute("SELECT household_id, unit_id FROM visits_visit ORDER BY random() LIMIT 1")
        household, unit = cur.fetchone()
        cur.execute("SELECT max(visited_at) FROM visits_visit")
        last = cur.fetchone()[0]
        cur.execute("SELECT u.id FROM org_unit u JOIN org_orgnode n ON n.id = u.node_id WHERE n.path LIKE "
                    "(SELECT left(n2.path, 12) || '%%' FROM org_unit u2 JOIN org_orgnode n2 ON n2.id = u2.node_id "
                    "WHERE u2.id = %s)", [unit])
        street_units = [r[0] for r in cur.fetchall()]
        month = last - dt.timedelta(days=30)
        return [
            ("a household's latest visit", "SELECT * FROM {t} WHERE household_id = %s ORDER BY visited_at DESC LIMIT 1",
             [household]),
            ("a street's visits in the last month", "SELECT count(*) FROM {t} WHERE unit_id = ANY(%s) AND visited_at >= %s",
             [street_units, month]),
            ("the city's visits in the last month by unit",
             "SELECT unit_id, count(*) FROM {t} WHERE visited_at >= %s GROUP BY unit_id", [month]),
            ("a unit's visits over five years", "SELECT count(*) FROM {t} WHERE unit_id = %s", [unit]),
            ("five years by month (a rebuild over history)",
             "SELECT date_trunc('month', visited_at), count(*) FROM {t} GROUP BY 1", []),
        ]
    cur.execute("SELECT max(at), max(actor_id) FROM _bench_audit_src")
    last, actors = cur.fetchone()
    return [
        ("the audit log's newest page", "SELECT * FROM {t} ORDER BY id DESC LIMIT 50", []),
        ("the audit log's newest page by time", "SELECT * FROM {t} ORDER BY at DESC LIMIT 50", []),
        ("one actor's actions", "SELECT * FROM {t} WHERE actor_id = %s ORDER BY at DESC LIMIT 50", [rng.randrange(1, actors)]),
        ("last 7 days by action", "SELECT action, count(*) FROM {t} WHERE at >= %s GROUP BY action",
         [last - dt.timedelta(days=7)]),
    ]


def _audit_source(cur, rows: int, echo) -> None:
    """Synthetic audit rows over the city's five years (the bench city has no audit trail)."""
    _exec(cur, "DROP TABLE IF EXISTS _bench_audit_src")
    _exec(cur, "CREATE TABLE _bench_audit_src (LIKE audit_auditevent INCLUDING DEFAULTS)")
    cur.execute("SELECT min(filed_at), max(filed_at) FROM cases_case")
    lo, hi = cur.fetchone()
    t = time.perf_counter()
    _exec(cur, """INSERT INTO _bench_audit_src (id, at, action, actor_id, actor_name, ip, object_type, object_id, detail,
                  prev_hash, hash)
                  SELECT g, %s + (%s - %s) * (g::float8 / %s), (ARRAY['login','case_step','export','role_change'])[1 + g %% 4],
                         1 + (g::bigint * 7919) %% 5000, '', '', 'case', g::text, '{}', md5((g - 1)::text), md5(g::text)
                  FROM generate_series(1, %s) g""", [lo, hi, lo, rows, rows])
    echo(f"  audit source: {rows:,} synthetic rows in {time.perf_counter() - t:.1f} s")


@click.command("partitions")
@click.option("--repeat", default=7, show_default=True, type=click.IntRange(1, 100))
@click.option("--audit-rows", default=2_000_000, show_default=True, type=click.IntRange(1000, 100_000_000))
@click.option("--tables", default="case events,visits,audit", show_default=True)
@click.option("--keep", is_flag=True, help="Keep the scratch copies")
def bench_partitions(repeat: int, audit_rows: int, tables: str, keep: bool) -> None:
    """Plain vs partitioned-by-month copies of events, visits and audit: fill time, size, queries."""
    from yizuyihui.core.cli import setup_django

    setup_django()
    import os

    from django.db import connection

    if connection.vendor != "postgresql":
        raise click.ClickException("PostgreSQL only (set DATABASE_URL to a city built by `yzyh bench scale`)")
    rng = random.Random(17)
    results = []
    with connection.cursor() as cur:
        _exec(cur, "SET work_mem = '64MB'")
        _exec(cur, "SET maintenance_work_mem = '256MB'")
        for name in [t.strip() for t in tables.split(",") if t.strip()]:
            if name == "audit":
                _audit_source(cur, audit_rows, click.echo)
            source = TABLES[name][0]
            info = _make_copies(cur, name, click.echo)
            for label, sql, params in _queries(cur, name, rng):
                plain = _time_query(cur, sql.format(t=f"_bench_plain_{source}"), params, repeat)
                part = _time_query(cur, sql.format(t=f"_bench_part_{source}"), params, repeat)
                results.append((name, label, plain, part))
                click.echo(f"    {label:<52} plain {plain:>9.2f} ms  partitioned {part:>9.2f} ms")
            # Retention: removing the oldest month.
            months = _months(cur, source, TABLES[name][1])
            first, nxt = months[0], (months[0] + dt.timedelta(days=32)).replace(day=1)
            with connection.cursor() as c2:
                c2.execute("BEGIN")
                t = time.perf_counter()
                c2.execute(f"DELETE FROM _bench_plain_{source} WHERE {TABLES[name][1]} < %s", [f"{nxt} 00:00+00"])
                delete_ms = (time.perf_counter() - t) * 1000
                t = time.perf_counter()
                c2.execute(f"ALTER TABLE _bench_part_{source} DETACH PARTITION _bench_part_{source}_{first:%Y%m}")
                c2.execute(f"DROP TABLE _bench_part_{source}_{first:%Y%m}")
                drop_ms = (time.perf_counter() - t) * 1000
                c2.execute("ROLLBACK")
            results.append((name, "drop the oldest month (DELETE vs DETACH + DROP)", delete_ms, drop_ms))
            click.echo(f"    {'drop the oldest month':<52} plain {delete_ms:>9.2f} ms  partitioned {drop_ms:>9.2f} ms")
            info["name"] = name
            results.append(info)
            if not keep:
                _exec(cur, f"DROP TABLE IF EXISTS _bench_plain_{source}, _bench_part_{source} CASCADE")
        if not keep:
            _exec(cur, "DROP TABLE IF EXISTS _bench_audit_src")
    click.echo(f"\n{'table':<13}{'query':<54}{'plain ms':>10}{'part. ms':>10}{'ratio':>7}")
    for r in results:
        if isinstance(r, tuple):
            click.echo(f"{r[0]:<13}{r[1]:<54}{r[2]:>10.2f}{r[3]:>10.2f}{r[3] / r[2] if r[2] else 0:>7.2f}")
    for r in results:
        if isinstance(r, dict):
            click.echo(f"{r['name']}: {r['rows']:,} rows, {r['partitions']} partitions; fill plain {r['fill plain s']} s, "
                       f"partitioned {r['fill partitioned s']} s; size plain {r['size plain MB']} MB, "
                       f"partitioned {r['size partitioned MB']} MB")
    load = os.getloadavg()
    click.echo(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
