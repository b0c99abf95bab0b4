"""`yzyh people import FILE` (a street's household register) and `yzyh bench import`."""

from __future__ import annotations

import time
from pathlib import Path

import click

from yizuyihui.core.cli import setup_django


@click.group()
def people() -> None:
    """Households and residents."""


def _count_rows(path: Path) -> int | None:
    if path.suffix.lower() != ".csv":
        return None
    with open(path, "rb") as f:
        return max(0, sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 20), b"")) - 1)


def default_sealers() -> int:
    """Processes sealing numbers beside the importing one: one when there is a core to spare."""
    import os

    return 1 if (os.cpu_count() or 1) > 1 else 0


def run_import(path: Path, *, label: str = "", timings: dict[str, float] | None = None,
               sealers: int | None = None) -> dict[str, int]:
    """Import one file with a progress bar; prints the bad rows and exits non-zero on rejection.
    `timings` receives the seconds per phase and `sealers` is passed on (residents_import)."""
    from django.utils.translation import gettext as _

    from yizuyihui.org.imports import ImportRejected
    from yizuyihui.people.imports import residents_import

    with open(path, "rb") as stream, click.progressbar(length=_count_rows(path), label=label or path.name,
                                                        show_pos=True, show_eta=True, file=click.get_text_stream("stderr")) as bar:
        try:
            report = residents_import(name=path.name, stream=stream, progress=bar.update, timings=timings,
                                      sealers=default_sealers() if sealers is None else sealers)
        except ImportRejected as exc:
            for error in exc.errors:
                click.echo(str(error), err=True)
            raise click.ClickException(_("rejected: %(n)d bad row(s); nothing was imported") % {"n": len(exc.errors)}) from None
    return report.as_dict()


@people.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--sealers", type=click.IntRange(0, 64), default=None,
              help="processes encrypting ID and phone numbers beside the import (default: 1 if there are 2+ cores)")
def import_cmd(path: Path, sealers: int | None) -> None:
    """Import households and residents (CSV or XLSX; 户号, 地址, 网格代码, 姓名, 身份证号, 手机号, 户类别, 与户主关系, …).
    Any bad row rejects the whole file and is listed with its line number; re-importing updates by ID number."""
    setup_django()
    started = time.monotonic()
    report = run_import(path, sealers=sealers)
    click.echo("{rows} rows: {persons_created} residents added, {persons_updated} updated; {households_created} households "
               "added, {households_updated} updated in {s:.1f} s".format(**report, s=time.monotonic() - started))


commands = [people]
