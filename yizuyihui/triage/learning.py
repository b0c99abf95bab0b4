"""Routing that learns: retrain from the shipped data plus staff corrections, and replace the
active model only when the new one is better on a held-back slice (no Django here; the
corrections are read by `corrections.py`).

Held-back slice: a fixed stratified 20 % of the shipped messages (seeded split) and every
correction whose key (the matter) hashes into the same fifth (crc32 % 5 == 0). Neither
recipe below ever trains on it, so the comparison is fair:

* current recipe — the shipped training part plus the corrections the active model was trained
  with (none for the shipped model, version 0);
* candidate recipe — the shipped training part plus all corrections now.

Both are fitted on their training parts and scored on the whole held-back slice of today. The
candidate wins only with a strictly higher macro-F1; then the final model is trained on
everything (shipped data, all corrections, cross-validated temperature and threshold),
written to the data folder as a new version and made active. Every attempt is recorded.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import registry, routing

HOLDOUT_SHARE = 0.2


@dataclass(frozen=True)
class Correction:
    """A category chosen by staff for a matter: one labelled example."""

    key: str  # the matter (stable across runs)
    event_id: int  # the CaseEvent that set it (the newest per matter wins)
    title: str
    detail: str
    label: str  # a first-level routing category
    at: dt.datetime | None = None


def held_back(key: str) -> bool:
    return zlib.crc32(key.encode("utf-8")) % 5 == 0


def _split_shipped(labels: Sequence[str], seed: int) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.model_selection import StratifiedShuffleSplit

    sss = StratifiedShuffleSplit(n_splits=1, test_size=HOLDOUT_SHARE, random_state=seed)
    tr, te = next(sss.split(np.zeros(len(labels)), np.asarray(labels, dtype=object)))
    return np.sort(tr), np.sort(te)


def retrain(*, corrections: Sequence[Correction], folder: Path | None = None,
            train_csv: Path = routing.DEFAULT_TRAIN_CSV, unlabelled_csv: Path | None = routing.DEFAULT_UNLABELLED_CSV,
            seed: int = 0, cv_folds: int = 5, params: dict | None = None, force: bool = False,
            progress=None, now: dt.datetime | None = None) -> dict:
    """Retrain; activate the new model only if it beats the current recipe on the held-back
    slice (or `force`). Returns the attempt record ({"accepted", "candidate", "current", …})."""
    say = progress or (lambda msg: None)
    folder = Path(folder) if folder is not None else registry.registry_dir()
    reg = registry.read_registry(folder)
    active = registry.active_record(folder)
    last_used = active["last_event_id"] if active else 0
    corrections = [c for c in corrections if c.label in routing.CATEGORIES]

    ids, docs, labels = routing.read_labelled(Path(train_csv))
    u_docs: list = []
    if unlabelled_csv is not None and Path(unlabelled_csv).exists():
        u_docs, _ = routing.read_unlabelled_rows(Path(unlabelled_csv), set(ids))
    tr, te = _split_shipped(labels, seed)
    c_docs = [routing.message_document(c.title, c.detail) for c in corrections]
    c_held = [held_back(c.key) for c in corrections]
    test_docs = [docs[i] for i in te] + [d for d, h in zip(c_docs, c_held, strict=True) if h]
    test_labels = [labels[i] for i in te] + [c.label for c, h in zip(corrections, c_held, strict=True) if h]

    def recipe(use) -> tuple[list, list]:
        x = [docs[i] for i in tr] + [d for d, c, h in zip(c_docs, corrections, c_held, strict=True) if use(c) and not h]
        y = [labels[i] for i in tr] + [c.label for c, h in zip(corrections, c_held, strict=True) if use(c) and not h]
        return x, y

    model = routing.load_model(folder / active["file"] if active else routing.DEFAULT_MODEL_PATH)
    temperature, threshold = model.temperature, model.threshold
    cand_x, cand_y = recipe(lambda c: True)
    cur_x, cur_y = recipe(lambda c: c.event_id <= last_used)
    say(f"held back: {len(test_labels)} messages ({sum(c_held)} corrections); "
        f"candidate trains on {len(cand_y)}, current on {len(cur_y)}")
    candidate, _ = routing.fit_and_score(cand_x, cand_y, test_docs, test_labels, unlabelled=u_docs, seed=seed,
                                         params=params, temperature=temperature, threshold=threshold)
    if len(cur_y) == len(cand_y):  # the same recipe: the same model
        current = dict(candidate)
    else:
        current, _ = routing.fit_and_score(cur_x, cur_y, test_docs, test_labels, unlabelled=u_docs, seed=seed,
                                           params=params, temperature=temperature, threshold=threshold)
    accepted = force or candidate["macro_f1"] > current["macro_f1"]
    now = now or dt.datetime.now(dt.UTC)
    new_event_id = max((c.event_id for c in corrections), default=last_used)
    attempt = {"at": now.isoformat(timespec="seconds"), "accepted": accepted, "forced": bool(force and not (
        candidate["macro_f1"] > current["macro_f1"])), "candidate": candidate, "current": current,
        "current_version": reg.get("active", 0), "n_corrections": len(corrections),
        "n_new_corrections": sum(1 for c in corrections if c.event_id > last_used), "n_heldout": len(test_labels)}
    if accepted:
        version = max([v["version"] for v in reg.get("versions", [])] + [0]) + 1
        name = f"routing_model_v{version}.gz"
        say(f"candidate better ({candidate['macro_f1']:.3f} > {current['macro_f1']:.3f}): training version {version}")
        folder.mkdir(parents=True, exist_ok=True)
        m = routing.train(train_csv=Path(train_csv), out=folder / name, seed=seed, unlabelled_csv=unlabelled_csv,
                          cv_folds=cv_folds, progress=say, params=params,
                          extra=[(c.title, c.detail, c.label) for c in corrections])
        heldout = dict(candidate)
        heldout.update({"threshold": m.get("threshold", threshold)})
        record = {"version": version, "file": name, "created_at": attempt["at"], "heldout": heldout,
                  "cv": {k: m[k] for k in ("cv_macro_f1", "cv_accuracy", "cv_auto_share", "cv_auto_accuracy",
                                           "threshold", "temperature") if k in m},
                  "n_labelled": m["n_labelled"], "n_corrections": len(corrections), "last_event_id": new_event_id,
                  "replaced": reg.get("active", 0)}
        reg.setdefault("versions", []).append(record)
        reg["active"] = version
        attempt["version"] = version
    else:
        say(f"candidate not better ({candidate['macro_f1']:.3f} ≤ {current['macro_f1']:.3f}): model kept")
    reg.setdefault("attempts", []).append(attempt)
    reg["attempts"] = reg["attempts"][-50:]
    registry.write_registry(folder, reg)
    return attempt
