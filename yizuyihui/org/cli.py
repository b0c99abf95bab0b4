"""`yzyh org import|export`: a real city's tree and rosters from/to CSV or XLSX."""

from __future__ import annotations

import csv
from pathlib import Path

import click

from yizuyihui.core.cli import setup_django


@click.group()
def org() -> None:
    """Organisation tree and unit rosters."""


@org.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_cmd(files: tuple[Path, ...]) -> None:
    """Import tree and roster files (CSV or XLSX). All files are checked first; any bad row rejects everything."""
    setup_django()
    from django.db import transaction

    from yizuyihui.org.imports import ImportRejected, import_tables, read_tables

    tables = []
    for path in files:
        tables.extend(read_tables(name=path.name, content=path.read_bytes()))
    try:
        with transaction.atomic():
            report = import_tables(tables)
    except ImportRejected as exc:
        for error in exc.errors:
            click.echo(f"{error.sheet}: line {error.line}: {error.message}", err=True)
        raise click.ClickException(f"rejected: {len(exc.errors)} bad row(s); nothing was imported") from None
    click.echo(f"imported {report['nodes']} nodes and {report['members']} members")


@org.command("export")
@click.option("--output", required=True, type=click.Path(path_type=Path),
              help="an .xlsx file (sheets tree and roster) or a folder for tree.csv and roster.csv")
@click.option("--under", default=None, help="code of the node to export (default: everything)")
def export_cmd(output: Path, under: str | None) -> None:
    """Export the tree and rosters in the import format."""
    setup_django()
    from yizuyihui.org.imports import export_tables
    from yizuyihui.org.models import OrgNode

    root = OrgNode.objects.get(code=under) if under else None
    tree, roster = export_tables(root=root)
    if output.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        for title, rows in (("tree", tree), ("roster", roster)):
            ws = wb.create_sheet(title)
            for row in rows:
                ws.append(row)
        wb.save(output)
    else:
        output.mkdir(parents=True, exist_ok=True)
        for title, rows in (("tree", tree), ("roster", roster)):
            with open(output / f"{title}.csv", "w", newline="", encoding="utf-8") as f:
                csv.writer(f).writerows(rows)
    click.echo(f"exported {len(tree) - 1} nodes and {len(roster) - 1} members to {output}")


commands = [org]
