"""`yzyh cases …` and `yzyh bench cases`."""

from __future__ import annotations

import json
import statistics
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import click


@click.group(name="cases")
def cases_group() -> None:
    """Matters (六单): taxonomy, calendar, sweep."""


@cases_group.command("load-categories")
def load_categories() -> None:
    from yizuyihui.cli import setup_django

    setup_django()
    from yizuyihui.cases import deadlines, services

    click.echo(f"categories added: {services.categories_load()}")
    click.echo(f"calendar days added: {deadlines.calendar_seed()}")
    click.echo(f"policies added: {deadlines.policy_seed()}")


@cases_group.command("sweep")
def sweep() -> None:
    """Run the overdue sweep once (the worker runs it every minute)."""
    from yizuyihui.cli import setup_django

    setup_django()
    from yizuyihui.cases.services import sweep_overdue

    click.echo(json.dumps(sweep_overdue()))


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else 0.0


@click.command(name="cases")
@click.option("--intake", default=500, show_default=True, help="matters to file through the API")
@click.option("--url", default="", help="base URL of a running server (gunicorn); default: in-process")
@click.option("--api-key", default="", help="API key for --url (cases.ApiKey of a staff user)")
@click.option("--concurrency", default=8, show_default=True)
@click.option("--worklist-matters", default=100_000, show_default=True, help="matters in the DB for the worklist timing")
@click.option("--sweep-open", default=200_000, show_default=True, help="open matters for the sweep timing")
@click.option("--keep", is_flag=True, help="keep the synthetic rows")
def bench_cases(intake, url, api_key, concurrency, worklist_matters, sweep_open, keep) -> None:
    """Intake throughput (API), handler worklist p95, overdue sweep time. Writes synthetic rows
    (origin_ref "bench") into the configured database and removes them afterwards."""
    from yizuyihui.cli import setup_django

    setup_django()
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from yizuyihui.cases import selectors
    from yizuyihui.cases.models import ApiKey, Assignment, Case, CaseStatus
    from yizuyihui.cases.notify import notifications_muted
    from yizuyihui.cases.services import sweep_overdue
    from yizuyihui.org.models import Unit
    from yizuyihui.people.models import Post

    click.echo(f"database: {connection.vendor}")
    post = Post.objects.filter(active=True, role="grid_worker").select_related("user", "node__unit").first()
    if post is None:
        raise click.ClickException("no grid worker: run `yzyh demo` first")
    user, unit = post.user, post.node.unit
    # 1. intake
    latencies: list[float] = []
    if url:
        key = api_key or ApiKey.objects.get_or_create(user=user, name="bench", defaults={"key": uuid.uuid4().hex})[0].key

        def one(i):
            body = json.dumps({"unit_id": unit.pk, "title": f"bench {i}", "description": "压力测试"}).encode()
            req = urllib.request.Request(url.rstrip("/") + "/api/cases/", data=body, method="POST", headers={
                "Content-Type": "application/json", "Authorization": f"Bearer {key}", "Idempotency-Key": uuid.uuid4().hex})
            t0 = time.perf_counter()
            with urllib.request.urlopen(req, timeout=30) as resp:
                assert resp.status in (200, 201)
            return time.perf_counter() - t0

        start = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            latencies = list(pool.map(one, range(intake)))
        wall = time.perf_counter() - start
    else:
        client = Client()
        client.force_login(user)
        start = time.perf_counter()
        with notifications_muted():
            for i in range(intake):
                t0 = time.perf_counter()
                r = client.post("/api/cases/", json.dumps({"unit_id": unit.pk, "title": f"bench {i}"}),
                                content_type="application/json", headers={"Idempotency-Key": uuid.uuid4().hex})
                assert r.status_code == 201, r.content
                latencies.append(time.perf_counter() - t0)
        wall = time.perf_counter() - start
    Case.objects.filter(title__startswith="bench ").update(origin_ref="bench")
    click.echo(f"intake: {intake / wall:.0f} matters/s, p50 {_pct(latencies, 50) * 1000:.1f} ms, "
               f"p95 {_pct(latencies, 95) * 1000:.1f} ms ({'server ' + url if url else 'in-process'}, "
               f"concurrency {concurrency if url else 1})")

    # 2. worklist p95 with many matters in the database (synthetic rows, bulk-inserted)
    now = timezone.now()
    units = list(Unit.objects.values_list("pk", "node_id")[:5000])
    have = Case.objects.count()

    def bulk(n, *, status, due_fn, handler=None):
        batch = []
        for i in range(n):
            unit_id, node_id = units[i % len(units)]
            batch.append(Case(unit_id=unit_id, node_id=node_id, tier=1, channel="api", title=f"bench bulk {i}",
                              origin_ref="bench", filed_at=now - dt.timedelta(days=i % 365), respond_due=due_fn(i),
                              resolve_due=due_fn(i), handler=handler if handler and i % 50 == 0 else None,
                              responded_at=now))
            if len(batch) == 10_000:
                Case.objects.bulk_create(batch)
                batch = []
        if batch:
            Case.objects.bulk_create(batch)
        if status != CaseStatus.FILED:  # bulk rows start "filed"; a plain UPDATE sets the benchmark's state
            Case.objects.filter(origin_ref="bench", title__startswith="bench bulk", status=CaseStatus.FILED).update(status=status)

    to_add = max(0, worklist_matters - have)
    t0 = time.perf_counter()
    bulk(to_add, status=CaseStatus.CLOSED, due_fn=lambda i: now, handler=user)
    Case.objects.filter(origin_ref="bench", handler=user).update(status=CaseStatus.IN_PROGRESS)
    for case in Case.objects.filter(origin_ref="bench", handler=user)[:20]:
        Assignment.objects.create(case=case, handler=user, due=now, state="lead", created_at=now)
    click.echo(f"worklist setup: {to_add} synthetic matters in {time.perf_counter() - t0:.1f} s "
               f"({Case.objects.count()} in the database)")
    timings = []
    for _ in range(40):
        t0 = time.perf_counter()
        selectors.handler_claims(user=user)
        timings.append(time.perf_counter() - t0)
    click.echo(f"handler worklist: p50 {_pct(timings, 50) * 1000:.1f} ms, p95 {_pct(timings, 95) * 1000:.1f} ms")

    # 3. sweep over many open matters (1% overdue)
    Case.objects.filter(origin_ref="bench", title__startswith="bench bulk").delete()
    t0 = time.perf_counter()
    bulk(sweep_open, status=CaseStatus.RECEIVED,
         due_fn=lambda i: now - dt.timedelta(hours=1) if i % 100 == 0 else now + dt.timedelta(days=3))
    click.echo(f"sweep setup: {sweep_open} open matters in {time.perf_counter() - t0:.1f} s")
    with notifications_muted():
        t0 = time.perf_counter()
        first = sweep_overdue(now=now)
        t1 = time.perf_counter()
        second = sweep_overdue(now=now)
        t2 = time.perf_counter()
    click.echo(f"sweep: first run {t1 - t0:.2f} s {first}; second run {t2 - t1:.2f} s {second}")
    if not keep:
        from django.contrib.contenttypes.models import ContentType

        from yizuyihui.cases.models import Supervision

        ids = Case.objects.filter(origin_ref="bench").values("pk")
        Supervision.objects.filter(content_type=ContentType.objects.get_for_model(Case), object_id__in=ids).delete()
        Case.objects.filter(origin_ref="bench").delete()
    get_user_model()  # keep the import used for readers grepping for the user model


commands = [cases_group]
bench_commands = [bench_cases]
