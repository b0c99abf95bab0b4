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
    _, clf, transform = routing._fit(tok, np.asarray(labels, dtype=object), None, 0, dict(routing.PARAMS), None,
                                     routing._tree_extra(routing.PARAMS))
    out = tmp_path / "m.gz"
    routing.train(train_csv=train_csv, out=out, seed=0, unlabelled_csv=None, cv_folds=0)
    model = routing.load_model(out)
    order = [list(clf.classes_).index(c) for c in model.classes]
    want = clf.decision_function(transform(tok))[:, order]
    got = model.decision(docs)
    assert np.abs(want - got).max() < 5e-3


def test_char_codes_match_char_ngrams():
    """The vectorised n-gram codes of prediction equal the n-gram strings of training."""
    import numpy as np

    from yizuyihui.triage import text as tx

    texts = ["小区物业乱收停车费", "", "a", "X市0号😀路口。", "公交"]
    d, codes = routing._char_codes_batch(texts, 1, 3)
    for i, t in enumerate(texts):
        want = sorted(routing.char_code(g) for g in tx.char_ngrams(t, 1, 3))
        assert sorted(codes[d == i].tolist()) == want
    assert np.all(codes >= 0)


def test_free_text_title_split():
    assert routing.split_title("公交线路太少。希望增开") == ("公交线路太少。", "希望增开")
    assert routing.split_title("小区物业乱收停车费，业委会不作为") == ("小区物业乱收停车费，业委会不作为", "")
    long = "很" * 100
    assert routing.split_title(long) == (long[:30], long[30:])


def test_pseudo_labels_from_replies():
    from yizuyihui.triage import pseudo

    assert pseudo.pseudo_label("经县教育局调查核实，现答复如下") == "教育文体"
    assert pseudo.pseudo_label("市交通运输局已要求公交公司调整线路；县公安局配合") == "交通运输"
    assert pseudo.pseudo_label("区人社局和区住建局联合调查") == ""  # two families: ambiguous
    assert pseudo.pseudo_label("您的留言已收悉") == ""
    rows = [{"留言编号": "1", "留言主题": "公交车太少", "留言详情": "希望增开公交车线路，方便市民出行。"},
            {"留言编号": "2", "留言主题": "另一件事", "留言详情": "学校食堂饭菜质量很差，孩子吃不饱。"}]
    labelled = [{"留言编号": "9", "留言主题": "公交车太少", "留言详情": "希望增开公交车线路，方便市民出行！"}]
    assert pseudo.duplicates_of(rows, labelled) == {0}
