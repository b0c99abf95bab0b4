"""`yzyh bench emergency`: switch a district of ~1 M residents into emergency mode and generate
door-to-door tasks for all its households; time the dashboard during it and the switch back.

The district is built synthetically with the project's bulk loaders (org.services.subtree_bulk_create,
core/bulk.py): streets × communities × grids × buildings, households (2–4 people each, ~1 M
people in all), a grid worker per grid and a cadre per community (the people told), and open
matters to re-time. Persons are not created: tasks are per household.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
import uuid

import click
from django.db import connection
from django.utils import timezone


def _tree(streets: int, communities: int, grids: int, buildings: int):
    from yizuyihui.org.models import Level
    from yizuyihui.org.services import NodeSpec

    def grid(s, c, g):
        code = f"BE-S{s}-C{c}-G{g}"
        return NodeSpec(name=f"{c}社区{g}网格", level=Level.GRID, code=code, children=[
            NodeSpec(name=f"{g}网格{b}号楼", level=Level.BUILDING, code=f"{code}-B{b}") for b in range(1, buildings + 1)])

    return NodeSpec(name="压测区", level=Level.DISTRICT, code="BE", children=[
        NodeSpec(name=f"压测{s}街道", level=Level.STREET, code=f"BE-S{s}", children=[
            NodeSpec(name=f"压测{s}-{c}社区", level=Level.COMMUNITY, code=f"BE-S{s}-C{c}",
                     children=[grid(s, c, g) for g in range(1, grids + 1)])
            for c in range(1, communities + 1)])
        for s in range(1, streets + 1)])


def prepare(*, residents: int, open_matters: int, seed: int = 1) -> dict:
    """Build the district (once; reused when present). Returns what the timed steps need."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from yizuyihui.bench.cases import CASE_FIELDS
    from yizuyihui.cases import deadlines
    from yizuyihui.cases.models import Case
    from yizuyihui.core.bulk import fast_insert, reserve_ids
    from yizuyihui.org.models import Level, OrgNode, Unit
    from yizuyihui.org.services import node_create, subtree_bulk_create
    from yizuyihui.people.models import Household, Post

    call_command("migrate", interactive=False, verbosity=0)
    deadlines.policy_seed()
    User = get_user_model()
    district = OrgNode.objects.filter(code="BE").first()
    if district is not None and Household.objects.filter(unit__node__path__startswith=district.path).exists():
        return {"district": district, "built": False}
    rng = random.Random(seed)
    city = OrgNode.objects.filter(level=Level.CITY).first() or node_create(parent=None, name="压测市", level=Level.CITY,
                                                                            code="BE-CITY")
    # ~2.8 people per household; ~300 households per grid, 10 buildings per grid.
    households = int(residents / 2.8)
    grids_total = max(1, households // 300)
    streets, communities = 12, 10
    grids = max(1, round(grids_total / (streets * communities)))
    t0 = time.monotonic()
    subtree_bulk_create(parent=city, specs=[_tree(streets, communities, grids, 10)])
    district = OrgNode.objects.get(code="BE")
    units = list(Unit.objects.filter(node__path__startswith=district.path).values_list("pk", "node__path", "node_id"))
    buildings: dict[str, list[int]] = {}
    for pk, path in OrgNode.objects.filter(path__startswith=district.path, level=Level.BUILDING).values_list("pk", "path"):
        buildings.setdefault(path[:-4], []).append(pk)
    per_unit = households // len(units)
    total_people = 0

    def rows():
        nonlocal total_people
        for unit_id, path, _node_id in units:
            blds = buildings[path]
            for i in range(per_unit):
                size = rng.choice((1, 2, 3, 3, 4))
                total_people += size
                category = "special" if i % 40 == 0 else ("key" if i % 25 == 0 else "ordinary")
                yield (blds[i % len(blds)], unit_id, f"{i % len(blds) + 1}号楼{i // len(blds) + 1}室", category, size)

    fast_insert(Household, ("node_id", "unit_id", "address", "category", "size"), rows())
    # People told: a grid worker per grid, a cadre per community.
    communities_ = list(OrgNode.objects.filter(path__startswith=district.path, level=Level.COMMUNITY)
                        .values_list("pk", flat=True))
    staff = [(node_id, "grid_worker") for _u, _p, node_id in units] + [(n, "community_cadre") for n in communities_]
    with connection.cursor():
        ids = reserve_ids(User, len(staff))
    now = timezone.now()
    fast_insert(User, ("id", "username", "password", "is_active", "is_staff", "is_superuser", "first_name", "last_name",
                       "email", "date_joined"),
                ((pk, f"be{pk}", "!", True, False, False, "", "", "", now) for pk in ids))
    fast_insert(Post, ("user_id", "role", "node_id", "department", "active"),
                ((pk, role, node_id, "", True) for pk, (node_id, role) in zip(ids, staff, strict=True)))
    # Open matters filed over the last week, to be re-timed by the switch.
    start_id = reserve_ids(Case, open_matters).start
    statuses = ("filed", "received", "dispatched", "claimed", "in_progress")

    deadlines.due_dates(start=now, category=None, tier=1, urgency="normal", mode="calm")  # load the caches
    # (before COPY: no other query may run on the connection while COPY streams the rows)

    def case_rows():
        for i in range(open_matters):
            unit_id, _path, node_id = units[i % len(units)]
            filed = now - dt.timedelta(minutes=(i * 13) % 10_080)
            respond, resolve = deadlines.due_dates(start=filed, category=None, tier=1, urgency="normal", mode="calm")
            yield (start_id + i, uuid.uuid4(), unit_id, node_id, 1, statuses[i % 5], "normal", "calm", "api", "resident",
                   "bench-emergency", f"压测事项 {i}", "", "", "", filed, None, respond, resolve, None, None, None,
                   False, False, False, "", "", "", "", 0, False)

    fast_insert(Case, CASE_FIELDS, list(case_rows()))
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ANALYZE")
    return {"district": district, "built": True, "build_s": time.monotonic() - t0, "people": total_people}


def _backend_cpu() -> float:
    """CPU seconds used so far by this connection's PostgreSQL backend (when the server runs on this
    machine and /proc shows it; else 0). With the Python process's own CPU time this gives what a
    step costs independent of how many others share the cores."""
    import os

    if connection.vendor != "postgresql":
        return 0.0
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            pid = cur.fetchone()[0]
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _cpu() -> float:
    return time.process_time() + _backend_cpu()


def _loadavg() -> str:
    with open("/proc/loadavg") as fh:
        return " ".join(fh.read().split()[:3])


def run(*, residents: int, open_matters: int, dashboard_requests: int, echo) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from yizuyihui.emergency import services
    from yizuyihui.emergency.models import Emergency, EmergencyTask
    from yizuyihui.people.models import Household

    info = prepare(residents=residents, open_matters=open_matters)
    district = info["district"]
    Emergency.objects.filter(node=district).delete()  # a rerun starts clean (tasks, reports cascade)
    from yizuyihui.cases.models import Case

    Case.objects.filter(origin_ref="bench-emergency").update(mode="calm")
    households = Household.objects.filter(unit__node__path__startswith=district.path)
    hh, people = households.count(), sum(households.values_list("size", flat=True).iterator(chunk_size=50000))
    admin = get_user_model().objects.filter(is_superuser=True, username="bench-admin").first()
    if admin is None:
        admin = get_user_model().objects.create_superuser("bench-admin", "", "bench-pass")
    out = {"database": connection.vendor, "households": hh, "people": people,
           "loadavg_before": _loadavg()}
    if info.get("built"):
        out["build_s"] = round(info["build_s"], 1)
    # Where the time goes: the steps of the switch and of the generation, timed in place.
    steps: dict[str, float] = {}

    def timed(name, fn):
        def wrapper(*args, **kwargs):
            s = time.monotonic()
            try:
                return fn(*args, **kwargs)
            finally:
                steps[name] = round(steps.get(name, 0.0) + time.monotonic() - s, 2)
        return wrapper

    originals = {n: getattr(services, n) for n in ("matters_retime", "_notify_scope", "fast_update", "fast_insert",
                                                   "insert_select", "coverage_recount")}
    for n, fn in originals.items():
        setattr(services, n, timed(n, fn))
    reverse("emergency:index")  # a serving process has its URL resolver loaded; this one loads it now
    t0, c0 = time.monotonic(), _cpu()
    e = services.emergency_switch(node=district, actor=admin, kind="epidemic", level=2, reason="压测")
    out["switch_s"] = round(time.monotonic() - t0, 2)
    out["switch_cpu_s"] = round(_cpu() - c0, 2)
    out["retimed"], out["told"] = e.log["retimed"], e.log["told"]
    t1, c1 = time.monotonic(), _cpu()
    out["tasks"] = services.tasks_generate(emergency=e, actor=admin, kind="door_check")
    out["generate_s"] = round(time.monotonic() - t1, 2)
    out["generate_cpu_s"] = round(_cpu() - c1, 2)
    out["switch_and_generate_s"] = round(time.monotonic() - t0, 2)
    out["switch_and_generate_cpu_s"] = round(_cpu() - c0, 2)
    out["steps_s"] = dict(steps)
    for n, fn in originals.items():
        setattr(services, n, fn)
    # A third of the households reached (as the field work goes on), then the dashboard.
    ids = list(EmergencyTask.objects.filter(emergency=e).values_list("pk", flat=True)[: out["tasks"] // 3])
    EmergencyTask.objects.filter(pk__in=ids).update(status="done", result="ok", done_at=timezone.now())
    services.coverage_recount(emergency=e)  # the bulk update above bypassed the per-result counts
    from django.conf import settings
    from django.test.utils import override_settings

    client = Client()
    client.force_login(admin)
    times = {}
    # Pages render without `collectstatic` having run (no manifest), as under `runserver`.
    static = override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}, ALLOWED_HOSTS=["*"])
    static.enable()
    for label, url in (("dashboard", reverse("emergency:detail", args=[e.pk])),
                       ("dashboard_street", reverse("emergency:detail", args=[e.pk]) + f"?node={district.get_children().first().pk}")):
        samples, cpu = [], []
        for _ in range(dashboard_requests):
            sc = _cpu()
            s = time.monotonic()
            r = client.get(url)
            samples.append((time.monotonic() - s) * 1000)
            cpu.append((_cpu() - sc) * 1000)
            assert r.status_code == 200, r.status_code
        samples.sort()
        cpu.sort()
        times[label] = (round(statistics.median(samples)), round(samples[int(0.95 * (len(samples) - 1))]))
        times[label + "_cpu"] = (round(statistics.median(cpu)), round(cpu[int(0.95 * (len(cpu) - 1))]))
    static.disable()
    out["dashboard_ms_p50_p95"] = times["dashboard"]
    out["street_dashboard_ms_p50_p95"] = times["dashboard_street"]
    out["dashboard_cpu_ms_p50_p95"] = times["dashboard_cpu"]
    out["street_dashboard_cpu_ms_p50_p95"] = times["dashboard_street_cpu"]
    t2 = time.monotonic()
    out["reports"] = services.daily_reports_roll_up(emergency=e)
    out["roll_up_s"] = round(time.monotonic() - t2, 2)
    t3 = time.monotonic()
    services.emergency_end(emergency=e, actor=admin, note="压测结束")
    e.refresh_from_db()
    out["switch_back_s"] = round(time.monotonic() - t3, 2)
    out["closed"], out["calmed"], out["topics"] = e.log["closed"], e.log["calmed"], e.log["topics"]
    out["loadavg_after"] = _loadavg()
    return out


@click.command("emergency")
@click.option("--residents", default=1_000_000, show_default=True, type=click.IntRange(10_000, 5_000_000))
@click.option("--open-matters", default=20_000, show_default=True, help="open matters in the district to re-time")
@click.option("--dashboard-requests", default=40, show_default=True)
def bench_emergency(residents: int, open_matters: int, dashboard_requests: int) -> None:
    """Switch a synthetic district (~1 M residents) into emergency mode, generate door-to-door tasks for all
    its households, time the coverage dashboard and the switch back. Uses DATABASE_URL (PostgreSQL for the
    figure the issue asks for); the district is built on the first run and reused."""
    from yizuyihui.core.cli import setup_django

    setup_django()
    out = run(residents=residents, open_matters=open_matters, dashboard_requests=dashboard_requests, echo=click.echo)
    width = max(len(k) for k in out)
    for k, v in out.items():
        click.echo(f"{k:<{width}}  {v}")
