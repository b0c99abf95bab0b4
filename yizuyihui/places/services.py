"""Writes to the geography: boundaries (import, all or nothing), household points, matter points."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass

import shapely
from django.db import transaction
from django.utils.translation import gettext as _

from yizuyihui.org.models import OrgNode
from yizuyihui.places.geometry import PlaceError, clear_cache, geometry_json, parse_polygon, unit_index
from yizuyihui.places.models import Boundary, HouseholdPoint


@dataclass
class FeatureError:
    feature: int  # 1-based position in the file (the record number of a Shapefile)
    code: str
    message: str

    def __str__(self) -> str:
        return f"feature {self.feature} ({self.code or '?'}): {self.message}"


class GeoImportRejected(Exception):
    def __init__(self, errors: list[FeatureError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


CODE_KEYS = ("code", "CODE", "unit_code", "grid_code", "网格编码", "编码")


def read_features(*, name: str, content: bytes) -> list[dict]:
    """GeoJSON (FeatureCollection) or a zipped Shapefile (.shp/.shx/.dbf, optional .prj) → features."""
    if name.lower().endswith(".zip"):
        return _read_shapefile_zip(content)
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GeoImportRejected([FeatureError(0, "", _("Not a GeoJSON file: %(error)s") % {"error": exc})]) from None
    if isinstance(data, dict) and data.get("type") == "FeatureCollection" and isinstance(data.get("features"), list):
        return data["features"]
    if isinstance(data, dict) and data.get("type") == "Feature":
        return [data]
    raise GeoImportRejected([FeatureError(0, "", _("A GeoJSON FeatureCollection was expected"))])


def _read_shapefile_zip(content: bytes) -> list[dict]:
    import shapefile  # pyshp, pure Python

    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        names = {n.lower().rsplit(".", 1)[-1]: n for n in zf.namelist() if "." in n}
        if not {"shp", "shx", "dbf"} <= set(names):
            raise GeoImportRejected([FeatureError(0, "", _("The zip must hold .shp, .shx and .dbf files"))])
        prj = zf.read(names["prj"]).decode("latin-1") if "prj" in names else ""
        if prj and not prj.upper().startswith("GEOGCS"):
            # A projected CRS (Gauss–Krüger, UTM …): its metres would need pyproj to convert.
            raise GeoImportRejected([FeatureError(0, "", _("The Shapefile is projected (%(crs)s); export it in "
                                                           "WGS-84 or CGCS2000 degrees") % {"crs": prj[:60]})])
        reader = shapefile.Reader(shp=io.BytesIO(zf.read(names["shp"])), shx=io.BytesIO(zf.read(names["shx"])),
                                  dbf=io.BytesIO(zf.read(names["dbf"])), encoding="utf-8", encodingErrors="replace")
        fields = [f[0] for f in reader.fields[1:]]
        features = []
        for sr in reader.iterShapeRecords():
            features.append({"type": "Feature", "properties": dict(zip(fields, list(sr.record), strict=False)),
                             "geometry": sr.shape.__geo_interface__ if sr.shape.shapeType else None})
        return features


def _feature_code(feature: dict) -> str:
    props = feature.get("properties") or {}
    for key in CODE_KEYS:
        if props.get(key) not in (None, ""):
            return str(props[key]).strip()
    return ""


def boundaries_import(*, features: list[dict], source: str = "") -> dict[str, int]:
    """Store each feature's polygon as the boundary of the node whose code it carries. Every
    feature is checked first (known code, valid polygon in China, no two features for one node);
    one bad feature rejects the whole file and nothing is written. Re-importing replaces."""
    errors: list[FeatureError] = []
    codes = [_feature_code(f) if isinstance(f, dict) else "" for f in features]
    nodes = {n.code: n for n in OrgNode.objects.filter(code__in=[c for c in codes if c]).only("pk", "code", "level")}
    seen: dict[str, int] = {}
    parsed: list[tuple[OrgNode, shapely.Geometry]] = []
    for i, (feature, code) in enumerate(zip(features, codes, strict=True), start=1):
        if not code:
            errors.append(FeatureError(i, "", _("No code property (one of %(keys)s)") % {"keys": ", ".join(CODE_KEYS[:3])}))
            continue
        node = nodes.get(code)
        if node is None:
            errors.append(FeatureError(i, code, _("No organisation node has this code")))
            continue
        if code in seen:
            errors.append(FeatureError(i, code, _("Same code as feature %(n)s") % {"n": seen[code]}))
            continue
        seen[code] = i
        try:
            parsed.append((node, parse_polygon(feature.get("geometry"))))
        except PlaceError as exc:
            errors.append(FeatureError(i, code, str(exc)))
    if errors:
        raise GeoImportRejected(errors)
    rows = []
    for node, geom in parsed:
        x0, y0, x1, y1 = geom.bounds
        label = shapely.point_on_surface(geom)
        rows.append(Boundary(node=node, geometry=geometry_json(geom), min_lon=x0, min_lat=y0, max_lon=x1, max_lat=y1,
                             label_lon=label.x, label_lat=label.y, source=source[:100]))
    with transaction.atomic():
        Boundary.objects.filter(node__in=[n for n, _g in parsed]).delete()
        Boundary.objects.bulk_create(rows, batch_size=500)
        clear_cache()  # this process sees the new boundaries at once (inside the transaction too)
        transaction.on_commit(clear_cache)
    return {"boundaries": len(rows)}


def boundaries_export(*, under: OrgNode | None = None) -> dict:
    qs = Boundary.objects.select_related("node").order_by("node__path")
    if under is not None:
        qs = qs.filter(node__path__startswith=under.path)
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": b.node.code, "name": b.node.name, "level": b.node.level},
         "geometry": b.geometry} for b in qs.iterator(chunk_size=1000)]}


def household_locate(*, household, lat: float, long: float) -> HouseholdPoint:
    """Pin a household: the point must fall in (or next to) the household's own unit."""
    located = unit_index().locate(lat=lat, long=long)
    if located.node_id != household.unit.node_id:
        raise PlaceError(_("The point is not in the household's unit"))
    point, _created = HouseholdPoint.objects.update_or_create(household=household, defaults={"lat": lat, "long": long})
    return point
