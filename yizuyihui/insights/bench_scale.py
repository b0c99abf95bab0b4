"""`yzyh bench scale`: a city of N years on PostgreSQL, then the pages timed (issue 17).

Builds (COPY through core/bulk.py, in chunks that each commit; a progress file makes a second run
resume where the first stopped): an org tree of a B市-sized city (10 districts × 14 streets × 12
communities × 10 grids = 16 800 units), `years × 2 M × fraction` matters filed over the period
with their events (4 per finished matter), then the rollups (`insights rebuild`) and ANALYZE.
Then times each page in-process (Django test client, no HTTP server) at city, district, street
and unit scope, `--repeat` times: p50/p95, with the bench process's RSS and the load average.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import resource
import statistics
import time
import uuid
from pathlib import Path

import click

SHAPE = (10, 14, 12, 10)  # districts, streets per district, communities per street, grids per community
PER_YEAR = 2_000_000  # B市: ~10 M matters in five years
CHUNK = 50_000
CASE_FIELDS = ("id", "public_id", "unit_id", "node_id", "tier", "status", "urgency", "mode", "channel", "origin",
               "origin_ref", "title", "description", "place", "idempotency_key", "filed_at", "responded_at",
               "respond_due", "resolve_due", "resolved_at", "closed_at", "on_agenda", "resolved_on_spot",
               "category_overridden", "result", "feedback", "rating", "rating_comment", "reopen_count", "was_overdue",
               "settled_tier")
EVENT_FIELDS = ("case_id", "action", "from_status", "to_status", "tier", "reason", "at", "public", "data")
TITLES = ["楼道灯坏了", "垃圾清运不及时", "路面坑洼", "噪音扰民", "下水道堵塞", "停车占道", "绿化带损毁", "电梯故障"]


def _progress_file() -> Path:
    from django.conf import settings
    from django.db import connection

    return Path(settings.DATA_DIR) / f"bench_scale_{connection.settings_dict['NAME']}.json"


def _load_state() -> dict:
    p = _progress_file()
    return json.loads(p.read_text()) if p.exists() else {}


def _save_state(state: dict) -> None:
    p = _progress_file()
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps(state))


def build_org() -> dict:
    """The tree by path arithmetic (treebeard's steps) in three COPYs; returns ids for the bench."""
    from yizuyihui.core.bulk import fast_insert, reserve_ids
    from yizuyihui.org.models import OrgNode, Unit

    d_n, s_n, c_n, g_n = SHAPE
    nodes, units = [], []
    ids = reserve_ids(OrgNode, 1 + d_n * (1 + s_n * (1 + c_n * (1 + g_n))))
    it = iter(ids)
    step = OrgNode._get_path
    root_count = OrgNode.objects.filter(depth=1).count()
    city_path = step("", 1, root_count + 1)
    nodes.append((next(it), city_path, 1, d_n, "B市(bench)", "city", f"bench-city-{uuid.uuid4().hex[:8]}", True))
    code = nodes[0][6]
    for d in range(1, d_n + 1):
        dp = step(city_path, 2, d)
        nodes.append((next(it), dp, 2, s_n, f"第{d}区", "district", f"{code}-{d}", True))
        for s in range(1, s_n + 1):
            sp = step(dp, 3, s)
            nodes.append((next(it), sp, 3, c_n, f"第{d}区{s}街道", "street", f"{code}-{d}-{s}", True))
            for c in range(1, c_n + 1):
                cp = step(sp, 4, c)
                nodes.append((next(it), cp, 4, g_n, f"{d}-{s}-{c}社区", "community", f"{code}-{d}-{s}-{c}", True))
                for g in range(1, g_n + 1):
                    gid = next(it)
                    nodes.append((gid, step(cp, 5, g), 5, 0, f"{d}-{s}-{c}-{g}网格", "grid", f"{code}-{d}-{s}-{c}-{g}", True))
                    units.append(gid)
    fast_insert(OrgNode, ("id", "path", "depth", "numchild", "name", "level", "code", "is_urban"), nodes)
    u_ids = reserve_ids(Unit, len(units))
    fast_insert(Unit, ("id", "node_id", "name", "kind", "party_group_size", "council_size", "embedding_degree",
                       "council_party_share", "one_shoulder", "households", "residents"),
                ((u_ids.start + i, nid, f"网格{i}", "urban", 5, 7, 0.5, 0.5, False, 300, 800)
                 for i, nid in enumerate(units)))
    return {"city_path": city_path}


def _unit_map(city_path: str) -> list[tuple[int, int, int, int]]:
    """(unit id, unit node id, community node id, street node id) of the bench city."""
    from yizuyihui.org.models import OrgNode, Unit

    by_path = dict(OrgNode.objects.filter(path__startswith=city_path, depth__in=[3, 4]).values_list("path", "pk"))
    return [(u, n, by_path[p[:16]], by_path[p[:12]]) for u, n, p in
            Unit.objects.filter(node__path__startswith=city_path).values_list("pk", "node_id", "node__path").order_by("pk")]


def _chunk_rows(chunk: int, n: int, *, start_id: int, units, t_end: dt.datetime, span: dt.timedelta):
    """Matters start_id … start_id+n-1 of chunk `chunk` and their events, deterministic per chunk."""
    rng = random.Random(chunk)
    cases, events = [], []
    span_s = span.total_seconds()
    for i in range(n):
        cid = start_id + i
        unit, unode, comm, street = units[rng.randrange(len(units))]
        filed = t_end - dt.timedelta(seconds=rng.random() * span_s)
        age_h = (t_end - filed).total_seconds() / 3600
        tier = 1 if rng.random() < 0.70 else (2 if rng.random() < 0.73 else 3)
        node = {1: unode, 2: comm, 3: street}[tier]
        respond_due, resolve_due = filed + dt.timedelta(hours=24), filed + dt.timedelta(days=7 * tier)
        resp_h = rng.lognormvariate(1.2, 1.0)
        res_h = resp_h + rng.lognormvariate(3.0 + tier * 0.4, 0.9)
        responded = filed + dt.timedelta(hours=resp_h) if resp_h < age_h else None
        resolved = filed + dt.timedelta(hours=res_h) if res_h < age_h else None
        closed = resolved + dt.timedelta(hours=48) if resolved and res_h + 48 < age_h else None
        status = "closed" if closed else ("resolved" if resolved else ("received" if responded else "filed"))
        rating = rng.choice(["satisfied", "satisfied", "basic", "dissatisfied", ""]) if closed else ""
        was_overdue = bool((resolved or t_end) > resolve_due)
        cases.append((cid, uuid.UUID(int=rng.getrandbits(128), version=4), unit, node, tier, status, "normal", "calm",
                      "web", "resident", "bench-scale", TITLES[cid % len(TITLES)], "", "", "", filed, responded,
                      respond_due, resolve_due, resolved, closed, False, False, False, "", "", rating, "",
                      1 if rng.random() < 0.02 and resolved else 0, was_overdue, tier if resolved else None))
        events.append((cid, "file", "", "filed", 1, "", filed, True, "{}"))
        if responded:
            events.append((cid, "receive", "filed", "received", 1, "", responded, True, "{}"))
        if resolved:
            events.append((cid, "resolve", "received", "resolved", tier, "", resolved, True, "{}"))
        if closed:
            events.append((cid, "close", "resolved", "closed", tier, "", closed, True, "{}"))
    return cases, events


def build_city(*, years: float, fraction: float, echo=click.echo) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from yizuyihui.cases.models import Case, CaseEvent
    from yizuyihui.core.bulk import fast_insert, reserve_ids

    state = _load_state()
    total = int(PER_YEAR * years * fraction)
    if state.get("total") not in (None, total):
        raise click.ClickException(f"{_progress_file()} is for {state['total']:,} matters: remove it to start again")
    t0 = time.perf_counter()
    if "city_path" not in state:
        echo("building the org tree …")
        with transaction.atomic():
            state.update(build_org())
        state.update(total=total, t_end=timezone.now().isoformat(), done=0)
        with transaction.atomic():
            state["start_id"] = reserve_ids(Case, total).start
            # Move the sequence past the reserved block so live writes never take these ids.
            if connection.vendor == "postgresql":
                with connection.cursor() as c:
                    c.execute("SELECT setval(pg_get_serial_sequence('cases_case', 'id'), %s)", [state["start_id"] + total])
        _save_state(state)
    units = _unit_map(state["city_path"])
    t_end = dt.datetime.fromisoformat(state["t_end"])
    span = dt.timedelta(days=365 * years)
    chunks = (total + CHUNK - 1) // CHUNK
    rates = []
    for k in range(state["done"], chunks):
        tc = time.perf_counter()
        n = min(CHUNK, total - k * CHUNK)
        cases, events = _chunk_rows(k, n, start_id=state["start_id"] + k * CHUNK, units=units, t_end=t_end, span=span)
        with transaction.atomic():
            fast_insert(Case, CASE_FIELDS, cases)
            fast_insert(CaseEvent, EVENT_FIELDS, events)
        state["done"] = k + 1
        _save_state(state)
        rates.append(n / (time.perf_counter() - tc))
        echo(f"  matters {min(total, (k + 1) * CHUNK):>10,}/{total:,}  ({len(events):,} events; "
             f"{rates[-1]:,.0f} matters/s)")
    if not state.get("rollups"):
        from yizuyihui.insights.panel_rollups import all_rebuilds

        echo("rollups …")
        tr = time.perf_counter()
        for name, rebuild in all_rebuilds():  # the measures', then the panels' (visits, duties, reports, meetings)
            rebuild(progress=lambda n, name=name: echo(f"  rollups {name}: {n:,}" if isinstance(n, int) else f"  {n}"))
        state["rollup_s"] = round(time.perf_counter() - tr, 1)
        state["rollups"] = True
        if connection.vendor == "postgresql":
            with connection.cursor() as c:
                c.execute("ANALYZE")
        _save_state(state)
    state["build_s_this_run"] = round(time.perf_counter() - t0, 1)
    state["matters_per_s"] = round(statistics.mean(rates)) if rates else None
    return state


def _pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def measure(state: dict, *, repeat: int, echo=click.echo) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from yizuyihui.cases.models import Case
    from yizuyihui.insights.measures import case_measures
    from yizuyihui.org.models import OrgNode, Unit
    from yizuyihui.people.models import Post

    User = get_user_model()
    city = OrgNode.objects.get(path=state["city_path"])
    district = OrgNode.objects.filter(path__startswith=city.path, depth=2).order_by("path").first()
    street = OrgNode.objects.filter(path__startswith=district.path, depth=3).order_by("path").first()
    unit = Unit.objects.filter(node__path__startswith=street.path).select_related("node").order_by("node__path").first()
    people = {}
    for name, role, node in (("city_admin", "city_admin", city), ("district_official", "district_official", district),
                             ("street_official", "street_official", street), ("grid_worker", "grid_worker", unit.node)):
        user, _ = User.objects.get_or_create(username=f"bench-scale-{name}")
        Post.objects.get_or_create(user=user, role=role, node=node)
        people[name] = user
    pages = [
        ("dashboard", "city", "city_admin", "/insights/"),
        ("dashboard", "district", "district_official", "/insights/"),
        ("dashboard", "street", "street_official", "/insights/"),
        ("dashboard", "unit", "grid_worker", "/insights/"),
        ("dashboard 5 years", "city", "city_admin",
         f"/insights/?start={(dt.date.fromisoformat(state['t_end'][:10]) - dt.timedelta(days=365 * 5)).isoformat()}"),
        ("worklist", "street", "street_official", "/cases/"),
        ("worklist", "unit", "grid_worker", "/cases/"),
        ("public board", "unit", "grid_worker", f"/cases/board/{unit.pk}/"),
        ("Open311 list", "city", None, "/open311/v2/requests.json"),
    ]
    rows = []
    for page, scope, who, url in pages:
        client = Client()
        if who:
            client.force_login(people[who])
        status = client.get(url).status_code  # warm
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - t) * 1000)
        rows.append({"page": page, "scope": scope, "status": status, "p50_ms": round(_pct(times, 50), 1),
                     "p95_ms": round(_pct(times, 95), 1)})
        echo(f"  {page:<18} {scope:<9} {status}  p50 {rows[-1]['p50_ms']:>8.1f} ms  p95 {rows[-1]['p95_ms']:>8.1f} ms")
    # The from-scratch computation the dashboard no longer does, once, for comparison.
    from django.utils import timezone

    end = timezone.now()
    t = time.perf_counter()
    case_measures(user=people["city_admin"], start=end - dt.timedelta(days=365), end=end)
    rows.append({"page": "from-scratch measures (old dashboard core)", "scope": "city", "status": "-",
                 "p50_ms": round((time.perf_counter() - t) * 1000, 1), "p95_ms": None})
    echo(f"  from-scratch measures, city, 1 run: {rows[-1]['p50_ms']:.0f} ms")
    rows.append({"matters": Case.objects.count()})
    return rows


@click.command("scale")
@click.option("--years", default=5.0, show_default=True, type=click.FloatRange(0.01, 10))
@click.option("--fraction", default=1.0, show_default=True, type=click.FloatRange(0.0001, 1),
              help="Share of B市's volume (2 M matters a year) to build")
@click.option("--repeat", default=20, show_default=True, type=click.IntRange(3, 1000))
@click.option("--measure-only", is_flag=True, help="Skip building (the city is there)")
def bench_scale(years: float, fraction: float, repeat: int, measure_only: bool) -> None:
    """A city of N years on PostgreSQL (COPY, resumable), then page p50/p95 per page and scope."""
    from yizuyihui.core.cli import setup_django

    setup_django()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        click.echo("warning: not PostgreSQL (set DATABASE_URL); figures will not mean much", err=True)
    call_command("migrate", interactive=False, verbosity=0)
    from yizuyihui.cases import deadlines, services
    from yizuyihui.cases.models import Category

    if not Category.objects.exists():
        services.categories_load()
    deadlines.calendar_seed()
    deadlines.policy_seed()
    from yizuyihui.core.cli import collectstatic

    collectstatic()  # the pages render with the manifest storage
    state = _load_state() if measure_only else build_city(years=years, fraction=fraction)
    click.echo(f"built: {state.get('total', 0):,} matters; this run {state.get('build_s_this_run', 0)} s; "
               f"COPY {state.get('matters_per_s')} matters/s (with events); rollups rebuilt in {state.get('rollup_s')} s")
    rows = measure(state, repeat=repeat)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load = os.getloadavg()
    click.echo(f"\n{'page':<44}{'scope':<10}{'p50 ms':>10}{'p95 ms':>10}")
    for r in rows:
        if "page" in r:
            p95 = f"{r['p95_ms']:>10.1f}" if r["p95_ms"] is not None else f"{'-':>10}"
            click.echo(f"{r['page']:<44}{r['scope']:<10}{r['p50_ms']:>10.1f}{p95}")
    click.echo(f"matters in the database: {rows[-1]['matters']:,}; bench process peak RSS {rss:.0f} MB; "
               f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
