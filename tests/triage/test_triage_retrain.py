"""Routing that learns: corrections are read from "recategorize" events; retraining replaces the
active model only when the candidate is better on the held-back slice."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from yizuyihui.triage import registry, routing
from yizuyihui.triage.learning import Correction, held_back, retrain

FAST = {"tree_weight": 0.0, "min_df": 1}


def _rows():
    with routing.DEFAULT_TRAIN_CSV.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _small_csv(path: Path, rows, n_per_class: int) -> tuple[Path, list[dict]]:
    seen: dict[str, int] = {}
    keep, rest = [], []
    for r in rows:
        if seen.get(r["一级标签"], 0) < n_per_class:
            seen[r["一级标签"]] = seen.get(r["一级标签"], 0) + 1
            keep.append(r)
        else:
            rest.append(r)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(keep)
    return path, rest


def _corrections(rows, start_event: int, wrong: bool = False) -> list[Correction]:
    import random

    rng = random.Random(0)
    cats = list(routing.CATEGORIES)
    out = []
    for k, r in enumerate(rows):
        label = r["一级标签"]
        if wrong:  # careless corrections: any other category, at random
            label = rng.choice([c for c in cats if c != label])
        out.append(Correction(key=f"case-{r['留言编号']}", event_id=start_event + k, title=r["留言主题"],
                              detail=r["留言详情"], label=label))
    return out


def test_retrain_replaces_only_when_better(tmp_path):
    train_csv, rest = _small_csv(tmp_path / "train.csv", _rows(), 12)
    folder = tmp_path / "triage"
    kw = {"folder": folder, "train_csv": train_csv, "unlabelled_csv": None, "cv_folds": 2, "params": FAST}

    # No corrections: the candidate is the current recipe, not better → nothing replaced.
    a = retrain(corrections=[], **kw)
    assert a["accepted"] is False and a["candidate"]["macro_f1"] == a["current"]["macro_f1"]
    assert registry.read_registry(folder)["active"] == 0 and registry.active_record(folder) is None

    # Good corrections (real labels of 280 more messages): better on the held-back slice → version 1.
    good = _corrections(rest[:280], 1)
    assert any(held_back(c.key) for c in good) and not all(held_back(c.key) for c in good)
    a = retrain(corrections=good, **kw)
    assert a["accepted"] is True and a["version"] == 1
    assert a["candidate"]["macro_f1"] > a["current"]["macro_f1"]
    rec = registry.active_record(folder)
    assert rec["version"] == 1 and rec["n_corrections"] == 280 and rec["last_event_id"] == 280
    assert (folder / rec["file"]).exists()
    assert routing.load_model(folder / rec["file"]).metrics["n_labelled"] == 84 + 280

    # Wrong corrections on top: worse on the held-back slice (whose corrections include them and
    # the good ones) → version 1 stays active, the attempt is recorded.
    bad = _corrections(rest[280:600], 1000, wrong=True)
    a = retrain(corrections=good + bad, **kw)
    assert a["accepted"] is False and a["current_version"] == 1
    assert a["candidate"]["macro_f1"] < a["current"]["macro_f1"]
    reg = registry.read_registry(folder)
    assert reg["active"] == 1 and len(reg["versions"]) == 1 and [x["accepted"] for x in reg["attempts"]] == [
        False, True, False]


@pytest.mark.django_db
def test_corrections_are_read_from_recategorize_events(cast):
    from yizuyihui.cases.models import CaseEvent, Category
    from yizuyihui.cases.services import case_file
    from yizuyihui.triage.corrections import read_corrections

    edu = Category.objects.get(name="教育文体", parent__isnull=True)
    sub = Category.objects.filter(parent__parent=edu).first()  # a third-level category under 教育文体
    env = Category.objects.get(name="环境保护", parent__isnull=True)
    other = Category.objects.filter(parent__isnull=True).exclude(name__in=routing.CATEGORIES).first()
    cases = [case_file(unit=cast.unit_a, actor=cast.users["grid_worker"], title=t, description="", channel="visit",
                       suggest=False) for t in ("学校乱收补课费", "化工厂偷排废水", "派出所办证慢")]

    def event(case, to, frm=None, action="recategorize"):
        return CaseEvent.objects.create(case=case, action=action, actor=cast.users["unit_leader"], from_status="filed",
                                        to_status="filed", tier=1, at=case.filed_at, data={"from": frm, "to": to})

    event(cases[0], env.pk)
    e2 = event(cases[0], sub.pk, frm=env.pk)  # the newest correction of a matter wins; its top category is the label
    event(cases[1], env.pk)
    event(cases[2], other.pk)  # outside the seven routing categories: skipped
    event(cases[1], edu.pk, action="categorise")  # another action: not a correction
    got = read_corrections()
    # ordered by the event that set the label
    assert [(c.key, c.label) for c in got] == [(f"case-{cases[0].pk}", "教育文体"), (f"case-{cases[1].pk}", "环境保护")]
    assert got[0].event_id == e2.pk and got[0].title == "学校乱收补课费"
    assert [c.key for c in read_corrections(since_event_id=e2.pk)] == [f"case-{cases[1].pk}"]
