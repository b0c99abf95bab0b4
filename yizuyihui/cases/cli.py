"""`yzyh cases …` (the benchmark `yzyh bench cases` lives in yizuyihui/bench/cases.py)."""

from __future__ import annotations

import json

import click


@click.group(name="cases")
def cases_group() -> None:
    """Matters (六单): taxonomy, calendar, sweep."""


@cases_group.command("load-categories")
def load_categories() -> None:
    from yizuyihui.core.cli import setup_django

    setup_django()
    from yizuyihui.cases import deadlines, services

    click.echo(f"categories added: {services.categories_load()}")
    click.echo(f"calendar days added: {deadlines.calendar_seed()}")
    click.echo(f"policies added: {deadlines.policy_seed()}")


@cases_group.command("sweep")
def sweep() -> None:
    """Run the overdue sweep once (the worker runs it every minute)."""
    from yizuyihui.core.cli import setup_django

    setup_django()
    from yizuyihui.cases.services import sweep_overdue

    click.echo(json.dumps(sweep_overdue()))


commands = [cases_group]
