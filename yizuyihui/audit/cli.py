"""`yzyh audit verify` and `yzyh bench audit`."""

from __future__ import annotations

import click

from yizuyihui.core.cli import setup_django


@click.group()
def audit() -> None:
    """The hash-chained audit log."""


@audit.command("verify")
def verify_cmd() -> None:
    """Walk the chain; exit 1 at the first edited or deleted row."""
    setup_django()
    from yizuyihui.audit.services import audit_verify

    result = audit_verify()
    rate = result.rows / result.seconds if result.seconds else 0
    if result.ok:
        click.echo(f"audit log intact: {result.rows} rows in {result.seconds:.2f} s ({rate:,.0f} rows/s)")
        return
    where = f" at row {result.bad_id}" if result.bad_id else ""
    click.echo(f"AUDIT LOG BROKEN{where}: {result.problem} ({result.rows} rows checked before)", err=True)
    raise SystemExit(1)


@click.command("audit")
@click.option("--rows", default=1_000_000, show_default=True, type=click.IntRange(1, 50_000_000))
def bench_audit(rows: int) -> None:
    """Append ROWS chained events, then time `audit verify` over the whole log."""
    import time

    setup_django()
    from django.core.management import call_command

    from yizuyihui.audit.services import audit_bench_fill, audit_verify

    call_command("migrate", interactive=False, verbosity=0)
    t = time.perf_counter()
    audit_bench_fill(rows=rows)
    click.echo(f"appended {rows} rows in {time.perf_counter() - t:.1f} s")
    result = audit_verify()
    click.echo(f"verify: {'ok' if result.ok else 'BROKEN'} {result.rows} rows in {result.seconds:.2f} s "
               f"({result.rows / result.seconds:,.0f} rows/s)")


commands = [audit]
bench_commands = [bench_audit]
