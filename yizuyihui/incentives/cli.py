"""`yzyh incentives …`: operator commands of the incentives app."""

from __future__ import annotations

import time

import click

from yizuyihui.core.cli import setup_django


@click.group()
def incentives() -> None:
    """积分 and 考核: points, rewards, staff performance."""


@incentives.command("performance")
@click.option("--period", default="", help="2026, 2026Q3 or 2026-05 (default: this year)")
def performance_cmd(period: str) -> None:
    """Compute every grid worker's, unit leader's, unit's, community's and street's score for a period."""
    setup_django()
    from yizuyihui.incentives import performance

    period = period or performance.current_period()
    if not performance.valid_period(period):
        raise click.BadParameter("use 2026, 2026Q3 or 2026-05", param_hint="--period")
    t0 = time.monotonic()
    n = performance.scores_compute(period=period)
    click.echo(f"{n:,} scores for {period} in {time.monotonic() - t0:.1f} s")


commands = [incentives]
