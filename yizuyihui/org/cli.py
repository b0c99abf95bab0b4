"""`yzyh org import|export`: a real city's tree and rosters from/to CSV or XLSX."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import click

from yizuyihui.core.cli import setup_django


@click.group()
def org() -> None:
    """Organisation tree and unit rosters."""


XLSX_MAX_ROWS = 1_048_576


@org.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_cmd(files: tuple[Path, ...]) -> None:
    """Import tree, roster, household and resident files (CSV or XLSX, Chinese or English headers).
    Every row of every file is checked first; any bad row rejects everything and is listed."""
    setup_django()
    from django.utils.translation import gettext as _

    from yizuyihui.org.imports import ImportRejected, import_files

    started = time.monotonic()
    try:
        report = import_files(files=[(path.name, path.read_bytes()) for path in files])
    except ImportRejected as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        raise click.ClickException(
            _("rejected: %(n)d bad row(s); nothing was imported") % {"n": len(exc.errors)}) from None
    click.echo(_("imported %(nodes)d nodes, %(members)d seats, %(households)d households and %(persons)d persons "
                 "in %(seconds).0f s") % {**report, "seconds": time.monotonic() - started})


@org.command("export")
@click.option("--output", required=True, type=click.Path(path_type=Path),
              help="an .xlsx file (sheets tree, roster, households, residents) or a folder for tree.csv, roster.csv, "
                   "households.csv and residents.csv")
@click.option("--under", default=None, help="code of the node to export (default: everything)")
def export_cmd(output: Path, under: str | None) -> None:
    """Export the tree, rosters, households and residents in the import format (Chinese headers)."""
    setup_django()
    from yizuyihui.org.imports import export_tables
    from yizuyihui.org.models import OrgNode

    root = None
    if under:
        root = OrgNode.objects.filter(code=under).first()
        if root is None:
            raise click.ClickException(f"no node with code {under}")
    tables = export_tables(root=root)
    if output.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        too_long = [title for title, rows in tables.items() if len(rows) > XLSX_MAX_ROWS]
        if too_long:
            raise click.ClickException(f"{', '.join(too_long)}: more rows than an XLSX sheet holds; export to a folder (CSV)")
        wb = Workbook(write_only=True)
        for title, rows in tables.items():
            ws = wb.create_sheet(title)
            for row in rows:
                ws.append(row)
        wb.save(output)
    else:
        output.mkdir(parents=True, exist_ok=True)
        for title, rows in tables.items():
            with open(output / f"{title}.csv", "w", newline="", encoding="utf-8") as f:
                csv.writer(f).writerows(rows)
    counts = {title: len(rows) - 1 for title, rows in tables.items()}
    click.echo(f"exported {counts['tree']} nodes, {counts['roster']} seats, {counts['households']} households and "
               f"{counts['residents']} persons to {output}")


commands = [org]
