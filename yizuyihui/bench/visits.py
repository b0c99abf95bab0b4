"""`yzyh bench visits`: a year of 三必访 schedules for a city's households, and re-planning one unit.

B市 has about 1.1 M households in 4,915 units (≈ 224 per unit). The benchmark builds a separate
bench city (code BENCH-V) of that shape once and reuses it; it never touches other data.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres yzyh bench visits --households 1100000
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time

import click

from yizuyihui.core.cli import setup_django

BENCH_CODE = "BENCH-V"
PER_UNIT = 224
# Category mix: most households are ordinary; key-assistance and special people are a minority.
MIX = (("ordinary", 0.90), ("key", 0.07), ("special", 0.03))


def _build_city(households: int, echo) -> None:
    from django.db import connection, transaction

    from yizuyihui.org.models import Level, OrgNode, Unit
    from yizuyihui.org.services import node_create
    from yizuyihui.people.models import Household

    units_needed = max(1, round(households / PER_UNIT))
    city = OrgNode.objects.filter(code=BENCH_CODE).first()
    if city is not None:
        existing = Household.objects.filter(node__path__startswith=city.path).count()
        if existing == households:
            echo(f"reusing bench city: {existing:,} households")
            return
        raise click.ClickException(
            f"a bench city with {existing:,} households exists; run with --households {existing} or drop it (--drop)"
        )
    t0 = time.perf_counter()
    rng = random.Random(4)
    with transaction.atomic():
        city = node_create(parent=None, name="基准市", level=Level.CITY, code=BENCH_CODE)
        units = []
        d = s = c = 0
        while len(units) < units_needed:
            district = node_create(parent=city, name=f"基准区{d}", level=Level.DISTRICT, code=f"{BENCH_CODE}-{d}")
            for s in range(12):
                street = node_create(parent=district, name=f"街道{d}-{s}", level=Level.STREET, code=f"{BENCH_CODE}-{d}-{s}")
                for c in range(25):
                    community = node_create(parent=street, name=f"社区{d}-{s}-{c}", level=Level.COMMUNITY,
                                            code=f"{BENCH_CODE}-{d}-{s}-{c}")
                    for g in range(4):
                        grid = node_create(parent=community, name=f"网格{d}-{s}-{c}-{g}", level=Level.GRID,
                                           code=f"{BENCH_CODE}-{d}-{s}-{c}-{g}")
                        units.append(Unit.objects.get(node=grid))
                        if len(units) >= units_needed:
                            break
                    if len(units) >= units_needed:
                        break
                if len(units) >= units_needed:
                    break
            d += 1
    echo(f"tree: {len(units):,} units in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    cats = [c for c, share in MIX for _ in range(int(share * 100))]
    batch = []
    made = 0
    for i in range(households):
        unit = units[i % len(units)]
        batch.append(Household(node_id=unit.node_id, unit_id=unit.pk, address=f"基准{i}号", category=rng.choice(cats)))
        if len(batch) == 20000:
            Household.objects.bulk_create(batch, batch_size=20000)
            made += len(batch)
            batch = []
    if batch:
        Household.objects.bulk_create(batch, batch_size=20000)
        made += len(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Household._meta.db_table}")
            cursor.execute(f"ANALYZE {OrgNode._meta.db_table}")
    echo(f"households: {made:,} in {time.perf_counter() - t0:.1f} s")


def _drop_city(echo) -> None:
    from django.db import transaction

    from yizuyihui.org.models import OrgNode, Unit
    from yizuyihui.people.models import Household
    from yizuyihui.visits.models import PlannedVisit

    city = OrgNode.objects.filter(code=BENCH_CODE).first()
    if city is None:
        return
    with transaction.atomic():
        PlannedVisit.objects.filter(household__node__path__startswith=city.path).delete()
        Household.objects.filter(node__path__startswith=city.path)._raw_delete(Household.objects.db)
        Unit.objects.filter(node__path__startswith=city.path).delete()
        OrgNode.objects.filter(path__startswith=city.path).delete()
    echo("bench city dropped")


@click.command("visits")
@click.option("--households", type=int, default=1_100_000, show_default=True, help="households in the bench city")
@click.option("--year", type=int, default=None, help="year to plan (default: this year)")
@click.option("--replans", type=int, default=5, show_default=True, help="unit re-plans to time")
@click.option("--workers", type=int, default=2, show_default=True, help="database connections for the yearly run")
@click.option("--drop", is_flag=True, help="drop the bench city first")
@click.option("--keep/--no-keep", default=True, show_default=True, help="keep the bench city for the next run")
def bench_visits(households: int, year: int | None, replans: int, workers: int, drop: bool, keep: bool) -> None:
    """Time a year of 三必访 schedules (goal ≤ 60 s for 1.1 M households on PostgreSQL) and
    re-planning one unit after category changes (goal ≤ 200 ms)."""
    setup_django()
    from django.db import connection
    from django.utils import timezone

    from yizuyihui.org.models import OrgNode, Unit
    from yizuyihui.people.models import Household
    from yizuyihui.visits import services
    from yizuyihui.visits.models import PlannedVisit

    echo = click.echo
    echo(f"database: {connection.vendor}")
    if drop:
        _drop_city(echo)
    _build_city(households, echo)
    city = OrgNode.objects.get(code=BENCH_CODE)
    year = year or timezone.localdate().year
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)

    t0 = time.perf_counter()
    PlannedVisit.objects.filter(household__node__path__startswith=city.path)._raw_delete(PlannedVisit.objects.db)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # a fresh year: no dead rows left in the unique index
            cursor.execute(f"VACUUM ANALYZE {PlannedVisit._meta.db_table}")
    echo(f"cleared earlier slots in {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    added = services.schedule_generate(under=city, start=start, end=end, workers=workers)
    first = time.perf_counter() - t0
    echo(f"schedule {year}: {added:,} slots for {households:,} households in {first:.1f} s "
         f"({added / first:,.0f} rows/s, {workers} workers) — goal ≤ 60 s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {PlannedVisit._meta.db_table}")
    t0 = time.perf_counter()
    again = services.schedule_generate(under=city, start=start, end=end, workers=workers)
    echo(f"second run (idempotent): {again:,} slots added in {time.perf_counter() - t0:.1f} s")

    units = list(Unit.objects.filter(node__path__startswith=city.path).order_by("pk")[: max(replans, 1)])
    timings = []
    rng = random.Random(7)
    today = dt.date(year, 6, 15)
    for unit in units:
        ids = list(Household.objects.filter(unit=unit).values_list("pk", flat=True))
        changed = rng.sample(ids, max(1, len(ids) // 10))
        Household.objects.filter(pk__in=changed[: len(changed) // 2]).update(category="special")
        Household.objects.filter(pk__in=changed[len(changed) // 2:]).update(category="key")
        t0 = time.perf_counter()
        n = services.schedule_replan(unit=unit, today=today)
        timings.append((time.perf_counter() - t0) * 1000)
        echo(f"re-plan {unit.name}: {len(changed)} of {len(ids)} households changed, {n} slots planned in {timings[-1]:.0f} ms")
    echo(f"re-plan one unit: median {statistics.median(timings):.0f} ms, max {max(timings):.0f} ms — goal ≤ 200 ms")
    if not keep:
        _drop_city(echo)
