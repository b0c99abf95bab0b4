"""Geometry with shapely 2 (GEOS): validating boundaries and finding the unit under a point.

Why not GeoDjango here: SpatiaLite needs a Python whose sqlite3 may load extensions (the pyenv
builds on our machines can't) plus Debian packages on every machine that runs the tests; shapely
ships GEOS in its wheel, runs the same code on SQLite and PostgreSQL, and an in-memory STRtree
over the city's 4,915 unit polygons answers a point in microseconds — faster than one spatial
query per point on PostGIS (GOTCHAS: ~990/s). See docs/architecture.md, "Places and maps".
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Max
from django.utils.translation import gettext as _

from yizuyihui.org.models import UNIT_LEVELS, Unit
from yizuyihui.places.models import Boundary

if TYPE_CHECKING:
    import numpy as np
    import shapely

# shapely and numpy are imported where they are used, not at start-up: every page and API module
# imports this one (Open311, the filing form), and the two cost each web worker ~1 s and tens of MB
# before it has located a single point (issue 17). A worker that never sees a point never loads them.

# Mainland China and its islands, in degrees: a coordinate pair outside this box is either from
# another country, projected (metres), or latitude and longitude swapped.
CHINA_LON = (73.0, 136.0)
CHINA_LAT = (3.0, 54.0)
# A point in the fields between natural villages belongs to the nearest unit within this distance;
# farther than this from every unit it is "outside the city".
SNAP_METRES = 1500.0
METRES_PER_DEGREE = 111_320.0


class PlaceError(ValueError):
    """A point or a polygon that must not be stored; the message says why, for the user."""


def _in_china(lon: float, lat: float) -> bool:
    return CHINA_LON[0] <= lon <= CHINA_LON[1] and CHINA_LAT[0] <= lat <= CHINA_LAT[1]


def check_coordinates(*, lat: float, long: float) -> None:
    """Refuse what cannot be a place in China, saying why (swapped is the common mistake)."""
    if not (math.isfinite(lat) and math.isfinite(long)):
        raise PlaceError(_("The coordinates are not numbers"))
    if _in_china(long, lat):
        return
    if _in_china(lat, long):
        raise PlaceError(_("Latitude and longitude look swapped (%(lat)s, %(long)s)") % {"lat": lat, "long": long})
    if abs(lat) > 90 or abs(long) > 180:
        raise PlaceError(_("Coordinates must be WGS-84 degrees, not projected metres"))
    raise PlaceError(_("The point (%(lat)s, %(long)s) is outside China") % {"lat": lat, "long": long})


def parse_polygon(geometry) -> shapely.Geometry:
    """A GeoJSON Polygon/MultiPolygon → a valid shapely geometry, or PlaceError with the reason.
    Invalid polygons are refused, not repaired: make_valid would silently change a city's
    boundary (a bow-tie becomes two triangles) and the 网格化 system that exported it keeps the error."""
    import numpy as np
    import shapely
    from shapely.geometry import shape
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise PlaceError(_("The geometry must be a GeoJSON Polygon or MultiPolygon"))
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, IndexError, KeyError, AttributeError, shapely.errors.GEOSException) as exc:
        raise PlaceError(_("Malformed polygon: %(error)s") % {"error": str(exc)[:120]}) from None
    if geom.is_empty:
        raise PlaceError(_("The polygon is empty"))
    coords = shapely.get_coordinates(geom)
    if not np.isfinite(coords).all():
        raise PlaceError(_("The polygon has coordinates that are not numbers"))
    lon_ok = (coords[:, 0] >= CHINA_LON[0]) & (coords[:, 0] <= CHINA_LON[1])
    lat_ok = (coords[:, 1] >= CHINA_LAT[0]) & (coords[:, 1] <= CHINA_LAT[1])
    if not (lon_ok & lat_ok).all():
        swapped = ((coords[:, 1] >= CHINA_LON[0]) & (coords[:, 1] <= CHINA_LON[1])
                   & (coords[:, 0] >= CHINA_LAT[0]) & (coords[:, 0] <= CHINA_LAT[1]))
        if swapped.all():
            raise PlaceError(_("Latitude and longitude look swapped: GeoJSON puts longitude first"))
        if (np.abs(coords) > 180).any():
            raise PlaceError(_("Coordinates must be WGS-84 degrees, not projected metres"))
        raise PlaceError(_("The polygon lies (partly) outside China"))
    if not shapely.is_valid(geom):
        raise PlaceError(_("Invalid polygon: %(reason)s") % {"reason": shapely.is_valid_reason(geom)})
    if geom.area <= 0:
        raise PlaceError(_("The polygon has no area"))
    return geom


def geometry_json(geom: shapely.Geometry, *, precision: int = 6) -> dict:
    """GeoJSON of `geom` with coordinates rounded to ~0.1 m (6 decimals of a degree)."""
    import shapely
    from shapely.geometry import mapping
    return mapping(shapely.set_precision(geom, 10 ** -precision) if precision else geom)


@dataclass
class Located:
    node_id: int
    exact: bool  # inside the polygon (False: snapped to the nearest unit within SNAP_METRES)


class UnitIndex:
    """An STRtree over the unit polygons: point → unit by containment, nearest within SNAP_METRES
    for points between units, and "outside the city" beyond."""

    def __init__(self, node_ids: list[int], geoms: list[shapely.Geometry]):
        import numpy as np
        import shapely
        from shapely.strtree import STRtree

        self.node_ids = np.asarray(node_ids, dtype=np.int64)
        self.geoms = np.asarray(geoms, dtype=object)
        for g in self.geoms:
            shapely.prepare(g)
        self.tree = STRtree(self.geoms)
        self.bounds = shapely.total_bounds(self.geoms) if len(geoms) else None

    def __len__(self) -> int:
        return len(self.node_ids)

    def locate(self, *, lat: float, long: float) -> Located:
        check_coordinates(lat=lat, long=long)
        if not len(self):
            raise PlaceError(_("No unit boundaries have been imported"))
        import shapely

        point = shapely.Point(long, lat)
        hits = self.tree.query(point, predicate="within")
        if len(hits):
            # Adjacent grids share edges: a point on the edge is in both; take the lowest index.
            return Located(int(self.node_ids[hits.min()]), True)
        snap = SNAP_METRES / METRES_PER_DEGREE
        near = self.tree.query_nearest(point, max_distance=snap)
        if len(near):
            return Located(int(self.node_ids[near.min()]), False)
        raise PlaceError(_("The point (%(lat)s, %(long)s) is outside the city") % {"lat": lat, "long": long})

    def locate_many(self, lats, longs) -> np.ndarray:
        """Node ids for many points at once (0 where no unit contains the point): for imports and
        benchmarks, one vectorised STRtree query instead of a Python loop."""
        import numpy as np
        import shapely

        points = shapely.points(np.asarray(longs, dtype=float), np.asarray(lats, dtype=float))
        out = np.zeros(len(points), dtype=np.int64)
        if not len(self):
            return out
        point_idx, geom_idx = self.tree.query(points, predicate="within")
        # Reverse so that, for a point on a shared edge, the lowest polygon index wins (as in locate).
        out[point_idx[::-1]] = self.node_ids[geom_idx[::-1]]
        return out


_lock = threading.Lock()
_cache: dict[str, tuple[tuple, UnitIndex, float]] = {}
# Another process's import reaches this one within FRESH_SECONDS; this process's own imports clear
# the cache at once (services.boundaries_import). Checking on every lookup cost 36 ms on PostgreSQL.
FRESH_SECONDS = 5.0


def unit_index() -> UnitIndex:
    """The process's index of unit boundaries, rebuilt when the boundaries change (checked at
    most every FRESH_SECONDS with one aggregate over the boundary table)."""
    cached = _cache.get("units")
    now = time.monotonic()
    if cached is not None and now - cached[2] < FRESH_SECONDS:
        return cached[1]
    version = tuple(Boundary.objects.aggregate(n=Count("pk"), top=Max("pk"), last=Max("updated_at")).values())
    if cached is not None and cached[0] == version:
        _cache["units"] = (version, cached[1], now)
        return cached[1]
    with _lock:
        from shapely.geometry import shape

        rows = list(Boundary.objects.filter(node__level__in=UNIT_LEVELS).order_by("node_id")
                    .values_list("node_id", "geometry"))
        index = UnitIndex([r[0] for r in rows], [shape(r[1]) for r in rows])
        _cache["units"] = (version, index, now)
        return index


def clear_cache() -> None:
    _cache.clear()


def unit_index_version() -> tuple:
    """What changes whenever the boundaries do (for caches built from them)."""
    unit_index()
    return _cache["units"][0]


def unit_at(*, lat: float, long: float):
    """The unit under a point, None when the city has no unit boundaries yet (callers then fall
    back to what they did before: the resident's or the key holder's unit). PlaceError for a point
    that cannot be stored: swapped, projected, outside China or outside the city."""
    index = unit_index()
    if not len(index):
        check_coordinates(lat=lat, long=long)
        return None
    return Unit.objects.select_related("node").get(node_id=index.locate(lat=lat, long=long).node_id)


def form_point(data) -> tuple[float | None, float | None]:
    """(lat, long) from a form's `lat`/`long` fields: both empty → (None, None); otherwise they
    must parse and fall inside the city (PlaceError says why not)."""
    raw_lat, raw_long = (data.get("lat") or "").strip(), (data.get("long") or "").strip()
    if not raw_lat and not raw_long:
        return None, None
    try:
        lat, long = float(raw_lat), float(raw_long)
    except ValueError:
        raise PlaceError(_("The coordinates are not numbers")) from None
    unit_at(lat=lat, long=long)
    return lat, long
