"""`yzyh insights …`: the measures' rollups."""

from __future__ import annotations

import time

import click


@click.group()
def insights() -> None:
    """Measures: rollups behind the dashboard."""


@insights.command()
def rebuild() -> None:
    """Recompute every rollup from history: the measures' and the panels' (visits, duties, reports,
    meetings)."""
    from yizuyihui.core.cli import setup_django

    setup_django()
    from yizuyihui.insights.panel_rollups import all_rebuilds

    for name, fn in all_rebuilds():
        t0 = time.perf_counter()
        n = fn(progress=lambda p: click.echo(f"  {p:,} …" if isinstance(p, int) else f"  {p}", err=True))
        click.echo(f"{name}: rebuilt from {n:,} {'matters' if name == 'measures' else 'buckets'} "
                   f"in {time.perf_counter() - t0:.1f} s")


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
