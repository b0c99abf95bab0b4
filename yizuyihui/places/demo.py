"""A synthetic but plausible geography for the demo city B市, in WGS-84 degrees.

Urban grids are quadrilaterals of a jittered lattice (neighbours share their vertices, so the
grids are contiguous with no gaps or overlaps), laid out along a Hilbert curve so that the grids of
one community, the communities of one street and the streets of one district each form a compact
patch. Around the town, each administrative village takes a 1.6 km cell of a coarser lattice
(again in Hilbert order, so a township's villages are neighbours), and its natural villages are
small irregular polygons clustered inside it, with fields between them.

Tile providers in China (高德, 腾讯) draw in GCJ-02, offset by up to ~500 m from WGS-84; 天地图
draws in CGCS2000 (= WGS-84 at this scale). The data stay WGS-84; see docs/architecture.md.
"""

from __future__ import annotations

import math
import random

import numpy as np
import shapely
from django.db import connection, transaction

from yizuyihui.cases.models import Case
from yizuyihui.core.bulk import fast_insert
from yizuyihui.org.models import Level, Unit
from yizuyihui.people.models import Household
from yizuyihui.places.models import Boundary, HouseholdPoint
from yizuyihui.places.services import boundaries_import

# A plausible city centre on the Yangtze in Anhui (the demo's counties carry Anhui names).
CENTRE_LON, CENTRE_LAT = 117.49, 30.66
KM_LAT = 1 / 111.32
KM_LON = 1 / (111.32 * math.cos(math.radians(CENTRE_LAT)))
URBAN_CELL_KM = 0.35
VILLAGE_CELL_KM = 1.6
SIDE = 32  # both lattices are 32 × 32 (a Hilbert curve needs a power of two)


def hilbert_xy(n: int, d: int) -> tuple[int, int]:
    """Position of step `d` along the Hilbert curve filling an n × n square (n a power of two)."""
    x = y = 0
    s, t = 1, d
    while s < n:
        rx = 1 & (t // 2)
        ry = 1 & (t ^ rx)
        if ry == 0:
            if rx == 1:
                x, y = s - 1 - x, s - 1 - y
            x, y = y, x
        x += s * rx
        y += s * ry
        t //= 4
        s *= 2
    return x, y


def _lonlat(x_km: float, y_km: float) -> tuple[float, float]:
    return CENTRE_LON + x_km * KM_LON, CENTRE_LAT + y_km * KM_LAT


def urban_polygons(count: int, rng: random.Random) -> list[dict]:
    half = SIDE * URBAN_CELL_KM / 2
    jitter = {(i, j): (rng.uniform(-0.22, 0.22), rng.uniform(-0.22, 0.22)) if 0 < i < SIDE and 0 < j < SIDE else (0, 0)
              for i in range(SIDE + 1) for j in range(SIDE + 1)}

    def vertex(i: int, j: int) -> tuple[float, float]:
        dx, dy = jitter[(i, j)]
        return _lonlat((i + dx) * URBAN_CELL_KM - half, (j + dy) * URBAN_CELL_KM - half)

    out = []
    for d in range(count):
        i, j = hilbert_xy(SIDE, d)
        ring = [vertex(i, j), vertex(i + 1, j), vertex(i + 1, j + 1), vertex(i, j + 1)]
        out.append({"type": "Polygon", "coordinates": [[list(p) for p in ring + ring[:1]]]})
    return out


def village_cells(count: int) -> list[tuple[float, float]]:
    """South-west corners (km from the centre) of `count` village cells around the town."""
    half = SIDE * VILLAGE_CELL_KM / 2
    town = SIDE * URBAN_CELL_KM / 2 + VILLAGE_CELL_KM  # keep a ring of fields round the town
    cells = []
    for d in range(SIDE * SIDE):
        i, j = hilbert_xy(SIDE, d)
        x, y = i * VILLAGE_CELL_KM - half, j * VILLAGE_CELL_KM - half
        if -town <= x + VILLAGE_CELL_KM and x <= town and -town <= y + VILLAGE_CELL_KM and y <= town:
            continue
        cells.append((x, y))
        if len(cells) == count:
            return cells
    raise ValueError("the village lattice is too small")


def natural_village_polygon(cx_km: float, cy_km: float, rng: random.Random) -> dict:
    """An irregular heptagon of ~150–230 m radius: a hamlet's houses and yards."""
    angles = [2 * math.pi * k / 7 + rng.uniform(-0.3, 0.3) for k in range(7)]  # ordered: a simple ring
    ring = [_lonlat(cx_km + r * math.cos(a), cy_km + r * math.sin(a))
            for a in angles for r in [rng.uniform(0.15, 0.23)]]
    return {"type": "Polygon", "coordinates": [[list(p) for p in ring + ring[:1]]]}


def build_geography(*, seed: int = 2022) -> int:
    """Boundaries for every unit of the demo city and a point for every household. Called by the
    demo generator after the tree and the residents exist."""
    rng = random.Random(seed + 16)
    units = list(Unit.objects.select_related("node").order_by("node__path").only("pk", "node__code", "node__path",
                                                                                   "node__level", "node__depth"))
    grids = [u for u in units if u.node.level == Level.GRID]
    features = [{"type": "Feature", "properties": {"code": u.node.code}, "geometry": g}
                for u, g in zip(grids, urban_polygons(len(grids), rng), strict=True)]
    by_village: dict[str, list[Unit]] = {}
    for u in units:
        if u.node.level == Level.NATURAL_VILLAGE:
            by_village.setdefault(u.node.path[: -u.node.steplen], []).append(u)
    for (x, y), members in zip(village_cells(len(by_village)), by_village.values(), strict=True):
        slots = rng.sample(range(9), len(members)) if len(members) <= 9 else list(range(len(members)))
        sub = VILLAGE_CELL_KM / 3
        for u, slot in zip(members, slots, strict=True):
            cx = x + (slot % 3 + 0.5) * sub + rng.uniform(-0.05, 0.05)
            cy = y + (slot // 3 % 3 + 0.5) * sub + rng.uniform(-0.05, 0.05)
            features.append({"type": "Feature", "properties": {"code": u.node.code},
                             "geometry": natural_village_polygon(cx, cy, rng)})
    boundaries_import(features=features, source="demo")
    return len(features) + pin_households(seed=seed)


def _random_points(geom, n: int, rng: np.random.Generator) -> np.ndarray:
    """`n` points inside `geom` by rejection sampling in its bounding box (vectorised)."""
    x0, y0, x1, y1 = geom.bounds
    out = np.empty((0, 2))
    while len(out) < n:
        cand = np.column_stack([rng.uniform(x0, x1, n * 2), rng.uniform(y0, y1, n * 2)])
        out = np.vstack([out, cand[shapely.contains_xy(geom, cand[:, 0], cand[:, 1])]])
    return out[:n]


def _unit_shapes() -> dict[int, shapely.Geometry]:
    return {unit_id: shapely.geometry.shape(g) for unit_id, g in
            Boundary.objects.filter(node__unit__isnull=False).values_list("node__unit", "geometry")}


def pin_households(*, seed: int = 2022) -> int:
    shapes = _unit_shapes()
    rng = np.random.default_rng(seed)
    by_unit: dict[int, list[int]] = {}
    for pk, unit_id in (Household.objects.filter(point__isnull=True).values_list("pk", "unit_id").iterator(chunk_size=20000)):
        by_unit.setdefault(unit_id, []).append(pk)

    def rows():
        for unit_id, pks in by_unit.items():
            if unit_id in shapes:
                pts = _random_points(shapes[unit_id], len(pks), rng)
                for pk, (lon, lat) in zip(pks, pts, strict=True):
                    yield pk, round(float(lat), 6), round(float(lon), 6)

    return fast_insert(HouseholdPoint, ("household", "lat", "long"), rows())


def generate(*, seed: int, progress) -> dict[str, int]:
    """After the cases app's demo: pin each demo matter at a point inside its unit, as the phone's
    location would (demo matters are filed through the services, which know no geography)."""
    shapes = _unit_shapes()
    if not shapes:
        return {"pinned": 0}
    rng = np.random.default_rng(seed + 1)
    by_unit: dict[int, list[int]] = {}
    for pk, unit_id in Case.objects.filter(lat__isnull=True).values_list("pk", "unit_id").iterator(chunk_size=20000):
        by_unit.setdefault(unit_id, []).append(pk)
    rows = []
    for unit_id, pks in by_unit.items():
        if unit_id in shapes:
            for pk, (lon, lat) in zip(pks, _random_points(shapes[unit_id], len(pks), rng), strict=True):
                rows.append((round(float(lat), 6), round(float(lon), 6), pk))
    table = connection.ops.quote_name(Case._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET lat=%s, long=%s WHERE id=%s", rows)
    progress("map pins", len(rows))
    return {"pinned": len(rows)}

