"""`yzyh bench cases`: intake through the API under gunicorn, the handler worklist, the sweep."""

from __future__ import annotations

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import click

from yizuyihui.core.cli import setup_django


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else 0.0


# --- `yzyh bench cases` ----------------------------------------------------------------------------
# The driver below runs every phase in a fresh scratch database (a temporary SQLite file, or the
# PostgreSQL database `yzyh_bench_cases` created and dropped), in child processes so each phase has
# its own settings: `yzyh bench cases-step <phase>` (hidden) does the in-database work.
BENCH_PG_NAME = "yzyh_bench_cases"


def _prepare() -> dict:
    """Migrate, seed, build the demo cast; return the unit to file into and an API key."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from django.contrib.auth import get_user_model

    from yizuyihui.accounts.apikeys import apikey_create
    from yizuyihui.accounts.models import ApiKey
    from yizuyihui.cases import deadlines, services
    from yizuyihui.cases.models import Category
    from yizuyihui.demo.cast import build_cast

    if not Category.objects.exists():
        services.categories_load()
    deadlines.calendar_seed()
    deadlines.policy_seed()
    if not get_user_model().objects.filter(username="grid_worker").exists():
        build_cast()
    user = get_user_model().objects.get(username="grid_worker")
    # Keys are hashed at rest (shown once): make a fresh one each run, drop the earlier bench keys.
    ApiKey.objects.filter(user=user, name="bench", revoked_at__isnull=True).delete()
    key = apikey_create(user=user, name="bench")[1]
    unit = user.posts.filter(active=True, role="grid_worker").select_related("node__unit").first().node.unit
    return {"unit_id": unit.pk, "key": key}


def _case_rows(n: int, *, start_id: int, status_of, due_of, handler_of, now, units):
    """Rows for `fast_insert(Case, CASE_FIELDS, …)`: synthetic matters (origin_ref "bench")."""
    import datetime as dt

    for i in range(n):
        unit_id, node_id = units[i % len(units)]
        filed = now - dt.timedelta(minutes=(i * 7) % 525_600)
        due = due_of(i)
        status = status_of(i)
        done = status in ("resolved", "fed_back", "closed")
        yield (start_id + i, uuid.uuid4(), unit_id, node_id, 1, status, "normal", "calm", "api", "resident", "bench",
               f"bench bulk {i}", "", "", "", filed, filed, due, due, handler_of(i), filed if done else None,
               filed if status == "closed" else None, False, False, False, "", "", "", "", 0, False)


CASE_FIELDS = ("id", "public_id", "unit_id", "node_id", "tier", "status", "urgency", "mode", "channel", "origin",
               "origin_ref", "title", "description", "place", "idempotency_key", "filed_at", "responded_at",
               "respond_due", "resolve_due", "handler_id", "resolved_at", "closed_at", "on_agenda", "resolved_on_spot",
               "category_overridden", "result", "feedback", "rating", "rating_comment", "reopen_count", "was_overdue")


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def _step_worklist(matters: int, repeat: int) -> dict:
    """`matters` synthetic matters (COPY on PostgreSQL) spread over 500 handlers; time the worklist
    of one handler `repeat` times."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from yizuyihui.cases import selectors
    from yizuyihui.cases.models import Assignment, Case
    from yizuyihui.core.bulk import fast_insert, reserve_ids
    from yizuyihui.org.models import Unit

    User = get_user_model()
    me = User.objects.get(username="grid_worker")
    names = [f"bench-handler-{i}" for i in range(499)]
    User.objects.bulk_create([User(username=n, password="!") for n in names], ignore_conflicts=True)
    handlers = [me.pk, *User.objects.filter(username__in=names).order_by("pk").values_list("pk", flat=True)]
    units = list(Unit.objects.values_list("pk", "node_id"))
    now = timezone.now()
    import datetime as dt

    # 88 % closed, 2 % dispatched (offered to handlers), 6 % in hand (claimed/in progress/suspended), 4 % waiting.
    cycle = ["closed"] * 88 + ["dispatched"] * 2 + ["claimed", "in_progress", "in_progress", "in_progress", "suspended",
                                                     "claimed"] + ["received", "filed", "deliberating", "received"]
    in_hand = {"claimed", "in_progress", "suspended", "closed"}
    t0 = time.perf_counter()
    ids = reserve_ids(Case, matters)
    fast_insert(Case, CASE_FIELDS, _case_rows(
        matters, start_id=ids.start, now=now, units=units, status_of=lambda i: cycle[i % 100],
        due_of=lambda i: now + dt.timedelta(hours=(i % 400) - 100),
        handler_of=lambda i: handlers[(i // 100) % len(handlers)] if cycle[i % 100] in in_hand else None))
    a_ids = reserve_ids(Assignment, matters // 50)
    offered = (ids.start + i for i in range(matters) if cycle[i % 100] == "dispatched")
    fast_insert(Assignment, ("id", "case_id", "handler_id", "due", "state", "created_at"),
                ((a_ids.start + k, case_id, handlers[(k * 7) % len(handlers)], now, "pending", now)
                 for k, case_id in enumerate(offered)))
    _analyze()
    load = time.perf_counter() - t0
    total = Case.objects.count()
    offered_n = Assignment.objects.filter(handler=me, state="pending").count()
    in_hand_n = Case.objects.filter(handler=me, status__in=selectors.IN_HAND).count()
    selectors.handler_claims(user=me)  # warm the connection and the plan cache
    timings = []
    for _ in range(repeat):
        me = User.objects.get(pk=me.pk)  # a new request: no per-user caches
        t = time.perf_counter()
        rows = selectors.handler_claims(user=me)
        timings.append(time.perf_counter() - t)
    return {"load_s": load, "matters": total, "offered": offered_n, "in_hand": in_hand_n, "rows": len(rows),
            "p50_ms": _pct(timings, 50) * 1000, "p95_ms": _pct(timings, 95) * 1000, "max_ms": max(timings) * 1000,
            "n": repeat}


def _step_sweep(open_matters: int, overdue: int) -> dict:
    """`open_matters` open matters at tier 1; `overdue` of them become overdue at once. Time the sweep
    when all are on time, when `overdue` are late (supervision + auto-escalation), and a re-run."""
    import datetime as dt

    from django.utils import timezone

    from yizuyihui.cases.models import Case, CaseEvent
    from yizuyihui.cases.services import sweep_overdue
    from yizuyihui.core.bulk import fast_insert, reserve_ids
    from yizuyihui.notifications.models import Notification
    from yizuyihui.org.models import Unit
    from yizuyihui.supervision.models import Supervision

    units = list(Unit.objects.values_list("pk", "node_id"))
    now = timezone.now()
    statuses = ["received", "deliberating", "in_progress", "claimed", "received"]
    step = max(1, open_matters // max(1, overdue))
    t0 = time.perf_counter()
    ids = reserve_ids(Case, open_matters)
    fast_insert(Case, CASE_FIELDS, _case_rows(
        open_matters, start_id=ids.start, now=now, units=units, status_of=lambda i: statuses[i % len(statuses)],
        due_of=lambda i: now + dt.timedelta(days=3, minutes=i % 1000) if (i % step or i // step >= overdue)
        else now + dt.timedelta(minutes=30),
        handler_of=lambda i: None))
    _analyze()
    load = time.perf_counter() - t0
    t = time.perf_counter()
    idle = sweep_overdue(now=now)
    idle_s = time.perf_counter() - t
    later = now + dt.timedelta(hours=1)  # the `overdue` matters are now 30 minutes late
    t = time.perf_counter()
    first = sweep_overdue(now=later)
    first_s = time.perf_counter() - t
    t = time.perf_counter()
    second = sweep_overdue(now=later)
    second_s = time.perf_counter() - t
    return {"load_s": load, "open": Case.objects.open().count(), "idle_s": idle_s, "idle": idle, "first_s": first_s,
            "first": first, "second_s": second_s, "second": second, "supervisions": Supervision.objects.count(),
            "escalation_events": CaseEvent.objects.filter(action="auto_escalate").count(),
            "notifications": Notification.objects.count()}


@click.command("cases-step", hidden=True)
@click.argument("phase", type=click.Choice(["prepare", "worklist", "sweep"]))
@click.option("--matters", default=1_000_000)
@click.option("--repeat", default=60)
@click.option("--overdue", default=2000)
def bench_step(phase, matters, repeat, overdue) -> None:
    """One phase of `yzyh bench cases` in the database of DATABASE_URL / YZYH_DATA_DIR."""
    setup_django()
    result = _prepare()
    if phase == "worklist":
        result = _step_worklist(matters, repeat)
    elif phase == "sweep":
        result = _step_sweep(matters, overdue)
    click.echo("RESULT " + json.dumps(result, default=str))


def _run_step(env: dict, *args: str) -> dict:
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "yizuyihui.cli", "bench", "cases-step", *args], env=env,
                          capture_output=True, text=True)
    out = proc.stdout
    if proc.returncode != 0 or "RESULT " not in out:
        raise click.ClickException(f"bench step {args} failed:\n{out[-3000:]}\n{proc.stderr[-3000:]}")
    return json.loads(out.rsplit("RESULT ", 1)[1])


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _intake(env: dict, data_dir: str, *, n: int, clients: int, workers: int, threads: int) -> dict:
    """Start gunicorn on the scratch database and POST `n` matters from `clients` threads."""
    import http.client
    import subprocess
    import sys
    import threading
    from pathlib import Path

    info = _run_step(env, "prepare")
    port = _free_port()
    cmd = [sys.executable, "-m", "gunicorn", "yizuyihui.wsgi:application", "--bind", f"127.0.0.1:{port}",
           "--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread",
           "--keep-alive", "30", "--control-socket", str(Path(data_dir) / f"gunicorn-{port}.ctl")]
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    local = threading.local()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {info['key']}"}

    def post(i: int) -> tuple[float, int]:
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        body = json.dumps({"unit_id": info["unit_id"], "title": f"路灯不亮 {i}",
                           "description": "小区东门的路灯坏了一周，晚上很黑，老人出行不便。"})
        t = time.perf_counter()
        try:
            conn.request("POST", "/api/cases/", body=body, headers={**headers, "Idempotency-Key": uuid.uuid4().hex})
            resp = conn.getresponse()
            payload = resp.read()
            if resp.status != 201:
                local.error = payload[:300]
        except (OSError, http.client.HTTPException):
            local.conn = None
            raise
        return time.perf_counter() - t, resp.status

    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                post(-1)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise click.ClickException(f"gunicorn did not start: {server.stderr.read()[-2000:]}") from None
                local.conn = None
                time.sleep(0.3)
        with ThreadPoolExecutor(clients) as pool:  # warm-up: every worker loads the routing model
            list(pool.map(post, range(-clients * 4, -1)))
        start = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            results = list(pool.map(post, range(n)))
        wall = time.perf_counter() - start
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    bad = [s for _t, s in results if s != 201]
    if bad:
        raise click.ClickException(f"{len(bad)} POSTs failed (statuses {sorted(set(bad))}): {getattr(local, 'error', '')}")
    lat = [t for t, _s in results]
    return {"rate": n / wall, "p50_ms": _pct(lat, 50) * 1000, "p95_ms": _pct(lat, 95) * 1000, "n": n}


@click.command(name="cases")
@click.option("--database", "databases", multiple=True, type=click.Choice(["sqlite", "postgresql"]),
              default=["sqlite", "postgresql"], show_default=True, help="databases for the intake run")
@click.option("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres", show_default=True,
              help=f"PostgreSQL server where the scratch database {BENCH_PG_NAME} is created and dropped")
@click.option("--intake", default=3000, show_default=True, help="matters POSTed through the API (0: skip)")
@click.option("--clients", default=12, show_default=True, help="client threads")
@click.option("--workers", default=2, show_default=True, help="gunicorn workers")
@click.option("--threads", default=4, show_default=True, help="threads per gunicorn worker")
@click.option("--worklist-matters", default=1_000_000, show_default=True, help="matters in the DB (0: skip)")
@click.option("--worklist-repeat", default=60, show_default=True)
@click.option("--sweep-open", default=200_000, show_default=True, help="open matters (0: skip)")
@click.option("--sweep-overdue", default=2000, show_default=True, help="of them overdue at once")
def bench_cases(databases, pg_url, intake, clients, workers, threads, worklist_matters, worklist_repeat, sweep_open,
                sweep_overdue) -> None:
    """Intake through the API under gunicorn (matters/s, p50/p95) on SQLite and PostgreSQL; the handler
    worklist p95 with 1 M matters; the overdue sweep over 200 k open matters. Every phase runs in a
    scratch database (temporary SQLite file / PostgreSQL database yzyh_bench_cases, dropped after)."""
    import os
    import tempfile

    from yizuyihui.core.scratchdb import recreate_pg as _recreate_pg

    def env_for(db: str, data_dir: str) -> dict:
        env = {**os.environ, "YZYH_DATA_DIR": data_dir, "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
               "YZYH_SMS_BACKEND": "yizuyihui.core.sms.NullSMSBackend", "DJANGO_SETTINGS_MODULE": "yizuyihui.settings"}
        # A URL (not the default file) so connections persist between requests (DB_CONN_MAX_AGE, 60 s):
        # closing SQLite after every request cost 8 ms (a WAL checkpoint each time).
        env["DATABASE_URL"] = f"sqlite:///{data_dir}/yzyh.sqlite3"
        if db == "postgresql":
            env["DATABASE_URL"] = _recreate_pg(pg_url, BENCH_PG_NAME)
        return env

    click.echo(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}, cpus {os.cpu_count()}")
    try:
        if intake:
            for db in databases:
                with tempfile.TemporaryDirectory(prefix="yzyh-bench-cases-") as data_dir:
                    r = _intake(env_for(db, data_dir), data_dir, n=intake, clients=clients, workers=workers,
                                threads=threads)
                click.echo(f"intake {db:<10}: {r['rate']:.0f} matters/s, p50 {r['p50_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms "
                           f"({r['n']} POST /api/cases/, gunicorn {workers}×{threads} threads, {clients} clients)")
        if worklist_matters:
            with tempfile.TemporaryDirectory(prefix="yzyh-bench-cases-") as data_dir:
                r = _run_step(env_for("postgresql", data_dir), "worklist", "--matters", str(worklist_matters),
                              "--repeat", str(worklist_repeat))
            click.echo(f"worklist postgresql: {r['matters']:,} matters (loaded in {r['load_s']:.0f} s); handler with "
                       f"{r['offered']} offered + {r['in_hand']} in hand → {r['rows']} rows: p50 {r['p50_ms']:.1f} ms, "
                       f"p95 {r['p95_ms']:.1f} ms, max {r['max_ms']:.1f} ms ({r['n']} runs)")
        if sweep_open:
            with tempfile.TemporaryDirectory(prefix="yzyh-bench-cases-") as data_dir:
                r = _run_step(env_for("postgresql", data_dir), "sweep", "--matters", str(sweep_open),
                              "--overdue", str(sweep_overdue))
            click.echo(f"sweep postgresql: {r['open']:,} open matters (loaded in {r['load_s']:.0f} s)")
            click.echo(f"  nothing overdue      : {r['idle_s']:.2f} s {r['idle']}")
            click.echo(f"  {sweep_overdue} overdue at once: {r['first_s']:.2f} s {r['first']}")
            click.echo(f"  run again            : {r['second_s']:.2f} s {r['second']}")
            click.echo(f"  → {r['supervisions']} supervisions, {r['escalation_events']} escalation events, "
                       f"{r['notifications']} inbox rows")
    finally:
        if "postgresql" in databases or worklist_matters or sweep_open:
            import psycopg

            with psycopg.connect(pg_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_PG_NAME}" WITH (FORCE)')


