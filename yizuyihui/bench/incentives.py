"""`yzyh bench incentives`: points and staff performance (考核) at city scale.

Two runs:

* `--demo` (the default): the database DATABASE_URL (or ./var) names, holding the demo city
  (`yzyh demo --no-serve` builds it: 4,915 units, their staff, a year of activity). Times the
  performance scores of the year for every unit, grid worker, unit leader, community and street
  (twice: the first stores, the second updates in place), the points ledger derived again from
  nothing (in a transaction rolled back afterwards) and recomputed, and a resident's balance page.
* `--synthetic`: a city's yearly points volumes in a scratch database (below).

The synthetic run builds a year of rewarded events in a scratch database (SQLite in a temporary folder, or the
PostgreSQL database `yzyh_bench_incentives` with --pg-url): households and their members, 三必访
visits, matters filed by residents and accepted, volunteer hours; then times a derivation of the
whole ledger from nothing, a second (idempotent, adds nothing) derivation, the recomputation
(which must equal the ledger) and the resident's balance page.
Defaults are the demo city's yearly volumes (B市: 1.1 M households visited about twice a year).
`--keep` keeps the scratch database and, next time, reuses the year it holds (ledger emptied):
`yzyh bench incentives --synthetic --keep --sqlite-file /tmp/synth.sqlite3`, or with
`--pg-url postgres://…/postgres --pg-name NAME --keep`.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import tempfile
import time
import uuid

import click
from django.db.models import Count

BENCH_PG_NAME = "yzyh_bench_incentives"


def _recreate_pg(base: str, name: str = BENCH_PG_NAME) -> str:
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(urlsplit(base)._replace(path=f"/{name}"))


def _keep_pg(base: str, name: str) -> str:
    """The scratch database, made if missing, kept otherwise (--keep)."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(urlsplit(base)._replace(path=f"/{name}"))


def build_year(*, households: int, matters: int, hours: int, units: int, seed: int = 15) -> dict:
    """A year of events through bulk paths (the services are tested elsewhere)."""
    from zoneinfo import ZoneInfo

    from django.db import transaction

    from yizuyihui.bench.cases import CASE_FIELDS
    from yizuyihui.cases.models import Case, CaseEvent
    from yizuyihui.core.bulk import fast_insert, reserve_ids
    from yizuyihui.demo.cast import build_cast
    from yizuyihui.incentives.demo import DEFAULT_RULES
    from yizuyihui.incentives.models import PointRule
    from yizuyihui.org.models import Level, Unit
    from yizuyihui.org.services import node_create
    from yizuyihui.people.models import Household, Person
    from yizuyihui.resources.models import Dispatch, ServiceHours, Volunteer, VolunteerTeam
    from yizuyihui.visits.models import Visit

    rng = random.Random(seed)
    tz = ZoneInfo("Asia/Shanghai")
    year0 = dt.datetime(2026, 1, 1, tzinfo=tz)
    cast = build_cast()
    for event, pts, cap, period in DEFAULT_RULES:
        PointRule.objects.create(event=event, points=pts, cap=cap, period=period)
    with transaction.atomic():
        community = cast.community
        for g in range(units):
            node_create(parent=community, name=f"格{g}", level=Level.GRID, code=f"BI-G{g}")
    unit_rows = list(Unit.objects.filter(node__level=Level.GRID).values_list("pk", "node_id"))
    with transaction.atomic():
        hh_ids = reserve_ids(Household, households)
        fast_insert(Household, ("id", "node_id", "unit_id", "address", "category", "size"),
                    ((h, unit_rows[h % len(unit_rows)][1], unit_rows[h % len(unit_rows)][0], f"{h}号", "ordinary", 3)
                     for h in hh_ids))
        p_ids = reserve_ids(Person, households * 3)
        fast_insert(Person, ("id", "name", "gender", "id_number", "phone", "id_number_hash", "phone_hash",
                             "is_party_member", "is_migrant", "node_id", "household_id", "relation", "occupation",
                             "outside_kind", "outside_place"),
                    ((p, f"居民{p}", "F", "", "", "", "", False, False, unit_rows[(p // 3) % len(unit_rows)][1],
                      hh_ids[(p - p_ids[0]) // 3], "", "", "", "") for p in p_ids))

    def when():
        return year0 + dt.timedelta(seconds=rng.randrange(365 * 86400))

    with transaction.atomic():
        fast_insert(Visit, ("household_id", "unit_id", "visited_at", "note", "photo", "created"),
                    ((hh_ids[i % households], unit_rows[hh_ids[i % households] % len(unit_rows)][0], when(), "", "",
                      year0) for i in range(households * 2)))
    with transaction.atomic():
        case_ids = reserve_ids(Case, matters)
        rows, events = [], []
        for c in case_ids:
            u = unit_rows[c % len(unit_rows)]
            at = when()
            rows.append((c, uuid.uuid4().hex, u[0], u[1], 1, "received", "normal", "calm", "web", "resident", "", "事",
                         "", "", "", at, at, at, at, None, None, None, False, False, False, "", "", "", "", 0, False,
                         rng.choice(p_ids)))
            events.append((c, "receive", "filed", "received", 1, "", at + dt.timedelta(hours=2), True, "{}"))
        fast_insert(Case, (*CASE_FIELDS, "reporter_id"), rows)
        fast_insert(CaseEvent, ("case_id", "action", "from_status", "to_status", "tier", "reason", "at", "public",
                                "data"), events)
    with transaction.atomic():
        team = VolunteerTeam.objects.create(name="基准队", node=community, path=community.path, service_type="charity")
        dispatch = Dispatch.objects.create(team=team, case_id=case_ids[0], at=year0)
        vols = reserve_ids(Volunteer, min(20000, len(p_ids)))
        fast_insert(Volunteer, ("id", "team_id", "person_id", "service_type", "path", "district_path", "street_path",
                                "availability", "hours_total", "active", "joined"),
                    ((v, team.pk, p_ids[i * 7 % len(p_ids)], "charity", community.path, "", "", 1, 0, True, "2026-01-01")
                     for i, v in enumerate(vols)))
        fast_insert(ServiceHours, ("dispatch_id", "team_id", "volunteer_id", "path", "on", "hours"),
                    ((dispatch.pk, team.pk, rng.choice(vols), community.path, when().date(),
                      rng.choice(["1.0", "2.0", "2.5", "4.0"])) for _ in range(hours)))
    return {"households": households, "persons": len(p_ids), "visits": households * 2, "matters": matters,
            "hours_rows": hours, "units": len(unit_rows)}


def _backend_cpu() -> float:
    """CPU seconds (user + system) of this connection's PostgreSQL backend so far, from /proc when the
    server runs on this machine; 0 on SQLite (its work is this process's) or when unreadable."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            pid = cur.fetchone()[0]
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


def _year_sizes() -> dict:
    from yizuyihui.cases.models import Case
    from yizuyihui.org.models import Level, Unit
    from yizuyihui.people.models import Household, Person
    from yizuyihui.resources.models import ServiceHours
    from yizuyihui.visits.models import Visit

    return {"households": Household.objects.count(), "persons": Person.objects.count(),
            "visits": Visit.objects.count(), "matters": Case.objects.count(),
            "hours_rows": ServiceHours.objects.count(), "units": Unit.objects.filter(node__level=Level.GRID).count()}


def run_bench(*, households: int, matters: int, hours: int, units: int, pages: int, reuse: bool = False) -> dict:
    """`reuse`: the database already holds the year (a kept scratch database): its ledger is
    emptied and the year is not built again."""
    from django.db import connection

    from yizuyihui.incentives import points, services
    from yizuyihui.incentives.models import PointAccount, PointEntry, PointRule
    from yizuyihui.visits.models import Visit

    t0 = time.monotonic()
    if reuse and PointRule.objects.exists() and Visit.objects.exists():
        PointEntry.objects.all().delete()
        PointAccount.objects.all().delete()
        sizes = _year_sizes()
        click.echo(f"reusing the year already built: {sizes}")
    else:
        sizes = build_year(households=households, matters=matters, hours=hours, units=units)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    built = time.monotonic() - t0
    cpu: dict[str, float] = {}

    def timed(name, fn):
        """Wall seconds; CPU seconds of this process and (PostgreSQL, same machine) of its server
        backend into `cpu`: on 2 shared cores at load 20 the wall time is mostly waiting for a CPU."""
        backend = _backend_cpu()
        t, c = time.monotonic(), time.process_time()
        value = fn()
        cpu[name] = round(time.process_time() - c + (_backend_cpu() - backend), 1)
        return value, time.monotonic() - t

    added, derive_s = timed("derive", services.points_derive)
    again, again_s = timed("again", services.points_derive)
    recomputed, recompute_s = timed("recompute", points.balances_recomputed)
    ledger = dict(PointAccount.objects.exclude(earned=0).values_list("person_id", "earned"))
    click.echo(f"derive {derive_s:.1f} s ({added} entries), again {again_s:.1f} s (+{again}), "
               f"recompute {recompute_s:.1f} s, equal: {recomputed == ledger}, "
               f"load average {open('/proc/loadavg').read().split()[:3]}")
    # The balance page of a resident with the longest history.
    top = PointEntry.objects.values("person_id").annotate(c=Count("pk")).order_by("-c", "person_id").first()
    p50, p95 = _balance_page(top["person_id"], pages)
    return {**sizes, "build_s": round(built, 1), "entries": added, "holders": len(ledger),
            "points_total": sum(ledger.values()), "derive_s": round(derive_s, 1), "second_derive_added": again,
            "second_derive_s": round(again_s, 1), "recompute_s": round(recompute_s, 1),
            "recompute_equals_ledger": recomputed == ledger, "page_p50_ms": p50, "page_p95_ms": p95,
            **{f"{k}_cpu_s": v for k, v in cpu.items()}}


def _ms(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    return round(statistics.median(samples), 1), round(samples[int(0.95 * (len(samples) - 1))], 1)


def _balance_page(person_id: int, pages: int) -> tuple[float, float]:
    """p50/p95 of /incentives/points/ for this person (a login made and dropped in a rolled-back transaction)."""
    from django.conf import settings
    from django.db import transaction
    from django.test import Client, override_settings

    from yizuyihui.people.models import Person
    from yizuyihui.people.services import user_create

    samples: list[float] = []
    with transaction.atomic():
        person = Person.objects.get(pk=person_id)
        user = person.user or user_create(username="bench-resident", password="x-pass-2026", person=person)
        client = Client()
        client.force_login(user)
        # The bench has no collected static files: plain storage, as the browser tests do.
        with override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}):
            for i in range(pages + 5):
                t = time.perf_counter()
                resp = client.get("/incentives/points/")
                assert resp.status_code == 200, resp.status_code
                if i >= 5:
                    samples.append((time.perf_counter() - t) * 1000)
        transaction.set_rollback(True)
    return _ms(samples)


def run_demo(*, period: str, pages: int) -> dict:
    from django.db import connection, transaction

    from yizuyihui.incentives import performance, points, services
    from yizuyihui.incentives.models import EntryKind, PointAccount, PointEntry, Redemption
    from yizuyihui.incentives.performance_models import PerformanceScore
    from yizuyihui.org.models import Unit

    out: dict = {"database": connection.vendor, "units": Unit.objects.count(), "period": period}
    # 考核: every subject's score and rank for the year.
    t0 = time.monotonic()
    n = performance.scores_compute(period=period)
    out["performance_first_s"] = round(time.monotonic() - t0, 1)
    t0 = time.monotonic()
    performance.scores_compute(period=period)
    out["performance_again_s"] = round(time.monotonic() - t0, 1)
    out["performance_scores"] = n
    out.update({f"scores_{k}": v for k, v in PerformanceScore.objects.filter(period=period).values_list("kind")
                .annotate(c=Count("pk")).order_by()})
    # 积分: recompute every balance from the record, and derive the whole ledger again from nothing.
    ledger = dict(PointAccount.objects.values_list("person_id", "earned"))
    spent = dict(PointAccount.objects.values_list("person_id", "spent"))
    t0 = time.monotonic()
    recomputed = points.balances_recomputed()
    out["points_recompute_s"] = round(time.monotonic() - t0, 1)
    balances = {p: e - spent.get(p, 0) for p, e in ledger.items() if e - spent.get(p, 0)}
    out["recompute_equals_ledger"] = recomputed == balances
    with transaction.atomic():
        PointEntry.objects.filter(kind=EntryKind.AWARD).delete()
        PointAccount.objects.update(earned=0)
        t0 = time.monotonic()
        added = services.points_derive()
        out["points_derive_from_nothing_s"] = round(time.monotonic() - t0, 1)
        out["points_derived_entries"] = added
        out["derive_equals_ledger"] = dict(PointAccount.objects.values_list("person_id", "earned")) == ledger
        transaction.set_rollback(True)
    out["points_awarded_total"] = sum(ledger.values())
    out["point_holders"] = sum(1 for v in ledger.values() if v)
    out["rewards_redeemed"] = Redemption.objects.count()
    top = (PointEntry.objects.values("person_id").annotate(c=Count("pk")).order_by("-c").first() or {}).get("person_id")
    if top is not None:
        out["page_entries"] = PointEntry.objects.filter(person_id=top).count()
        out["page_p50_ms"], out["page_p95_ms"] = _balance_page(top, pages)
    return out


@click.command(name="incentives")
@click.option("--synthetic", is_flag=True, help="points only, for a city's yearly volumes in a scratch database")
@click.option("--period", default="", help="the performance period (default: this year)")
@click.option("--households", default=1_100_000, show_default=True, help="synthetic: each visited twice, 3 people each")
@click.option("--matters", default=200_000, show_default=True, help="synthetic")
@click.option("--hours", default=150_000, show_default=True, help="synthetic: rows of volunteer hours")
@click.option("--units", default=200, show_default=True, help="synthetic")
@click.option("--pages", default=200, show_default=True)
@click.option("--pg-url", default="", help="synthetic: PostgreSQL server URL: bench in a scratch database there "
                                           "(--pg-name, dropped and made again), else SQLite in a temporary folder.")
@click.option("--pg-name", default=BENCH_PG_NAME, show_default=True, help="synthetic: the scratch database's name")
@click.option("--sqlite-file", default="", help="synthetic: the scratch SQLite file (default: in a temporary folder)")
@click.option("--keep", is_flag=True, help="synthetic: keep the scratch database (--sqlite-file, or --pg-name not "
                                           "dropped) and reuse the year it holds, its ledger emptied first "
                                           "(building the year takes ~15 min)")
def bench_incentives(synthetic: bool, period: str, households: int, matters: int, hours: int, units: int, pages: int,
                     pg_url: str, pg_name: str, sqlite_file: str, keep: bool) -> None:
    """Performance scores and points of the demo city's year (or --synthetic points); balance page p95."""
    if synthetic:
        os.environ["YZYH_DATA_DIR"] = tempfile.mkdtemp(prefix="yzyh-bench-incentives-")
        if pg_url:
            os.environ["DATABASE_URL"] = _keep_pg(pg_url, pg_name) if keep else _recreate_pg(pg_url, pg_name)
        elif sqlite_file:
            os.environ["DATABASE_URL"] = f"sqlite:///{os.path.abspath(sqlite_file)}"
        elif keep:
            raise click.UsageError("--keep on SQLite needs --sqlite-file")
        else:
            os.environ.pop("DATABASE_URL", None)
    from yizuyihui.core.cli import setup_django

    setup_django()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    click.echo(f"load average before: {open('/proc/loadavg').read().split()[:3]}")
    if synthetic:
        result = run_bench(households=households, matters=matters, hours=hours, units=units, pages=pages,
                           reuse=keep)
        result["database"] = connection.vendor
        ok = result["derive_s"] <= 60 and result["recompute_s"] <= 60 and result["page_p95_ms"] <= 100
        verdict = (f"derive {result['derive_s']} s, recompute {result['recompute_s']} s (≤ 60 s), "
                   f"page p95 {result['page_p95_ms']} ms (≤ 100 ms): {'OK' if ok else 'TOO SLOW'}")
    else:
        from yizuyihui.demo import generator
        from yizuyihui.incentives import performance

        if not generator.city_exists():
            raise click.ClickException("no demo city in this database: run `yzyh demo --no-serve` first")
        result = run_demo(period=period or performance.current_period(), pages=pages)
        worst = max(result["performance_first_s"], result["performance_again_s"])
        points_s = max(result["points_recompute_s"], result["points_derive_from_nothing_s"])
        ok = worst <= 60 and points_s <= 60 and result.get("page_p95_ms", 0) <= 100
        verdict = (f"performance {worst} s, points {points_s} s (≤ 60 s), page p95 {result.get('page_p95_ms')} ms "
                   f"(≤ 100 ms): {'OK' if ok else 'TOO SLOW'}")
    for key, value in result.items():
        click.echo(f"{key}: {value}")
    click.echo(f"load average after: {open('/proc/loadavg').read().split()[:3]}")
    click.echo(verdict)
