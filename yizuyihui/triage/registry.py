"""The active routing model and its version record (no Django).

`yzyh triage retrain` writes each accepted model as ``<data dir>/triage/routing_model_v<N>.gz``
and records it in ``<data dir>/triage/routing_registry.json``::

    {"active": 2, "versions": [{"version": 1, "file": "routing_model_v1.gz", "created_at": …,
      "heldout": {…}, "n_corrections": 12, "last_event_id": 345, …}, …],
     "attempts": [{"at": …, "accepted": false, "candidate": {…}, "current": {…}}, …]}

Version 0 is the shipped artefact (``yizuyihui/triage/data/routing_model.gz``): it is active
while no retrained model is. `routing.load_model()` without a path loads the active model; a
new activation is seen by running processes within `RECHECK_SECONDS`.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

REGISTRY_NAME = "routing_registry.json"
RECHECK_SECONDS = 5.0
_lock = threading.Lock()
_cached: tuple[float, Path | None, Path | None] = (0.0, None, None)  # (checked at, dir, active path)


def data_dir() -> Path:
    """The site's data folder (settings.DATA_DIR when Django is configured, else $YZYH_DATA_DIR or ./var)."""
    try:
        from django.conf import settings

        if settings.configured and getattr(settings, "DATA_DIR", None):
            return Path(settings.DATA_DIR)
    except ImportError:  # pragma: no cover - Django is a dependency of the project
        pass
    return Path(os.environ.get("YZYH_DATA_DIR") or Path.cwd() / "var")


def registry_dir(base: Path | None = None) -> Path:
    return Path(base or data_dir()) / "triage"


def read_registry(folder: Path | None = None) -> dict:
    path = registry_dir(folder) / REGISTRY_NAME if folder is None or folder.name != "triage" else folder / REGISTRY_NAME
    if not path.exists():
        return {"active": 0, "versions": [], "attempts": []}
    return json.loads(path.read_text(encoding="utf-8"))


def write_registry(folder: Path, registry: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / (REGISTRY_NAME + ".tmp")
    tmp.write_text(json.dumps(registry, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    tmp.replace(folder / REGISTRY_NAME)
    global _cached
    with _lock:
        _cached = (0.0, None, None)


def active_record(folder: Path | None = None) -> dict | None:
    """The active version's record (None: the shipped model is active)."""
    reg = read_registry(registry_dir(folder) if folder is None or folder.name != "triage" else folder)
    for rec in reg.get("versions", []):
        if rec["version"] == reg.get("active"):
            return rec
    return None


def active_model_path() -> Path | None:
    """Path of the active retrained model in the site's data folder, None for the shipped one.
    Looked up at most every `RECHECK_SECONDS` per process."""
    global _cached
    now = time.monotonic()
    folder = registry_dir()
    checked, cached_dir, path = _cached
    if cached_dir == folder and now - checked < RECHECK_SECONDS:
        return path
    path = None
    try:
        rec = active_record(folder)
        if rec is not None and (folder / rec["file"]).exists():
            path = folder / rec["file"]
    except (OSError, ValueError, KeyError):
        path = None
    with _lock:
        _cached = (now, folder, path)
    return path
