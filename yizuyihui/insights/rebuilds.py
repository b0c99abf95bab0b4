"""Every rollup's rebuild from history, in one place: what `yzyh insights rebuild` runs and what the
scale bench's builder calls after its COPY. The matters' rollups (rollups.py) and the panels'
(panel_rollups.py) do not know each other; this module lists both, then any rebuild another app
registers."""

from __future__ import annotations

import inspect
import time

from yizuyihui.insights import freshness
from yizuyihui.insights.panel_rollups import all_rebuilds
from yizuyihui.insights.rollups import rebuild

REBUILDS: list = []  # further rebuilds (other panels' rollups): callables taking progress=, see rebuild_all


def register_rebuild(fn):
    """Register another rollup's rebuild (e.g. the visits or meetings panels; call it from the app's
    AppConfig.ready): `rebuild_all` (the `yzyh insights rebuild` command and `yzyh bench scale`
    after a bulk build) calls it after the matters' rollups, with `progress=` if it takes one.
    Usable as a decorator; registering twice is harmless."""
    if fn not in REBUILDS:
        REBUILDS.append(fn)
    return fn


def rebuild_all(progress=None) -> dict[str, float]:
    """Every rollup from history: the matters' (`rebuild`), the panels' sources
    (`panel_rollups.all_rebuilds`: visits, duties, reports, meetings), then each registered rebuild.
    Returns the seconds each took, by name. `progress` gets counts (int) or short texts."""
    steps = all_rebuilds() + [(f"{fn.__module__}.{fn.__name__}", fn) for fn in REBUILDS]
    took = {}
    for name, fn in steps:
        name = "yizuyihui.insights.rollups.rebuild" if fn is rebuild else name
        t = time.perf_counter()
        fn(**({"progress": progress} if "progress" in inspect.signature(fn).parameters else {}))
        took[name] = round(time.perf_counter() - t, 1)
    freshness.bump()  # the registered rebuilds' tables feed the dashboard too
    return took
