"""`yzyh bench widespread`: the widespread-problem page (/triage/widespread/) at city scale.

A scratch PostgreSQL database gets the demo city's tree (4,915 units) and `--matters` open matters
whose titles and texts are real citizen messages (the shipped unlabelled corpus, so clusters form
as they do in life). The periodic job (`warm_hotspots`) is timed once, then the page is requested
in-process (Django's test client, logged in) by a city admin, a district official, a street
official and a community cadre: first visit and p50/p95 over `--repeat` visits, and its size."""

from __future__ import annotations

import json
import os
import statistics
import time

import click

BENCH_PG_NAME = "yzyh_bench_widespread"


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else 0.0


def _load(matters: int) -> dict:
    import datetime as dt
    import random
    import uuid

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", interactive=False, verbosity=0)
    from yizuyihui.bench.cases import CASE_FIELDS
    from yizuyihui.cases.models import Case
    from yizuyihui.core.bulk import fast_insert, reserve_ids
    from yizuyihui.demo.generator import build_tree
    from yizuyihui.org.models import Unit
    from yizuyihui.triage.csvio import read_rows
    from yizuyihui.triage.routing_model import DEFAULT_UNLABELLED_CSV

    rng = random.Random(2022)
    t0 = time.perf_counter()
    build_tree(rng)
    units = list(Unit.objects.values_list("pk", "node_id"))
    texts = [(r["留言主题"][:200], r["留言详情"][:500]) for r in read_rows(DEFAULT_UNLABELLED_CSV, ["留言主题", "留言详情"])]
    now = timezone.now()
    statuses = ["filed", "received", "deliberating", "dispatched", "claimed", "in_progress", "in_progress"]
    ids = reserve_ids(Case, matters)

    def rows():
        for i in range(matters):
            unit_id, node_id = units[rng.randrange(len(units))]
            title, text = texts[rng.randrange(len(texts))]
            filed = now - dt.timedelta(minutes=rng.randrange(90 * 24 * 60))
            due = filed + dt.timedelta(days=7)
            yield (ids.start + i, uuid.uuid4(), unit_id, node_id, 1, statuses[i % len(statuses)], "normal", "calm",
                   "api", "resident", "bench", title, text, "", "", filed, filed, due, due, None, None, None, False,
                   False, False, "", "", "", "", 0, False)

    fast_insert(Case, CASE_FIELDS, rows())
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return {"load_s": time.perf_counter() - t0, "units": len(units), "matters": matters, "texts": len(texts)}


def _viewers() -> dict:
    from yizuyihui.org.models import Level, OrgNode
    from yizuyihui.people.services import post_grant, user_create

    city = OrgNode.objects.get(level=Level.CITY)
    district = OrgNode.objects.filter(level=Level.DISTRICT).order_by("path").first()
    street = OrgNode.objects.filter(level=Level.STREET, path__startswith=district.path).order_by("path").first()
    community = OrgNode.objects.filter(level=Level.COMMUNITY, path__startswith=street.path).order_by("path").first()
    out = {}
    for role, node in (("city_admin", city), ("district_official", district), ("street_official", street),
                       ("community_cadre", community)):
        user = user_create(username=f"bench-{role}", password="!")
        post_grant(user=user, role=role, node=node)
        out[role] = (user, node)
    return out


def _time_page(user, repeat: int, params: dict) -> dict:
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(user)
    url = reverse("triage:widespread")
    timings, size, problems = [], 0, 0
    for _ in range(repeat):
        t = time.perf_counter()
        r = client.get(url, params, HTTP_ACCEPT_LANGUAGE="zh-hans")
        timings.append(time.perf_counter() - t)
        if r.status_code != 200:
            raise click.ClickException(f"{url} {params} → {r.status_code}")
        html = r.content.decode()
        size, problems = len(r.content), html.count('data-testid="problem"')
    return {"first_ms": timings[0] * 1000, "p50_ms": _pct(timings, 50) * 1000, "p95_ms": _pct(timings, 95) * 1000,
            "max_ms": max(timings) * 1000, "kb": size / 1024, "problems": problems, "n": repeat,
            "mean_ms": statistics.mean(timings) * 1000}


def _run(matters: int, repeat: int) -> dict:
    from django.conf import settings

    from yizuyihui.triage import selectors
    from yizuyihui.triage.models import WidespreadCluster, WidespreadScan

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # Pages render without collectstatic here (no manifest): plain static storage.
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    result = {"load": _load(matters)}
    viewers = _viewers()
    # Before the job's first run: a big scope is never clustered on the request.
    user, node = viewers["street_official"]
    result["before_job"] = _time_page(user, 3, {"node": node.pk})
    t = time.perf_counter()
    result["job"] = {"scopes": selectors.warm_hotspots(), "s": time.perf_counter() - t,
                     "clusters": WidespreadCluster.objects.count(), "scans": WidespreadScan.objects.count()}
    t = time.perf_counter()
    result["job_again"] = {"scopes": selectors.warm_hotspots(), "s": time.perf_counter() - t}
    pages = {}
    for role, (user, node) in viewers.items():
        pages[role] = _time_page(user, repeat, {"node": node.pk})
        n_open = WidespreadScan.objects.filter(node=node).values_list("open_matters", flat=True).first()
        pages[role]["open"] = n_open
    user, node = viewers["city_admin"]
    pages["city_admin page 3"] = _time_page(user, repeat, {"node": node.pk, "page": 3})
    result["pages"] = pages
    return result


@click.command("widespread-step", hidden=True)
@click.option("--matters", default=100_000)
@click.option("--repeat", default=30)
def bench_widespread_step(matters, repeat) -> None:
    """The in-database part of `yzyh bench widespread` (DATABASE_URL: the scratch database)."""
    from yizuyihui.core.cli import setup_django

    setup_django()
    click.echo("RESULT " + json.dumps(_run(matters, repeat), default=str))


@click.command("widespread")
@click.option("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres", show_default=True,
              help="a PostgreSQL server; the scratch database yzyh_bench_widespread is made there and dropped after")
@click.option("--matters", default=100_000, show_default=True, help="open matters in the city")
@click.option("--repeat", default=30, show_default=True, help="page visits per viewer")
def bench_widespread(pg_url, matters, repeat) -> None:
    """/triage/widespread/ at city scale: the job's time, then the page for a city admin, a district,
    a street and a community (first visit, p50/p95, size), PostgreSQL."""
    import subprocess
    import sys
    import tempfile

    import psycopg

    from yizuyihui.core.scratchdb import recreate_pg

    load = os.getloadavg()
    click.echo(f"load: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, cpus {os.cpu_count()}")
    try:
        with tempfile.TemporaryDirectory(prefix="yzyh-bench-widespread-") as data_dir:
            env = {**os.environ, "DATABASE_URL": recreate_pg(pg_url, BENCH_PG_NAME), "YZYH_DATA_DIR": data_dir,
                   "DJANGO_SETTINGS_MODULE": "yizuyihui.settings", "AXES_ENABLED": "0",
                   "YZYH_SMS_BACKEND": "yizuyihui.core.sms.NullSMSBackend"}
            proc = subprocess.run([sys.executable, "-m", "yizuyihui.cli", "bench", "widespread-step", "--matters",
                                   str(matters), "--repeat", str(repeat)], env=env, capture_output=True, text=True)
        if proc.returncode != 0 or "RESULT " not in proc.stdout:
            raise click.ClickException(f"bench step failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
        r = json.loads(proc.stdout.rsplit("RESULT ", 1)[1])
    finally:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_PG_NAME}" WITH (FORCE)')
    ld, job = r["load"], r["job"]
    click.echo(f"city: {ld['units']:,} units, {ld['matters']:,} open matters from {ld['texts']:,} real messages "
               f"(loaded in {ld['load_s']:.0f} s)")
    b = r["before_job"]
    click.echo(f"before the job's first run, a street: {b['p50_ms']:.0f} ms (nothing clustered on the request, "
               f"{b['problems']} problems shown)")
    click.echo(f"job (warm_hotspots): {job['scopes']} scopes clustered in {job['s']:.1f} s → {job['clusters']} clusters; "
               f"again with nothing changed: {r['job_again']['scopes']} scopes in {r['job_again']['s']:.2f} s")
    for who, p in r["pages"].items():
        open_n = f", {p['open']:,} open" if p.get("open") is not None else ""
        click.echo(f"/triage/widespread/ {who:<18}{open_n}: first {p['first_ms']:.0f} ms, p50 {p['p50_ms']:.0f} ms, "
                   f"p95 {p['p95_ms']:.0f} ms, max {p['max_ms']:.0f} ms, {p['kb']:.0f} KB, {p['problems']} problems "
                   f"on the page ({p['n']} visits)")
    after = os.getloadavg()
    click.echo(f"load after: {after[0]:.2f} {after[1]:.2f} {after[2]:.2f}")
