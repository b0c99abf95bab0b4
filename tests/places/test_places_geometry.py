"""Boundaries are validated and stored all-or-nothing; a point finds its unit (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import json
import random
import zipfile

import pytest
import shapely
from shapely.geometry import shape

from yizuyihui.places.cast import cast_features, square
from yizuyihui.places.demo import natural_village_polygon, urban_polygons, village_cells
from yizuyihui.places.geometry import PlaceError, parse_polygon, unit_at, unit_index
from yizuyihui.places.models import Boundary
from yizuyihui.places.services import GeoImportRejected, boundaries_export, boundaries_import, read_features


def test_it_finds_the_unit_that_contains_a_point(mapped):
    assert unit_at(lat=30.655, long=117.485) == mapped.unit_a
    assert unit_at(lat=30.655, long=117.495) == mapped.unit_b
    assert unit_at(lat=30.665, long=117.485) == mapped.unit_d
    assert unit_index().locate(lat=30.655, long=117.485).exact


def test_a_point_in_the_fields_next_to_a_natural_village_snaps_to_it(mapped):
    located = unit_index().locate(lat=30.6525, long=117.5260)  # ~100 m east of unit C
    assert located.node_id == mapped.unit_c.node_id and not located.exact


@pytest.mark.parametrize(("lat", "long", "reason"), [
    (31.5, 118.8, "outside the city"),  # Nanjing: in China, far from every unit
    (117.485, 30.655, "swapped"),
    (48.85, 2.35, "outside China"),
    (3_400_000.0, 500_000.0, "projected"),
])
def test_points_that_cannot_be_stored_are_refused_with_the_reason(mapped, lat, long, reason):
    with pytest.raises(PlaceError, match=reason):
        unit_at(lat=lat, long=long)


def test_an_import_with_one_bad_polygon_writes_nothing_and_names_every_bad_feature(cast):
    features = cast_features(cast)
    bow_tie = {"type": "Polygon", "coordinates": [[[117.48, 30.65], [117.49, 30.66], [117.49, 30.65],
                                                    [117.48, 30.66], [117.48, 30.65]]]}
    features[1]["geometry"] = bow_tie
    features[2]["geometry"] = {"type": "Polygon", "coordinates": [[[30.65, 117.52], [30.65, 117.53], [30.66, 117.53],
                                                                   [30.65, 117.52]]]}
    features[3]["geometry"] = {"type": "Polygon", "coordinates": [[[117.48, "x"]]]}
    features.append({"type": "Feature", "properties": {"code": "NO-SUCH"}, "geometry": square(117.7, 30.7)})
    with pytest.raises(GeoImportRejected) as exc:
        boundaries_import(features=features)
    errors = {e.feature: e.message for e in exc.value.errors}
    assert set(errors) == {2, 3, 4, 6}
    assert "Self-intersection" in errors[2] and "swapped" in errors[3] and "Malformed" in errors[4]
    assert not Boundary.objects.exists()


def test_a_reimport_replaces_boundaries_and_the_index_follows(mapped):
    assert unit_at(lat=30.655, long=117.485) == mapped.unit_a
    moved = [{"type": "Feature", "properties": {"code": mapped.unit_a.node.code}, "geometry": square(117.70, 30.70)}]
    boundaries_import(features=moved)
    assert Boundary.objects.count() == 5
    assert unit_at(lat=30.705, long=117.705) == mapped.unit_a
    assert unit_index().locate(lat=30.655, long=117.485).node_id != mapped.unit_a.node_id


def test_geojson_export_reimports_unchanged(mapped):
    data = boundaries_export()
    assert len(data["features"]) == 5
    before = {b.node_id: shapely.normalize(shape(b.geometry)).wkt for b in Boundary.objects.all()}
    boundaries_import(features=read_features(name="x.geojson", content=json.dumps(data).encode()))
    assert {b.node_id: shapely.normalize(shape(b.geometry)).wkt for b in Boundary.objects.all()} == before


def _zipped_shapefile(features, prj: str | None) -> bytes:
    import shapefile

    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON, encoding="utf-8") as w:
        w.field("code", "C", size=40)
        for f in features:
            w.poly(f["geometry"]["coordinates"])
            w.record(f["properties"]["code"])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, buf in (("grids.shp", shp), ("grids.shx", shx), ("grids.dbf", dbf)):
            zf.writestr(name, buf.getvalue())
        if prj:
            zf.writestr("grids.prj", prj)
    return out.getvalue()


def test_a_zipped_shapefile_in_degrees_imports_and_a_projected_one_is_refused(cast):
    wgs84 = 'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137,298.257223563]]]'
    content = _zipped_shapefile(cast_features(cast), wgs84)
    assert boundaries_import(features=read_features(name="grids.zip", content=content)) == {"boundaries": 5}
    assert unit_at(lat=30.655, long=117.495) == cast.unit_b
    projected = 'PROJCS["CGCS2000_3_Degree_GK_CM_117E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000"]]'
    with pytest.raises(GeoImportRejected, match="projected"):
        read_features(name="grids.zip", content=_zipped_shapefile(cast_features(cast), projected))


def test_parse_polygon_refuses_a_point_and_an_empty_polygon():
    with pytest.raises(PlaceError):
        parse_polygon({"type": "Point", "coordinates": [117.5, 30.6]})
    with pytest.raises(PlaceError):
        parse_polygon({"type": "Polygon", "coordinates": []})


def test_the_demo_grids_are_contiguous_without_overlaps_and_the_villages_are_valid():
    rng = random.Random(7)
    grids = [parse_polygon(p) for p in urban_polygons(776, rng)]
    union = shapely.union_all(grids)
    assert union.geom_type == "Polygon"  # one town, no holes between grids' shared edges
    assert abs(union.area - sum(g.area for g in grids)) < 1e-12  # no overlaps
    cells = village_cells(913)
    assert len(set(cells)) == 913
    for x, y in cells[:50]:
        parse_polygon(natural_village_polygon(x + 0.8, y + 0.8, rng))
