"""Boundaries for the test cast (yizuyihui.demo.cast): squares near (117.49 E, 30.66 N).
Units A and B share an edge, D lies north of A, C and E are small natural villages farther out."""

from __future__ import annotations

SQUARES = {"unit_a": (117.48, 30.65, 0.01), "unit_b": (117.49, 30.65, 0.01), "unit_c": (117.52, 30.65, 0.005),
           "unit_d": (117.48, 30.66, 0.01), "unit_e": (117.60, 30.70, 0.005)}


def square(lon: float, lat: float, size: float = 0.01) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def cast_features(cast) -> list[dict]:
    return [{"type": "Feature", "properties": {"code": getattr(cast, k).node.code}, "geometry": square(*v)}
            for k, v in SQUARES.items()]
