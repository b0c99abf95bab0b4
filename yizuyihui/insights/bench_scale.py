"""`yzyh bench scale`: a city of N years on PostgreSQL, then the pages timed (issue 17).

Builds, resumably (a progress file per phase and per loader; COPY through core/bulk.py in chunks
that each commit): an org tree of a B市-sized city (10 districts × 14 streets × 12 communities × 10
grids = 16 800 units), households and meeting members, then in `--jobs` parallel loaders
`years × 2 M × fraction` matters filed in time order with their events (4 per finished matter),
~17 M × fraction visits with their schedule slots, and monthly Party-group and council meetings
with seats and attendance; the loaded tables' plain indexes are dropped during the load and built
after it; then every registered rollup rebuild (`rebuilds.rebuild_all`) and ANALYZE, each phase
timed. Then times each page in-process (Django test client, no HTTP server) at city, district,
street, community and unit scope, `--repeat` times: p50/p95, with the bench process's RSS and the
load average. `--clients N` instead drives the same pages over HTTP against gunicorn started as
`yzyh serve` starts it, N keep-alive clients in a closed loop (`measure_concurrent`). docs/scale.md
has the figures.
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


def _chunk_rows(chunk: int, n: int, *, start_id: int, units, t_end: dt.datetime, span: dt.timedelta, chunks: int = 1):
    """Matters start_id … start_id+n-1 of chunk `chunk` and their events, deterministic per chunk.
    Chunk k files its matters in the k-th slice of the period, so the chunks arrive in time order as
    a city's matters do: the B-trees on the times (filed, due, …) grow at their right edge instead
    of taking random inserts over five years of pages (the build slowed as the indexes outgrew memory)."""
    rng = random.Random(chunk)
    cases, events = [], []
    slice_s = span.total_seconds() / chunks
    t_start = t_end - span
    for i in range(n):
        cid = start_id + i
        unit, unode, comm, street = units[rng.randrange(len(units))]
        filed = t_start + dt.timedelta(seconds=(chunk + rng.random()) * slice_s)
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


def _bar(done: int, total: int, t0: float, unit: str) -> str:
    """A progress bar line: [#####.....]  42 %  1,234 unit/s, ~3.2 min left."""
    share = done / total if total else 1
    rate = done / max(time.perf_counter() - t0, 1e-9)
    left = (total - done) / rate / 60 if rate else 0
    return f"[{'#' * int(share * 30):<30}] {share:>4.0%} {done:>11,}/{total:,} {unit} ({rate:,.0f}/s, ~{left:.1f} min left)"


def _phase(state: dict, name: str, seconds: float) -> None:
    """Add to the build time of a phase (over resumed runs too)."""
    state.setdefault("phase_s", {})
    state["phase_s"][name] = round(state["phase_s"].get(name, 0) + seconds, 1)


# Visits (DOMAIN §5, 三必访): per grid 2 special households (weekly), 7 key-assistance (monthly),
# 20 ordinary (twice a year): ~200 visits a grid a year at ~90 % of the slots ≈ 17 M in five years for
# B市's 16 800 grids; `fraction` scales the households. ~90 % of the slots are visited.
HOUSEHOLD_MIX = (("special", 2, "week", 0.85), ("key", 7, "month", 0.9), ("ordinary", 20, "half_year", 0.93))
MEETING_SEATS = (("party_group", 5), ("council", 7))  # per grid: a Party group of 5, a council of 7
IDENTITIES = ("cadre", "party_rep", "mass_rep", "mass_rep", "women_rep", "mass_rep", "party_rep")
PLACES = ("property_office", "resident_home", "culture_square", "stairwell", "service_centre")


def _months(t_end: dt.datetime, years: float) -> list[dt.date]:
    """The first days of the months of the period, oldest first."""
    start = (t_end - dt.timedelta(days=365 * years)).date().replace(day=1)
    out, d = [], start
    while d <= t_end.date():
        out.append(d)
        d = (d + dt.timedelta(days=32)).replace(day=1)
    return out


def build_people(state: dict, units, fraction: float) -> None:
    """Households to visit (the mix above, × fraction) and each grid's Party group and council."""
    from yizuyihui.core.bulk import fast_insert, reserve_ids
    from yizuyihui.people.models import Household, Person

    per_unit = sum(n for _c, n, _p, _q in HOUSEHOLD_MIX)
    total = max(per_unit, int(round(per_unit * len(units) * fraction)))
    kinds = [c for c, n, _p, _q in HOUSEHOLD_MIX for _ in range(n)]
    h_ids = reserve_ids(Household, total)
    fast_insert(Household, ("id", "node_id", "unit_id", "address", "category", "size"),
                ((h, units[i % len(units)][1], units[i % len(units)][0], f"{i // len(units) + 1}号楼", kinds[i % per_unit], 3)
                 for i, h in enumerate(h_ids)))
    seats = sum(n for _b, n in MEETING_SEATS)
    p_ids = reserve_ids(Person, seats * len(units))
    fast_insert(Person, ("id", "name", "gender", "id_number", "phone", "id_number_hash", "phone_hash",
                         "is_party_member", "is_migrant", "node_id", "household_id", "relation", "occupation",
                         "outside_kind", "outside_place"),
                ((p, f"成员{p}", "FM"[i % 2], "", "", "", "", i % seats < 5, False, units[i // seats][1], None, "", "",
                  "", "") for i, p in enumerate(p_ids)))
    state.update(households=[h_ids.start, total], persons=p_ids.start)


def _visit_rows(k: int, first: dt.date, *, households, units, t_end: dt.datetime, start_day: dt.date, visit_id: int):
    """The slots starting in month `first` of every household, and the visits that fill ~90 % of
    them (visit ids from `visit_id`)."""
    from zoneinfo import ZoneInfo

    from yizuyihui.visits.periods import period_bounds

    rng = random.Random(10_000 + k)
    tz = ZoneInfo("Asia/Shanghai")
    today = t_end.astimezone(tz).date()
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    per_unit = sum(n for _c, n, _p, _q in HOUSEHOLD_MIX)
    mix = [(c, p, q) for c, n, p, q in HOUSEHOLD_MIX for _ in range(n)]
    mondays = [first + dt.timedelta(days=i) for i in range((nxt - first).days) if (first + dt.timedelta(days=i)).weekday() == 0]
    starts = {"week": [(m, m + dt.timedelta(days=6)) for m in mondays], "month": [period_bounds("month", first)],
              "half_year": [period_bounds("half_year", first)] if first.month in (1, 7) else []}
    slots, visits = [], []
    h0, n_h = households
    for i in range(n_h):
        category, period, share = mix[i % per_unit]
        for p_start, due in starts[period]:
            if p_start > today or due < start_day:
                continue
            vid = None
            last = min(due, today)
            if rng.random() < (share if due <= today else share / 2):
                day = p_start + dt.timedelta(days=rng.randrange((last - p_start).days + 1))
                at = dt.datetime.combine(day, dt.time(8), tzinfo=tz) + dt.timedelta(seconds=rng.randrange(10 * 3600))
                if at < t_end:
                    vid = visit_id + len(visits)
                    visits.append((vid, h0 + i, units[i % len(units)][0], at, "", "", at))
            slots.append((h0 + i, category, p_start, due, vid))
    return slots, visits


VISIT_BLOCK = 1_000_000  # visit ids of month k: visit_base + k × VISIT_BLOCK … (a month of B市 is ~0.3 M)


def load_visits(part: dict, save, ctx: dict, echo) -> None:
    """Months k ≡ worker (mod workers) not done yet: slots and visits, one transaction each. Each
    month has its own block of visit ids, so several workers load months at once."""
    from django.db import transaction

    from yizuyihui.core.bulk import fast_insert
    from yizuyihui.visits.models import PlannedVisit, Visit

    months = _months(ctx["t_end"], ctx["years"])
    start_day = (ctx["t_end"] - dt.timedelta(days=365 * ctx["years"])).date()
    done = set(part["done"]) | set(ctx.get("visits_done", ()))
    todo = [k for k in range(ctx.get("worker", 0), len(months), ctx.get("workers", 1)) if k not in done]
    t0 = time.perf_counter()
    for i, k in enumerate(todo):
        tc = time.perf_counter()
        with transaction.atomic():
            base = ctx["visit_base"] + k * VISIT_BLOCK
            slots, visits = _visit_rows(k, months[k], households=ctx["households"], units=ctx["units"],
                                        t_end=ctx["t_end"], start_day=start_day, visit_id=base)
            if len(visits) >= VISIT_BLOCK:
                raise click.ClickException("a month has more visits than its block of ids")
            fast_insert(Visit, ("id", "household_id", "unit_id", "visited_at", "note", "photo", "created"), visits)
            fast_insert(PlannedVisit, ("household_id", "category", "period_start", "due", "visit_id"), slots)
        part["done"].append(k)
        part["visits"] = part.get("visits", 0) + len(visits)
        part["slots"] = part.get("slots", 0) + len(slots)
        part["busy_s"] = round(part.get("busy_s", 0) + time.perf_counter() - tc, 1)
        save(part)
        echo(f"  visits   {_bar(i + 1, len(todo), t0, 'months')}  {months[k]:%Y-%m}: "
             f"{len(visits):,} visits, {len(slots):,} slots")


def _meeting_rows(k: int, first: dt.date, *, units, persons: int, fraction: float, t_end: dt.datetime, meeting_id: int):
    """Each grid's Party-group pre-meeting and council meeting of month `first` (a grid meets with
    probability `fraction`), held, with every member's seat and attendance (~88 %)."""
    from zoneinfo import ZoneInfo

    rng = random.Random(20_000 + k)
    tz = ZoneInfo("Asia/Shanghai")
    seats_per_unit = sum(n for _b, n in MEETING_SEATS)
    meetings, seats = [], []
    for u_i, (unit, *_rest) in enumerate(units):
        if fraction < 1 and rng.random() >= fraction:
            continue
        council_day = first + dt.timedelta(days=rng.randrange(7, 26))
        at = dt.datetime.combine(council_day, dt.time(19), tzinfo=tz)
        if at >= t_end:
            continue
        person = persons + u_i * seats_per_unit
        for kind, n in MEETING_SEATS:
            mid = meeting_id + len(meetings)
            when = at - dt.timedelta(days=3) if kind == "party_group" else at
            meetings.append((mid, unit, kind, "held", f"{first:%Y年%m月}{'党小组会' if kind == 'party_group' else '议事会'}",
                             rng.choice(PLACES), "", when, when + dt.timedelta(hours=1), "", "", when - dt.timedelta(days=7)))
            offset = 0 if kind == "party_group" else MEETING_SEATS[0][1]
            for j in range(n):
                seats.append((mid, person + offset + j, kind, "" if kind == "party_group" else IDENTITIES[j],
                              rng.random() < 0.88))
    return meetings, seats


def load_meetings(part: dict, save, ctx: dict, echo) -> None:
    """Months not yet in part["done"]: meetings and their seats, one transaction each."""
    from django.db import transaction

    from yizuyihui.core.bulk import fast_insert, reserve_ids
    from yizuyihui.meetings.models import Meeting, Participant

    months = _months(ctx["t_end"], ctx["years"])
    todo = [k for k in range(len(months)) if k not in set(part["done"])]
    t0 = time.perf_counter()
    for i, k in enumerate(todo):
        tc = time.perf_counter()
        with transaction.atomic():
            base = reserve_ids(Meeting, 1).start
            meetings, seats = _meeting_rows(k, months[k], units=ctx["units"], persons=ctx["persons"],
                                            fraction=ctx["fraction"], t_end=ctx["t_end"], meeting_id=base)
            fast_insert(Meeting, ("id", "unit_id", "kind", "status", "title", "place_kind", "place", "scheduled_at",
                                  "held_at", "minutes", "reconvene_reason", "created_at"), meetings)
            fast_insert(Participant, ("meeting_id", "person_id", "body", "identity", "attended"), seats)
        part["done"].append(k)
        part["meetings"] = part.get("meetings", 0) + len(meetings)
        part["seats"] = part.get("seats", 0) + len(seats)
        part["busy_s"] = round(part.get("busy_s", 0) + time.perf_counter() - tc, 1)
        save(part)
        echo(f"  meetings {_bar(i + 1, len(todo), t0, 'months')}  {months[k]:%Y-%m}: "
             f"{len(meetings):,} meetings, {len(seats):,} seats")


def load_matters(part: dict, save, ctx: dict, echo) -> None:
    """Chunks k ≡ worker (mod workers) not yet in part["done"]: matters and their events."""
    from django.db import transaction

    from yizuyihui.cases.models import Case, CaseEvent
    from yizuyihui.core.bulk import fast_insert

    total, w, n_w = ctx["total"], ctx["worker"], ctx["workers"]
    chunks = (total + CHUNK - 1) // CHUNK
    done = set(part["done"]) | set(ctx.get("matters_done", ()))  # a resumed run may split the chunks otherwise
    todo = [k for k in range(w, chunks, n_w) if k not in done]
    t0 = time.perf_counter()
    for i, k in enumerate(todo):
        tc = time.perf_counter()
        n = min(CHUNK, total - k * CHUNK)
        cases, events = _chunk_rows(k, n, start_id=ctx["start_id"] + k * CHUNK, units=ctx["units"], t_end=ctx["t_end"],
                                     span=dt.timedelta(days=365 * ctx["years"]), chunks=chunks)
        with transaction.atomic():
            fast_insert(Case, CASE_FIELDS, cases)
            fast_insert(CaseEvent, EVENT_FIELDS, events)
        part["done"].append(k)
        part["matters"] = part.get("matters", 0) + n
        part["events"] = part.get("events", 0) + len(events)
        part["busy_s"] = round(part.get("busy_s", 0) + time.perf_counter() - tc, 1)
        save(part)
        echo(f"  matters/{w} {_bar(i + 1, len(todo), t0, 'chunks')}  ({n / (time.perf_counter() - tc):,.0f} matters/s)")


def _part_path(name: str) -> Path:
    return _progress_file().with_suffix(f".{name}.json")


def _run_worker(name: str, fn, ctx: dict, echo) -> None:
    """One loader with its own progress file (so parallel workers never write the same file)."""
    from django.db import connection

    path = _part_path(name)
    part = json.loads(path.read_text()) if path.exists() else {"done": []}
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            try:
                c.execute("SET session_replication_role = replica")
            except Exception:  # noqa: BLE001 - not a superuser
                pass
    path.write_text(json.dumps(part))
    fn(part, lambda p: path.write_text(json.dumps(p)), ctx, echo)


def load_parallel(tasks: list[tuple[str, object, dict]], jobs: int, echo) -> dict[str, dict]:
    """Run the loaders (name, function, context), up to `jobs` at a time in forked processes (each
    its own database session: generating rows in Python is half the cost, and the server COPYs
    from several sessions at once); jobs=1 runs them here one after the other. Returns each
    loader's progress."""
    import multiprocessing

    from django.db import connections

    if jobs <= 1:
        for name, fn, ctx in tasks:
            _run_worker(name, fn, ctx, echo)
    else:
        connections.close_all()  # a forked child must open its own connection
        pending, running = list(tasks), []
        fork = multiprocessing.get_context("fork")
        while pending or running:
            while pending and len(running) < jobs:
                name, fn, ctx = pending.pop(0)
                proc = fork.Process(target=_run_worker, args=(name, fn, ctx, echo), name=name)
                proc.start()
                running.append(proc)
            time.sleep(0.5)
            for proc in [p for p in running if not p.is_alive()]:
                running.remove(proc)
                if proc.exitcode:
                    for other in running:
                        other.terminate()
                    raise click.ClickException(f"loader {proc.name} failed (exit {proc.exitcode}); run again to resume")
    return {name: json.loads(_part_path(name).read_text()) for name, _fn, _ctx in tasks}


# The append-only tables the build fills: their plain indexes are dropped while it loads and
# built once at the end (PostgreSQL), as a bulk load does — a B-tree built from sorted data in one
# pass instead of ~40 M random inserts into 12 indexes that outgrow the cache.
BULK_TABLES = ("cases_case", "cases_caseevent", "visits_visit", "visits_plannedvisit", "meetings_meeting",
               "meetings_participant")


def _bulk_mode(state: dict, echo) -> None:
    """PostgreSQL: drop the plain (not unique, not constraint) indexes of BULK_TABLES, remembering
    their definitions in the progress file (a resumed run rebuilds them all the same), and turn off
    the foreign-key triggers for this session (session_replication_role = replica; the rows are
    generated consistent) — superuser only; without it the load is just slower."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as c:
        try:  # outside a transaction (autocommit): a refusal leaves nothing broken
            c.execute("SET session_replication_role = replica")
        except Exception:  # noqa: BLE001 - not a superuser: foreign keys stay checked
            echo("  (foreign-key triggers stay on: not a superuser)")
        if "dropped_indexes" in state:
            return
        c.execute("""SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
                     WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisunique AND NOT i.indisprimary
                     AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)""", [list(BULK_TABLES)])
        state["dropped_indexes"] = c.fetchall()
        _save_state(state)
        for name, _definition in state["dropped_indexes"]:
            c.execute(f"DROP INDEX IF EXISTS {name}")
        echo(f"  dropped {len(state['dropped_indexes'])} plain indexes of {', '.join(BULK_TABLES)} for the load")


def _indexes_back(state: dict, echo) -> None:
    """Build the dropped indexes again (one pass each over the loaded tables) and turn the
    foreign-key triggers back on."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as c:
        c.execute("SET session_replication_role = origin")
        c.execute("SET maintenance_work_mem = '512MB'")
        for i, (name, definition) in enumerate(state.get("dropped_indexes", [])):
            t = time.perf_counter()
            c.execute(definition.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))
            echo(f"  index {i + 1}/{len(state['dropped_indexes'])} {name} {time.perf_counter() - t:.1f} s")
        c.execute("RESET maintenance_work_mem")


def build_city(*, years: float, fraction: float, jobs: int = 4, echo=click.echo) -> dict:
    """Every phase that is not done yet (the progress file says which), each timed: org tree,
    matters + events, households + members, visits + slots, meetings + seats, rollups, ANALYZE."""
    from django.db import connection, transaction
    from django.utils import timezone

    from yizuyihui.cases.models import Case
    from yizuyihui.core.bulk import reserve_ids

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
        _phase(state, "org", time.perf_counter() - t0)
        _save_state(state)
    units = _unit_map(state["city_path"])
    t_end = dt.datetime.fromisoformat(state["t_end"])
    chunks = (total + CHUNK - 1) // CHUNK
    rates = []
    if not state.get("indexes_back"):
        _bulk_mode(state, echo)
    if "households" not in state:
        echo("households and meeting members …")
        tp = time.perf_counter()
        with transaction.atomic():
            build_people(state, units, fraction)
        _phase(state, "people", time.perf_counter() - tp)
        _save_state(state)
    if not state.get("loaded"):
        base = {"units": units, "t_end": t_end, "years": years, "fraction": fraction, "total": total,
                "start_id": state["start_id"], "households": state["households"], "persons": state["persons"]}
        visit_jobs = max(1, (jobs - 1) // 3)
        matter_jobs = max(1, jobs - 1 - visit_jobs)

        def done_in(kind):
            return sorted({k for f in _progress_file().parent.glob(f"{_progress_file().stem}.{kind}*.json")
                           for k in json.loads(f.read_text())["done"]})

        if "visit_base" not in state:
            from django.db.models import Max

            from yizuyihui.visits.models import Visit

            state["visit_base"] = (Visit.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
            _save_state(state)
        base.update(matters_done=done_in("matters"), visits_done=done_in("visits"), visit_base=state["visit_base"])
        tasks = [(f"matters{w}", load_matters, {**base, "worker": w, "workers": matter_jobs}) for w in range(matter_jobs)]
        tasks += [(f"visits{w}", load_visits, {**base, "worker": w, "workers": visit_jobs}) for w in range(visit_jobs)]
        tasks += [("meetings", load_meetings, base)]
        echo(f"loading matters ({matter_jobs} workers), visits ({visit_jobs}) and meetings, {min(jobs, len(tasks))} "
             f"at a time …")
        tl = time.perf_counter()
        parts = load_parallel(tasks, jobs, echo)
        _phase(state, "load (wall)", time.perf_counter() - tl)
        done = sorted({*base["matters_done"], *(k for name, p in parts.items() if name.startswith("matters") for k in p["done"])})
        if done != list(range(chunks)):
            raise click.ClickException("some matter chunks are missing; run again to resume")
        parts.update({f.stem.rsplit(".", 1)[1]: json.loads(f.read_text())  # earlier runs' workers too
                      for f in _progress_file().parent.glob(f"{_progress_file().stem}.*.json")})
        for key in ("matters", "events", "visits", "slots", "meetings", "seats"):
            state[key] = sum(p.get(key, 0) for p in parts.values())
        state["busy_s"] = {name: p.get("busy_s", 0) for name, p in parts.items()}
        state["done"] = chunks
        state["loaded"] = True
        _save_state(state)
        busiest = max(v for k, v in state["busy_s"].items() if k.startswith("matters"))
        if busiest:
            rates = [state["matters"] / busiest]
    if not state.get("indexes_back"):
        echo("indexes …")
        ti = time.perf_counter()
        _indexes_back(state, echo)
        _phase(state, "indexes", time.perf_counter() - ti)
        state["indexes_back"] = True
        _save_state(state)
    if not state.get("rollups"):
        from yizuyihui.insights.rebuilds import rebuild_all

        echo("rollups (every registered rebuild) …")
        tr = time.perf_counter()
        state["rollup_parts_s"] = rebuild_all(
            progress=lambda n: echo(f"  rollups: {n:,}" if isinstance(n, int) else f"  rollups: {n}"))
        state["rollup_s"] = round(time.perf_counter() - tr, 1)
        _phase(state, "rollups", time.perf_counter() - tr)
        state["rollups"] = True
        _save_state(state)
    if not state.get("analyzed"):
        ta = time.perf_counter()
        if connection.vendor == "postgresql":
            with connection.cursor() as c:
                c.execute("ANALYZE")
        _phase(state, "analyze", time.perf_counter() - ta)
        state["analyzed"] = True
        _save_state(state)
    state["build_s_this_run"] = round(time.perf_counter() - t0, 1)
    state["matters_per_s"] = round(statistics.mean(rates)) if rates else state.get("matters_per_s")
    return state


def _pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


# The pages both tables time: (page, scope, persona or None for anonymous, URL with the bench
# city's {unit}, {case} (a filed matter of the street; the worklist without one) and {five} filled in).
PAGES = [
    ("dashboard", "city", "city_admin", "/insights/"),
    ("dashboard", "district", "district_official", "/insights/"),
    ("dashboard", "street", "street_official", "/insights/"),
    ("dashboard", "community", "community_cadre", "/insights/"),
    ("dashboard", "unit", "grid_worker", "/insights/"),
    ("dashboard 5 years", "city", "city_admin", "/insights/?start={five}"),
    ("worklist city admin", "city", "city_admin", "/cases/"),
    ("worklist district official", "district", "district_official", "/cases/"),
    ("worklist street official", "street", "street_official", "/cases/"),
    ("worklist community cadre", "community", "community_cadre", "/cases/"),
    ("worklist unit leader", "unit", "unit_leader", "/cases/"),
    ("worklist grid worker", "unit", "grid_worker", "/cases/"),
    ("worklist department handler", "district", "department_handler", "/cases/"),
    ("visits due (grid worker)", "unit", "grid_worker", "/visits/"),
    ("visit compliance", "street", "street_official", "/visits/compliance/"),
    ("meetings", "street", "street_official", "/meetings/"),
    ("public board", "unit", "grid_worker", "/cases/board/{unit}/"),
    ("Open311 list", "city", None, "/open311/v2/requests.json"),
    ("Open311 list, open only", "city", None, "/open311/v2/requests.json?status=open"),
    ("search: unit picker", "street", "street_official", "/visits/reports/pick/unit/?q=网格1"),
    ("search: household picker", "unit", "grid_worker", "/visits/reports/pick/household/?unit={unit}&q=1号"),
    ("search: handler picker", "street", "street_official", "/cases/{case}/handlers/?q=成员"),
]


def bench_pages(state: dict) -> tuple[dict, list[tuple[str, str, str | None, str]]]:
    """The bench's personas (a user with one post each, made once) and PAGES with their URLs
    filled in for the bench city."""
    from django.contrib.auth import get_user_model

    from yizuyihui.cases.models import Case
    from yizuyihui.org.models import OrgNode, Unit
    from yizuyihui.people.models import Post

    User = get_user_model()
    city = OrgNode.objects.get(path=state["city_path"])
    district = OrgNode.objects.filter(path__startswith=city.path, depth=2).order_by("path").first()
    street = OrgNode.objects.filter(path__startswith=district.path, depth=3).order_by("path").first()
    community = OrgNode.objects.filter(path__startswith=street.path, depth=4).order_by("path").first()
    unit = Unit.objects.filter(node__path__startswith=community.path).select_related("node").order_by("node__path").first()
    people = {}
    for role, node in (("city_admin", city), ("district_official", district), ("street_official", street),
                       ("community_cadre", community), ("unit_leader", unit.node), ("grid_worker", unit.node),
                       ("department_handler", district)):
        user, _ = User.objects.get_or_create(username=f"bench-scale-{role}")
        Post.objects.get_or_create(user=user, role=role, node=node,
                                   defaults={"department": "城管" if role == "department_handler" else ""})
        people[role] = user
    five = (dt.date.fromisoformat(state["t_end"][:10]) - dt.timedelta(days=365 * 5)).isoformat()
    case = Case.objects.filter(unit__node__path__startswith=street.path, status="filed").order_by("-pk").first()
    pages = [(page, scope, who, "/cases/" if "{case}" in url and not case else
              url.format(five=five, unit=unit.pk, case=case.pk if case else 0)) for page, scope, who, url in PAGES]
    return people, pages


def measure(state: dict, *, repeat: int, echo=click.echo) -> list[dict]:
    import logging

    from django.test import Client

    from yizuyihui.cases.models import Case
    from yizuyihui.insights.measures import case_measures

    logging.getLogger("axes").setLevel(logging.WARNING)  # a login line per page otherwise
    people, pages = bench_pages(state)
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
        echo(f"  {page:<30} {scope:<9} {status}  p50 {rows[-1]['p50_ms']:>8.1f} ms  p95 {rows[-1]['p95_ms']:>8.1f} ms")
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


def _server_env(seconds: float) -> dict:
    """The bench server's environment: the configured one, with its database connections kept for
    the whole run unless DB_CONN_MAX_AGE says otherwise. PostgreSQL's CPU per page is read from the
    backends alive before and after the run; one closed at the default 60 s lifetime and replaced
    took its CPU with it (a 60 s run read 0.1 ms of PostgreSQL a page instead of ~3)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "yizuyihui.settings"}
    env.setdefault("DB_CONN_MAX_AGE", str(int(seconds) + 600))  # the warm-up pass and the run
    return env


def _server(*, workers: int, threads: int, log: Path, seconds: float = 0):
    """gunicorn as `yzyh serve --workers N --threads T` starts it (gthread, --preload) on a
    free port of 127.0.0.1 and the configured database, for a run of `seconds`; returns (process,
    base URL) once it answers."""
    import http.client
    import subprocess

    from yizuyihui.bench.cases import _free_port
    from yizuyihui.core.cli import gunicorn_command

    port = _free_port()
    out = log.open("w")
    proc = subprocess.Popen(gunicorn_command(port=port, workers=workers, threads=threads, preload=True), stdout=subprocess.DEVNULL,
                            stderr=out, env=_server_env(seconds))
    deadline = time.monotonic() + 120
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/open311/v2/services.json")
            conn.getresponse().read()
            conn.close()
            return proc, f"http://127.0.0.1:{port}"
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise click.ClickException(f"gunicorn did not start: {log.read_text()[-2000:]}") from None
            time.sleep(0.3)


def _stop(proc) -> None:
    import subprocess

    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def measure_concurrent(state: dict, *, clients: int, seconds: float, workers: int = 2, threads: int | None = None,
                       think: float = 0.0, echo=click.echo) -> dict:
    """The bench's pages under `clients` concurrent clients over HTTP: the real server (gunicorn as
    `yzyh serve` runs it), each client a thread on its own keep-alive connection with its own
    session per persona, in a closed loop (the next request as soon as the last one answered, no
    think time unless `think` seconds) over the page mix (the i-th request overall is page i mod the mix) for `seconds`
    (after an untimed pass over every page). Returns per page p50/p95/count/errors, pages/s, the
    server's and PostgreSQL's CPU per page, and the load average at start and end."""
    import logging
    from collections import defaultdict
    from urllib.parse import quote

    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from yizuyihui.bench.intake import _cpu_seconds, _memory_mb, _pg_backends, _run, _tree

    logging.getLogger("axes").setLevel(logging.WARNING)
    people, pages = bench_pages(state)
    cookie = settings.SESSION_COOKIE_NAME
    sessions = []  # per client: persona → session key (a login of its own, as 16 people are)
    for _ in range(clients):
        mine = {}
        for role, user in people.items():
            c = Client()
            c.force_login(user)
            mine[role] = c.cookies[cookie].value
        sessions.append(mine)

    paths = [quote(url, safe="/?=&") for _p, _s, _w, url in pages]  # the searches' q= is Chinese

    def make(i: int, slot: int):
        who = pages[i % len(pages)][2]
        headers = {"Accept-Language": "zh-hans"}
        if who:
            headers["Cookie"] = f"{cookie}={sessions[slot][who]}"
        return paths[i % len(pages)], None, headers

    pg = connection.vendor == "postgresql"
    db_name = connection.settings_dict["NAME"]
    pg_url = os.environ.get("DATABASE_URL", "") if pg else ""
    connection.close()  # the bench's own session stays out of the server's way
    log = Path(settings.DATA_DIR) / "bench_scale_server.log"
    from yizuyihui.core.cli import THREADS

    threads = threads or THREADS
    proc, url = _server(workers=workers, threads=threads, log=log, seconds=seconds)
    try:
        per_client = len(pages)  # the warm-up: every client walks the whole mix once
        _run(url, make, clients=clients, seconds=0, warmup=per_client)
        server = _tree(proc.pid)
        db = _pg_backends(pg_url, db_name) if pg else []
        db_before = {p: _cpu_seconds([p]) for p in db}
        load0 = os.getloadavg()
        before = (_cpu_seconds(server), time.process_time())
        r = _run(url, make, clients=clients, seconds=seconds, warmup=0, think=think)
        after = (_cpu_seconds(_tree(proc.pid)), time.process_time())
        load1 = os.getloadavg()
        rss, pss = _memory_mb(_tree(proc.pid))  # master + workers after the run, as `bench intake` reports
        db_after = _pg_backends(pg_url, db_name) if pg else []
        db_cpu = sum(_cpu_seconds([p]) - db_before.get(p, 0) for p in db_after)
    finally:
        _stop(proc)
    by_page = defaultdict(list)
    errors = defaultdict(int)
    for t, status, i in r["raw"]:
        if status == 200:
            by_page[i % len(pages)].append(t * 1000)
        else:
            errors[i % len(pages)] += 1
    rows = [{"page": page, "scope": scope, "n": len(by_page[k]), "errors": errors[k],
             "p50_ms": round(_pct(by_page[k], 50), 1) if by_page[k] else None,
             "p95_ms": round(_pct(by_page[k], 95), 1) if by_page[k] else None}
            for k, (page, scope, _who, _url) in enumerate(pages)]
    done = max(1, sum(row["n"] + row["errors"] for row in rows))
    all_ok = [t * 1000 for t, status, _i in r["raw"] if status == 200]
    return {"rows": rows, "clients": clients, "workers": workers, "threads": threads, "think": think, "seconds": r["wall"],
            "pages_per_s": r["rate"],
            "p50_ms": round(_pct(all_ok, 50), 1) if all_ok else None,
            "p95_ms": round(_pct(all_ok, 95), 1) if all_ok else None, "errors": r["errors"],
            "error_samples": r["error_samples"], "web_cpu_ms": (after[0] - before[0]) * 1000 / done,
            "db_cpu_ms": db_cpu * 1000 / done if pg else None, "client_cpu_ms": (after[1] - before[1]) * 1000 / done,
            "load_start": load0, "load_end": load1, "rss_mb": rss, "pss_mb": pss}


def print_concurrent(m: dict, echo=click.echo) -> None:
    think = f"{m['think']:g} s think time" if m.get("think") else "no think time"
    echo(f"\n{'page':<34}{'scope':<10}{'p50 ms':>9}{'p95 ms':>9}{'count':>7}{'errors':>7}  "
         f"({m['clients']} clients, closed loop, {think}, {m['seconds']:.0f} s; gunicorn {m['workers']}×{m.get('threads', 4)} threads)")
    for r in m["rows"]:
        p50 = f"{r['p50_ms']:>9.1f}" if r["p50_ms"] is not None else f"{'-':>9}"
        p95 = f"{r['p95_ms']:>9.1f}" if r["p95_ms"] is not None else f"{'-':>9}"
        echo(f"{r['page']:<34}{r['scope']:<10}{p50}{p95}{r['n']:>7}{r['errors']:>7}")
    p50 = m["p50_ms"] if m["p50_ms"] is not None else float("nan")
    p95 = m["p95_ms"] if m["p95_ms"] is not None else float("nan")
    echo(f"{'all pages':<44}{p50:>9.1f}{p95:>9.1f}{sum(r['n'] for r in m['rows']):>7}{m['errors']:>7}")
    cpu = f"server CPU per page: web {m['web_cpu_ms']:.1f} ms"
    if m["db_cpu_ms"] is not None:
        cpu += f" + PostgreSQL {m['db_cpu_ms']:.1f} ms"
    echo(f"{m['pages_per_s']:.1f} pages/s; {cpu} (load generator {m['client_cpu_ms']:.1f} ms); load average "
         f"{' '.join(f'{x:.2f}' for x in m['load_start'])} at start, {' '.join(f'{x:.2f}' for x in m['load_end'])} "
         f"at end; {os.cpu_count()} CPUs")
    echo(f"server memory (gunicorn master + workers): VmRSS {m['rss_mb']:.0f} MB, PSS {m['pss_mb']:.0f} MB")
    for sample in m["error_samples"]:
        echo(f"  error {sample}")


@click.command("scale")
@click.option("--years", default=5.0, show_default=True, type=click.FloatRange(0.01, 10))
@click.option("--fraction", default=1.0, show_default=True, type=click.FloatRange(0.0001, 1),
              help="Share of B市's volume (2 M matters a year) to build")
@click.option("--repeat", default=20, show_default=True, type=click.IntRange(3, 1000))
@click.option("--measure-only", is_flag=True, help="Skip building (the city is there)")
@click.option("--jobs", default=4, show_default=True, type=click.IntRange(1, 16),
              help="Loader processes at once (meetings 1, visits (jobs-1)//3, matters the rest)")
@click.option("--build-only", is_flag=True, help="Build (or resume) and stop before timing the pages")
@click.option("--clients", default=0, show_default=True, type=click.IntRange(0, 256),
              help="Instead of the one-client in-process table: this many concurrent HTTP clients against gunicorn "
                   "started as `yzyh serve` does, each walking the page mix in a closed loop")
@click.option("--seconds", default=30.0, show_default=True, type=click.FloatRange(1, 3600),
              help="With --clients: timed seconds")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="With --clients: gunicorn workers (as `yzyh serve --workers`)")
@click.option("--threads", default=0, type=click.IntRange(0, 64),
              help="With --clients: threads per worker (0: `yzyh serve`'s default)")
@click.option("--think", default=0.0, show_default=True, type=click.FloatRange(0, 60),
              help="With --clients: seconds each client waits after a page before the next (0: saturation)")
def bench_scale(years: float, fraction: float, repeat: int, measure_only: bool, jobs: int, build_only: bool,
                clients: int, seconds: float, workers: int, threads: int, think: float) -> None:
    """A city of N years on PostgreSQL (COPY, resumable), then page p50/p95 per page and scope —
    one client in-process, or --clients N over HTTP."""
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
    state = _load_state() if measure_only else build_city(years=years, fraction=fraction, jobs=jobs)
    click.echo(f"built: {state.get('total', 0):,} matters, {state.get('events', 0):,} events, "
               f"{state.get('visits', 0):,} visits ({state.get('slots', 0):,} slots), {state.get('meetings', 0):,} meetings "
               f"({state.get('seats', 0):,} seats); this run {state.get('build_s_this_run', 0)} s")
    phases = state.get("phase_s", {})
    click.echo(f"\n{'build phase (wall clock)':<28}{'seconds':>10}")
    for name, sec in phases.items():
        click.echo(f"{name:<28}{sec:>10.1f}")
    click.echo(f"{'total':<28}{sum(phases.values()):>10.1f}")
    rows = {"matters": state.get("matters", 0) + state.get("events", 0), "visits": state.get("visits", 0) + state.get("slots", 0),
            "meetings": state.get("meetings", 0) + state.get("seats", 0)}
    for name, sec in (state.get("busy_s") or {}).items():
        kind = name.rstrip("0123456789")
        share = rows[kind] / sum(1 for n in state["busy_s"] if n.startswith(kind))
        sec = sec or 0
        click.echo(f"  loader {name:<12} busy {sec:>8.1f} s  ~{share / sec if sec else 0:>9,.0f} rows/s")
    for name, sec in (state.get("rollup_parts_s") or {}).items():
        click.echo(f"  rollups: {name} {sec} s")
    if build_only:
        return
    if clients:
        print_concurrent(measure_concurrent(state, clients=clients, seconds=seconds, workers=workers, threads=threads,
                                            think=think))
        return
    rows = measure(state, repeat=repeat)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load = os.getloadavg()
    click.echo(f"\n{'page':<44}{'scope':<10}{'p50 ms':>10}{'p95 ms':>10}  (in-process, {repeat} timed requests each)")
    for r in rows:
        if "page" in r:
            p95 = f"{r['p95_ms']:>10.1f}" if r["p95_ms"] is not None else f"{'-':>10}"
            click.echo(f"{r['page']:<44}{r['scope']:<10}{r['p50_ms']:>10.1f}{p95}")
    click.echo(f"matters in the database: {rows[-1]['matters']:,}; bench process peak RSS {rss:.0f} MB; "
               f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
