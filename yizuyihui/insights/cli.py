"""`yzyh insights …`: the measures' rollups."""

from __future__ import annotations

import time

import click


@click.group()
def insights() -> None:
    """Measures: rollups behind the dashboard."""


@insights.command()
def rebuild() -> None:
    """Recompute every rollup from history: the matters', the panels' (visits, duties, reports,
    meetings) and every registered rebuild."""
    from yizuyihui.core.cli import setup_django

    setup_django()
    from yizuyihui.insights.rebuilds import rebuild_all

    t0 = time.perf_counter()
    took = rebuild_all(progress=lambda n: click.echo(f"  {n:,} …" if isinstance(n, int) else f"  {n}", err=True))
    for name, seconds in took.items():
        click.echo(f"  {name}: {seconds} s")
    click.echo(f"rollups rebuilt in {time.perf_counter() - t0:.1f} s")


@insights.command()
def refresh() -> None:
    """Fold the queued buckets into the rollups now (the job does this every minute)."""
    from yizuyihui.core.cli import setup_django

    setup_django()
    from yizuyihui.insights.panel_rollups import refresh as panels_refresh
    from yizuyihui.insights.rollups import refresh as do_refresh

    click.echo(f"{do_refresh()} measure buckets and {panels_refresh()} panel buckets refreshed")


commands = [insights]


def _bench_scale():
    from yizuyihui.insights.bench_scale import bench_scale

    return bench_scale


bench_commands = [_bench_scale()]


def _bench_partitions():
    from yizuyihui.insights.bench_partitions import bench_partitions

    return bench_partitions


bench_commands.append(_bench_partitions())
