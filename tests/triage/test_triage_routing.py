"""Routing model: shipped artefact quality on a sample, determinism of training."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from yizuyihui.triage import routing

SAMPLE = [
    ("小区物业乱收停车费，业委会不作为，违章建筑无人管", "城乡建设"),
    ("公司拖欠农民工工资半年，社保也没有缴纳，养老保险断交", "劳动和社会保障"),
    ("孩子上小学学位不够，学校招生划片不合理，教师违规补课", "教育文体"),
    ("医院乱收费，二胎生育服务证办理难，社会抚养费征收", "卫生计生"),
    ("公交线路太少，出租车拒载，希望增开公交车", "交通运输"),
    ("化工厂夜间偷排废气，河水被污染发臭，环保部门不管", "环境保护"),
    ("商家虚假宣传销售假冒伪劣商品，消费者维权难，景区门票价格高", "商贸旅游"),
]


def test_shipped_artefact_routes_sample():
    got = routing.route_many([t for t, _ in SAMPLE])
    assert [g.category for g in got] == [c for _, c in SAMPLE]
    for g in got:
        assert 0.0 <= g.confidence <= 1.0
        assert set(g.scores) == set(routing.CATEGORIES)
        assert abs(sum(g.scores.values()) - 1.0) < 1e-2
        assert g.needs_review == (g.confidence < routing.load_model().threshold)


def test_route_single_and_low_confidence():
    r = routing.route("你好")
    assert r.category in routing.CATEGORIES
    assert r.needs_review is True  # no content: a person decides
    assert hash(r)  # frozen dataclass stays hashable


def test_model_loaded_once():
    assert routing.load_model() is routing.load_model()


def _subset(path: Path, n_per_class: int) -> Path:
    with routing.DEFAULT_TRAIN_CSV.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    seen: dict[str, int] = {}
    keep = []
    for r in rows:
        if seen.get(r["一级标签"], 0) < n_per_class:
            seen[r["一级标签"]] = seen.get(r["一级标签"], 0) + 1
            keep.append(r)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(keep)
    return path


@pytest.mark.parametrize("folds", [0])
def test_training_is_deterministic(tmp_path, folds):
    train_csv = _subset(tmp_path / "train.csv", 12)
    a, b = tmp_path / "a.gz", tmp_path / "b.gz"
    routing.train(train_csv=train_csv, out=a, seed=0, unlabelled_csv=None, cv_folds=folds)
    routing.train(train_csv=train_csv, out=b, seed=0, unlabelled_csv=None, cv_folds=folds)
    assert a.read_bytes() == b.read_bytes()
    texts = [t for t, _ in SAMPLE]
    ra = routing.route_many(texts, model_path=a)
    rb = routing.route_many(texts, model_path=b)
    assert ra == rb and [x.scores for x in ra] == [x.scores for x in rb]


def test_training_with_cv_reports_metrics(tmp_path):
    train_csv = _subset(tmp_path / "train.csv", 10)
    m = routing.train(train_csv=train_csv, out=tmp_path / "m.gz", seed=0, unlabelled_csv=None, cv_folds=2)
    assert 0.0 <= m["cv_macro_f1"] <= 1.0
    assert set(m["cv_per_class_f1"]) == set(routing.CATEGORIES)
    assert 0.0 <= m["threshold"] <= 0.95


def test_numpy_prediction_matches_training_scores(tmp_path):
    """The artefact reproduces scikit-learn's decision function (float16 coefficients)."""
    import numpy as np

    train_csv = _subset(tmp_path / "train.csv", 8)
    ids, docs, labels = routing.read_labelled(train_csv)
    tok = routing._Tokens(docs)
    _, _, clf, transform = routing._fit(tok, np.asarray(labels, dtype=object), None, 0, dict(routing.PARAMS))
    out = tmp_path / "m.gz"
    routing.train(train_csv=train_csv, out=out, seed=0, unlabelled_csv=None, cv_folds=0)
    model = routing.load_model(out)
    order = [list(clf.classes_).index(c) for c in model.classes]
    want = clf.decision_function(transform(tok))[:, order]
    got = model.decision(docs)
    assert np.abs(want - got).max() < 5e-3
