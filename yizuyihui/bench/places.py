"""`yzyh bench geo` and `yzyh bench map`: point → unit throughput and the map endpoints' latency."""

from __future__ import annotations

import os
import time

import click

from yizuyihui.core.cli import setup_django


@click.command("geo")
@click.option("--points", default=20_000, show_default=True, type=click.IntRange(1, 10_000_000))
def bench_geo(points: int) -> None:
    """Point → unit over the imported unit boundaries: one at a time (Open311, the filing page)
    and in a batch (imports)."""
    setup_django()
    import numpy as np

    from yizuyihui.places.geometry import PlaceError, clear_cache, unit_index

    clear_cache()
    started = time.perf_counter()
    index = unit_index()
    built = time.perf_counter() - started
    if not len(index):
        raise click.ClickException("no unit boundaries: run `yzyh demo` or `yzyh org geo import` first")
    x0, y0, x1, y1 = index.bounds
    rng = np.random.default_rng(16)
    lons, lats = rng.uniform(x0, x1, points), rng.uniform(y0, y1, points)
    started = time.perf_counter()
    found = outside = 0
    for lat, lon in zip(lats.tolist(), lons.tolist(), strict=True):
        try:
            index.locate(lat=lat, long=lon)
            found += 1
        except PlaceError:
            outside += 1
    single = time.perf_counter() - started
    started = time.perf_counter()
    batch_hits = int((index.locate_many(lats, lons) > 0).sum())
    batch = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(200):
        unit_index()
    version_check = (time.perf_counter() - started) / 200
    click.echo(f"units: {len(index)}; index built in {built * 1000:.0f} ms")
    click.echo(f"one at a time: {points / single:,.0f} points/s ({found} in or next to a unit, {outside} outside)")
    click.echo(f"batch: {points / batch:,.0f} points/s ({batch_hits} strictly inside a unit)")
    click.echo(f"freshness check per lookup (one aggregate query): {version_check * 1000:.2f} ms")


@click.command("map")
@click.option("--matters", default=10_000, show_default=True, type=click.IntRange(0, 5_000_000),
              help="synthetic open matters with points added for the run (removed afterwards)")
@click.option("--repeat", default=40, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--profile", is_flag=True, help="also print where the pins endpoint spends its time (cProfile)")
def bench_map(matters: int, repeat: int, profile: bool) -> None:
    """Server-side latency of the map endpoints (in-process test client, city administrator's
    scope): matters GeoJSON, choropleth values, unit boundaries. Needs the demo city (with its
    geography) in the configured database."""
    setup_django()
    import datetime as dt

    import numpy as np
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from yizuyihui.bench.cases import CASE_FIELDS, _case_rows
    from yizuyihui.cases.models import Case
    from yizuyihui.core.bulk import fast_insert, reserve_ids
    from yizuyihui.places.models import Boundary

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    boxes = list(Boundary.objects.filter(node__unit__isnull=False)
                 .values_list("node__unit", "node_id", "min_lon", "min_lat", "max_lon", "max_lat"))
    if not boxes:
        raise click.ClickException("no unit boundaries: run `yzyh demo` first")
    rng = np.random.default_rng(16)
    now = timezone.now()
    if matters:
        units = [(b[0], b[1]) for b in boxes]
        ids = reserve_ids(Case, matters)
        rows = _case_rows(matters, start_id=ids.start, status_of=lambda i: "received", handler_of=lambda i: None,
                          due_of=lambda i: now + dt.timedelta(days=(i % 7) - 2), now=now, units=units)

        def with_points():
            for i, row in enumerate(rows):
                _u, _n, x0, y0, x1, y1 = boxes[i % len(boxes)]
                yield (*row, float(rng.uniform(y0, y1)), float(rng.uniform(x0, x1)))

        fast_insert(Case, (*CASE_FIELDS, "lat", "long"), with_points())
        if connection.vendor == "postgresql":
            # What autovacuum does after a bulk load: fresh statistics (else the planner expects
            # 140 open matters, not 10,000) and no dead index entries left by earlier runs.
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM (ANALYZE) {Case._meta.db_table}")
    try:
        client = Client()
        client.force_login(get_user_model().objects.filter(posts__role="city_admin").first())
        for label, url in (("matters.json (the worklist map's pins, open, city scope)", "/places/matters.json"),
                           ("matters.geojson (the same as GeoJSON, for GIS tools)", "/places/matters.geojson"),
                           ("measures.json (resolution)", "/places/measures.json?measure=resolution"),
                           ("measures.json (overdue)", "/places/measures.json?measure=overdue"),
                           ("boundaries.geojson (4,915 units)", "/places/boundaries.geojson")):
            times, cpu, db, size = [], [], [], 0
            for _ in range(repeat):
                waited = [0.0]

                def timed(execute, sql, params, many, context, waited=waited):
                    t0 = time.perf_counter()
                    try:
                        return execute(sql, params, many, context)
                    finally:
                        waited[0] += time.perf_counter() - t0

                started, started_cpu = time.perf_counter(), time.process_time()
                with connection.execute_wrapper(timed):
                    response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
                db.append(waited[0] * 1000)
                size = len(response.content)
            times.sort()
            cpu.sort()
            db.sort()
            p50, p95 = times[len(times) // 2], times[min(len(times) - 1, int(0.95 * len(times)))]
            target = " (target ≤ 300 ms: " + ("met" if p95 <= 300 else "NOT met") + ")" \
                if url.startswith(("/places/matters.json", "/places/measures.json")) else ""
            click.echo(f"{label}: p50 {p50:.0f} ms, p95 {p95:.0f} ms{target} (web process CPU p50 "
                       f"{cpu[len(cpu) // 2]:.0f} ms, waiting for the database p50 {db[len(db) // 2]:.0f} ms), "
                       f"{size / 1024:.0f} KiB, status {response.status_code}")
        if profile:
            import cProfile
            import io
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(5):
                client.get("/places/matters.json")
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
            click.echo(out.getvalue())
        click.echo(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        open_points = Case.objects.filter(status__in=["received"], lat__isnull=False).count()
        click.echo(f"open matters with points in the database: {open_points}")
    finally:
        if matters:
            Case.objects.filter(origin_ref="bench", title__startswith="bench bulk").delete()


commands: list = []
