"""`yzyh bench resources`: matching a need against a district's resources.

Builds one district (10 streets × 10 communities × 4 grids) with 50,000 volunteers in 2,000
teams, a police officer and a property company per community and legal advisers per street,
in a scratch database (SQLite in a temporary folder, or PostgreSQL database
`yzyh_bench_resources` with --pg-url), then times `matching.suggest_for_need` — teams, individual
volunteers and professionals — for a set of needs spread over the district.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time

import click

BENCH_PG_NAME = "yzyh_bench_resources"


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def _recreate_pg(base: str) -> str:
    """A scratch database beside the one named in the URL (`<name>_bench_resources`, so engineers
    sharing a server do not drop each other's), or `yzyh_bench_resources` for a bare server URL."""
    import re
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(base)
    given = parts.path.strip("/")
    name = f"{given}_bench_resources" if re.fullmatch(r"[A-Za-z0-9_]{1,40}", given or "") else BENCH_PG_NAME
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def build_district(*, volunteers: int, teams: int, seed: int = 14) -> dict:
    """The district, through bulk paths (the matching reads it; the services are tested elsewhere)."""
    from django.db import transaction

    from yizuyihui.core.bulk import fast_insert, reserve_ids
    from yizuyihui.org.models import Level, Unit
    from yizuyihui.org.services import node_create
    from yizuyihui.people.models import Person
    from yizuyihui.people.services import persons_bulk_insert
    from yizuyihui.resources.models import (
        ALL_SLOTS,
        Professional,
        ProfessionalKind,
        ServiceType,
        Volunteer,
        VolunteerTeam,
        district_of,
        street_of,
    )

    rng = random.Random(seed)
    with transaction.atomic():
        city = node_create(parent=None, name="基准市", level=Level.CITY, code="BR")
        district = node_create(parent=city, name="基准区", level=Level.DISTRICT, code="BR-D")
        streets, communities = [], []
        for s in range(10):
            street = node_create(parent=district, name=f"街道{s}", level=Level.STREET, code=f"BR-D-S{s}")
            streets.append(street)
            for c in range(10):
                community = node_create(parent=street, name=f"社区{s}-{c}", level=Level.COMMUNITY, code=f"BR-D-S{s}-C{c}")
                communities.append(community)
                for g in range(4):
                    node_create(parent=community, name=f"网格{s}-{c}-{g}", level=Level.GRID, code=f"BR-D-S{s}-C{c}-G{g}")
    units = list(Unit.objects.select_related("node"))
    persons_bulk_insert(rows=((f"志愿者{i}", "M", None, "", f"139{i:08d}", True, False, units[i % len(units)].node_id,
                               None, "", "", "", None) for i in range(volunteers)))
    person_ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    types = list(ServiceType.values)
    places = communities + streets  # most teams belong to a community, some to a street
    team_rows, vol_rows = [], []
    per = volunteers // teams
    with transaction.atomic():
        team_ids = reserve_ids(VolunteerTeam, teams)
        for t, tid in enumerate(team_ids):
            node = places[t % len(places)] if t % 10 else streets[t % len(streets)]
            st = types[t % len(types)]
            members = person_ids[t * per:(t + 1) * per]
            masks = [rng.choice([ALL_SLOTS, 0b111111 << rng.randint(0, 15), rng.getrandbits(21) or 1]) for _m in members]
            union = 0
            for m in masks:
                union |= m
            d, s = district_of(node.path), street_of(node.path)
            team_rows.append((tid, f"队{t}", node.pk, node.path, d, s, st, members[0], len(members), union, 0,
                              rng.randint(0, 40), True))
            vol_rows += [(tid, pid, st, node.path, d, s, mask, rng.randint(0, 200), True, "2026-01-01")
                         for pid, mask in zip(members, masks, strict=True)]
        fast_insert(VolunteerTeam, ("id", "name", "node_id", "path", "district_path", "street_path", "service_type",
                                    "leader_id", "member_count", "availability", "hours_total", "dispatch_count",
                                    "active"), team_rows)
    fast_insert(Volunteer, ("team_id", "person_id", "service_type", "path", "district_path", "street_path",
                            "availability", "hours_total", "active", "joined"), vol_rows)
    pros = 0
    for i, community in enumerate(communities):
        Professional.objects.create(kind=ProfessionalKind.POLICE, name=f"民警{i}", person_id=person_ids[i],
                                    node=community, path=community.path)
        company = Professional.objects.create(kind=ProfessionalKind.PROPERTY, name=f"物业{i}", node=community,
                                              path=community.path)
        company.estates.set(Unit.objects.filter(node__path__startswith=community.path))
        pros += 2
    for i, street in enumerate(streets):
        for j in range(3):
            Professional.objects.create(kind=ProfessionalKind.LEGAL, name=f"律师{i}-{j}", person_id=person_ids[100 + i * 3 + j],
                                        node=street, path=street.path)
            pros += 1
    return {"units": len(units), "volunteers": len(vol_rows), "teams": len(team_rows), "professionals": pros}


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def run_bench(*, volunteers: int, teams: int, needs: int) -> dict:
    from django.utils import timezone

    from yizuyihui.org.models import Unit
    from yizuyihui.resources import matching
    from yizuyihui.resources.models import ALL_SLOTS, Need, ServiceType, slot_bit

    started = time.monotonic()
    sizes = build_district(volunteers=volunteers, teams=teams)
    _analyze()
    built = time.monotonic() - started
    rng = random.Random(7)
    units = list(Unit.objects.select_related("node"))
    kinds_choices = [["legal", "police"], ["property"], ["police"], []]
    samples, found = [], []
    for i in range(needs + 10):
        unit = rng.choice(units)
        when = rng.choice([ALL_SLOTS, slot_bit(rng.randint(0, 6), rng.randint(0, 2)), 0b111 << (3 * rng.randint(0, 6))])
        need = Need(unit=unit, path=unit.node.path, service_type=rng.choice(ServiceType.values), title="bench",
                    when=when, created_at=timezone.now())
        kinds = rng.choice(kinds_choices)
        t0 = time.perf_counter()
        s = matching.suggest_for_need(need, kinds=kinds)
        elapsed = (time.perf_counter() - t0) * 1000
        if i >= 10:  # warm-up
            samples.append(elapsed)
            found.append(len(s.teams) + len(s.volunteers) + len(s.professionals))
    return {**sizes, "build_s": round(built, 1), "needs": len(samples),
            "p50_ms": round(statistics.median(samples), 1), "p95_ms": round(_pct(samples, 95), 1),
            "max_ms": round(max(samples), 1), "mean_suggestions": round(statistics.mean(found), 1)}


@click.command(name="resources")
@click.option("--volunteers", default=50_000, show_default=True)
@click.option("--teams", default=2_000, show_default=True)
@click.option("--needs", default=300, show_default=True)
@click.option("--pg-url", default="", help="PostgreSQL URL: bench in a scratch database there (<db>_bench_resources, "
                                           f"or {BENCH_PG_NAME}), else SQLite in a temporary folder.")
def bench_resources(volunteers: int, teams: int, needs: int, pg_url: str) -> None:
    """Match needs against a district's volunteers, teams and professionals; print p50/p95."""
    scratch = tempfile.mkdtemp(prefix="yzyh-bench-resources-")
    os.environ["YZYH_DATA_DIR"] = scratch
    if pg_url:
        os.environ["DATABASE_URL"] = _recreate_pg(pg_url)
    else:
        os.environ.pop("DATABASE_URL", None)
    from yizuyihui.core.cli import setup_django

    setup_django()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    result = run_bench(volunteers=volunteers, teams=teams, needs=needs)
    click.echo(f"database: {connection.vendor}")
    for key, value in result.items():
        click.echo(f"{key}: {value}")
    verdict = "OK" if result["p95_ms"] <= 200 else "TOO SLOW"
    click.echo(f"p95 {result['p95_ms']} ms (target ≤ 200 ms): {verdict}")


bench_commands = [bench_resources]
