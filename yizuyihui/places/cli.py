"""`yzyh org geo import|export` (unit boundaries) and `yzyh bench geo` (point → unit throughput)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from yizuyihui.core.cli import setup_django
from yizuyihui.org.cli import org


@org.group("geo")
def geo() -> None:
    """Boundaries of grids and natural villages (GeoJSON, zipped Shapefile), WGS-84."""


@geo.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def geo_import(path: Path) -> None:
    """Import boundaries from a GeoJSON FeatureCollection or a zipped Shapefile; features carry
    the node's `code`. Any bad feature rejects the whole file."""
    setup_django()
    from yizuyihui.places.services import GeoImportRejected, boundaries_import, read_features

    try:
        report = boundaries_import(features=read_features(name=path.name, content=path.read_bytes()), source=path.name)
    except GeoImportRejected as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        raise click.ClickException(f"rejected: {len(exc.errors)} bad feature(s); nothing was imported") from None
    click.echo(f"imported {report['boundaries']} boundaries")


@geo.command("export")
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--under", default=None, help="code of the node to export (default: everything)")
def geo_export(output: Path, under: str | None) -> None:
    """Export boundaries as GeoJSON (the import format)."""
    setup_django()
    from yizuyihui.org.models import OrgNode
    from yizuyihui.places.services import boundaries_export

    data = boundaries_export(under=OrgNode.objects.get(code=under) if under else None)
    output.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    click.echo(f"exported {len(data['features'])} boundaries to {output}")
