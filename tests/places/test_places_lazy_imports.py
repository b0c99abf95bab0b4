"""shapely and numpy are loaded when a point or polygon is handled, not when a web worker starts
(issue 17: tens of MB per worker that an API filing never uses)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap


def test_a_web_worker_starts_without_shapely_and_numpy(tmp_path):
    code = textwrap.dedent("""
        import sys
        import yizuyihui.wsgi
        from django.urls import resolve
        resolve("/api/cases/")
        import yizuyihui.cases.open311, yizuyihui.cases.views, yizuyihui.places.views, yizuyihui.places.geometry
        print(sorted(m for m in ("numpy", "shapely") if m in sys.modules))
        from yizuyihui.places.geometry import PlaceError, parse_polygon
        try:
            parse_polygon({"type": "Polygon", "coordinates": [[[116.0, 39.0], [116.1, 39.0], [116.0, 39.0]]]})
        except PlaceError:
            pass
        print(sorted(m for m in ("numpy", "shapely") if m in sys.modules))
    """)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DJANGO_SETTINGS_MODULE="yizuyihui.settings", YZYH_DATA_DIR=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120,
                         cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:2] == ["[]", "['numpy', 'shapely']"]
