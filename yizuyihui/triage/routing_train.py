"""Routing, the training half: reading the labelled and unlabelled messages, fitting the
vectorisers and the linear classifier (scikit-learn, imported inside the functions only),
cross-validation, calibration (temperature, threshold) and writing the artefact that
`routing_model` loads; `fit_and_score` and `auto_figures` for evaluations.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from . import text as tx
from .routing_model import (
    _FORMAT,
    CATEGORIES,
    DEFAULT_MODEL_PATH,
    DEFAULT_TRAIN_CSV,
    DEFAULT_TREE_CSV,
    DEFAULT_UNLABELLED_CSV,
    PARAMS,
    Doc,
    _model_lock,
    _models,
    _softmax,
    _title_word_terms,
    char_code,
    message_document,
    save_artefact,
)


def _char_terms(text: str, key: str = "char_ngrams") -> list[str]:
    lo, hi = PARAMS[key]
    return tx.char_ngrams(text, lo, hi)


def _identity(tokens):
    return tokens


def read_labelled(path: Path) -> tuple[list[str], list[str], list[str]]:
    """(ids, documents, labels) of a labelled CSV (留言编号, 留言主题, 留言详情, 一级标签)."""
    from .csvio import read_rows

    rows = read_rows(path, ["留言主题", "留言详情", "一级标签"])
    ids = [r.get("留言编号", str(i)) for i, r in enumerate(rows)]
    docs = [message_document(r["留言主题"], r["留言详情"]) for r in rows]
    labels = [r["一级标签"].strip() for r in rows]
    return ids, docs, labels


def read_unlabelled_rows(path: Path, exclude_ids: set[str]) -> tuple[list[Doc], list[str]]:
    """(documents, pseudo-labels) of an unlabelled CSV; the pseudo-label is the optional
    column 答复部门 (see pseudo.py), "" where there is none."""
    from .csvio import read_rows

    rows = [r for r in read_rows(path, ["留言主题", "留言详情"]) if r.get("留言编号", "") not in exclude_ids]
    docs = [message_document(r["留言主题"], r["留言详情"]) for r in rows]
    pseudo = [(r.get("答复部门") or "").strip() for r in rows]
    return docs, [p if p in CATEGORIES else "" for p in pseudo]


def read_tree(path: Path = DEFAULT_TREE_CSV) -> tuple[list[Doc], list[str]]:
    """The label tree's category names as tiny training documents of their first-level
    category (only the routing categories): "二级分类 三级分类" as the title."""
    from .csvio import read_rows

    docs, labels, seen = [], [], set()
    for r in read_rows(Path(path), ["一级分类", "二级分类", "三级分类"]):
        top = r["一级分类"].strip()
        if top not in CATEGORIES:
            continue
        for name in {r["二级分类"].strip(), r["三级分类"].strip()} - {""}:
            if (top, name) not in seen:
                seen.add((top, name))
                docs.append(message_document(name, ""))
                labels.append(top)
    return docs, labels


class _Tokens:
    """Term lists of documents per feature block, computed once."""

    def __init__(self, docs: Sequence[Doc]):
        self.char = [_char_terms(m) for m, _ in docs]
        self.tchar = [_char_terms(t, "title_char_ngrams") for _, t in docs]
        self.tword = [_title_word_terms(t) for _, t in docs]

    def subset(self, idx) -> _Tokens:
        out = _Tokens.__new__(_Tokens)
        out.char = [self.char[i] for i in idx]
        out.tchar = [self.tchar[i] for i in idx]
        out.tword = [self.tword[i] for i in idx]
        return out


BLOCKS = ("char", "tchar", "tword")


class _Linear:
    """A fitted linear classifier: ``coef_`` (n_classes, n_features), ``intercept_``, ``classes_``.
    The SVM alone, or the SVM plus a weighted logistic regression (still one linear model,
    so prediction stays numpy-only)."""

    def __init__(self, classes, coef, intercept):
        self.classes_ = np.asarray(classes, dtype=object)
        self.coef_ = np.asarray(coef, dtype=np.float64)
        self.intercept_ = np.asarray(intercept, dtype=np.float64)

    def decision_function(self, x) -> np.ndarray:
        return np.asarray(x @ self.coef_.T) + self.intercept_


def _fit(tok_l: _Tokens, y: np.ndarray, tok_u: _Tokens | None, seed: int, params: dict,
         pseudo: Sequence[str] | None = None, extra: Sequence[tuple[_Tokens, np.ndarray, float]] = ()):
    """Fit vectorisers (labelled + unlabelled documents) and the classifier.

    `pseudo`: one label per unlabelled document ("" = none); those with a label join the
    training set with weight ``params["pseudo_label_weight"]`` when that is > 0.
    `extra`: more labelled documents, each group with its sample weight (the label tree's
    category names, staff corrections).
    Self-training (``params["self_training"]``): unlabelled messages whose SVM margin
    (best − second score) is ≥ ``self_training_margin`` join with their predicted label and
    weight ``self_training_weight``; one round.
    Returns (vectorisers by block, classifier, transform)."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer

    vecs = {}
    for b in BLOCKS:
        v = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=params["min_df"], dtype=np.float64)
        v.fit(list(getattr(tok_l, b)) + (list(getattr(tok_u, b)) if tok_u is not None else []))
        vecs[b] = v
    weights = {"char": 1.0, "tchar": params["title_block_weight"], "tword": params["title_block_weight"]}

    def transform(tok: _Tokens):
        return sparse.hstack([weights[b] * vecs[b].transform(getattr(tok, b)) for b in BLOCKS]).tocsr()

    xs, ys, ws = [transform(tok_l)], [np.asarray(y, dtype=object)], [np.ones(len(y))]
    pw = params.get("pseudo_label_weight", 0.0)
    if pw > 0 and tok_u is not None and pseudo is not None and any(pseudo):
        idx = [i for i, p in enumerate(pseudo) if p]
        xs.append(transform(tok_u.subset(idx)))
        ys.append(np.asarray([pseudo[i] for i in idx], dtype=object))
        ws.append(np.full(len(idx), pw))
    for tok_x, y_x, w_x in extra:
        if len(y_x) and w_x > 0:
            xs.append(transform(tok_x))
            ys.append(np.asarray(y_x, dtype=object))
            ws.append(np.full(len(y_x), float(w_x)))

    x_u = transform(tok_u) if params["self_training"] and tok_u is not None and len(tok_u.char) else None
    return vecs, _fit_classifier(xs, ys, ws, seed, params, x_u), transform


def _fit_classifier(xs, ys, ws, seed: int, params: dict, x_u=None) -> _Linear:
    """The linear classifier on stacked feature blocks `xs` with labels `ys` and sample weights
    `ws`; with `x_u` (unlabelled messages' features) one round of self-training."""
    from scipy import sparse
    from sklearn.svm import LinearSVC

    def fit(xs, ys, ws):
        x, yy, sw = sparse.vstack(xs).tocsr(), np.concatenate(ys), np.concatenate(ws)
        svm = LinearSVC(C=params["C"], class_weight=params["class_weight"], random_state=seed,
                        max_iter=5000).fit(x, yy, sample_weight=sw)
        coef, intercept = svm.coef_.copy(), svm.intercept_.copy()
        lw = params.get("lr_weight", 0.0)
        if lw > 0:
            from sklearn.linear_model import LogisticRegression

            lr = LogisticRegression(C=params.get("lr_C", 20.0), class_weight=params["class_weight"],
                                    max_iter=3000).fit(x, yy, sample_weight=sw)
            order = [list(lr.classes_).index(c) for c in svm.classes_]
            coef += lw * lr.coef_[order]
            intercept += lw * lr.intercept_[order]
        return _Linear(svm.classes_, coef, intercept)

    clf = fit(xs, ys, ws)
    if x_u is not None and x_u.shape[0]:
        d = clf.decision_function(x_u)
        top2 = np.sort(d, axis=1)[:, -2:]
        keep = (top2[:, 1] - top2[:, 0]) >= params["self_training_margin"]
        if keep.any():
            labels = clf.classes_[d.argmax(axis=1)]
            clf = fit(xs + [x_u[keep]], ys + [labels[keep]],
                      ws + [np.full(int(keep.sum()), params["self_training_weight"])])
    return clf


def _fit_temperature(scores: np.ndarray, y_idx: np.ndarray) -> float:
    """Temperature minimising the out-of-fold negative log-likelihood (grid, deterministic)."""
    best_t, best_nll = 1.0, math.inf
    for t in np.round(np.arange(0.05, 2.0001, 0.01), 2):
        p = _softmax(scores, float(t))
        nll = -np.mean(np.log(np.clip(p[np.arange(len(y_idx)), y_idx], 1e-12, 1)))
        if nll < best_nll - 1e-12:
            best_t, best_nll = float(t), nll
    return best_t


def _choose_threshold(conf: np.ndarray, correct: np.ndarray, target: float) -> float:
    """Lowest threshold (step 0.01) at which the auto-routed share is ≥ `target` correct."""
    for t in np.round(np.arange(0.0, 0.991, 0.01), 2):
        sel = conf >= t
        if sel.sum() == 0:
            break
        if correct[sel].mean() >= target:
            return float(t)
    return 0.99


def classification_report(y_true: Sequence[str], y_pred: Sequence[str], classes: Sequence[str]) -> dict:
    """accuracy, macro-F1 and per-class precision/recall/F1/support (no scikit-learn)."""
    y_true = list(y_true)
    y_pred = list(y_pred)
    per = {}
    labels = list(dict.fromkeys(list(classes) + sorted(set(y_true) - set(classes))))
    for c in labels:
        tp = sum(1 for a, b in zip(y_true, y_pred, strict=True) if a == c and b == c)
        fp = sum(1 for a, b in zip(y_true, y_pred, strict=True) if a != c and b == c)
        fn = sum(1 for a, b in zip(y_true, y_pred, strict=True) if a == c and b != c)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        per[c] = {"precision": p, "recall": r, "f1": f, "support": tp + fn}
    present = [c for c in labels if per[c]["support"] > 0]
    macro = sum(per[c]["f1"] for c in present) / len(present) if present else 0.0
    acc = sum(1 for a, b in zip(y_true, y_pred, strict=True) if a == b) / len(y_true) if y_true else 0.0
    return {"accuracy": acc, "macro_f1": macro, "per_class": per, "n": len(y_true)}


def train(
    *,
    train_csv: Path = DEFAULT_TRAIN_CSV,
    out: Path = DEFAULT_MODEL_PATH,
    seed: int = 0,
    unlabelled_csv: Path | None = DEFAULT_UNLABELLED_CSV,
    cv_folds: int | None = None,
    progress=None,
    extra: Sequence[tuple[str, str, str]] = (),
    params: dict | None = None,
) -> dict:
    """Train the routing model, write the artefact to `out`, return metrics.

    Metrics come from stratified k-fold cross-validation on `train_csv` (each fold's
    vectorisers, self-training and classifier see only that fold's training labels), then
    the final model is fitted on everything. Same inputs and seed → same artefact bytes.
    `cv_folds=0` skips cross-validation (temperature 1, threshold from PARAMS defaults).
    `extra`: more labelled (title, detail, label) examples (staff corrections), trained and
    cross-validated like the CSV's rows. With ``params["tree_weight"] > 0`` the label tree's
    category names join every training set (never the held-out folds).
    """
    from sklearn.model_selection import StratifiedKFold

    t_start = time.perf_counter()
    params = dict(PARAMS, **(params or {}))
    folds = params["cv_folds"] if cv_folds is None else cv_folds
    say = progress or (lambda msg: None)
    ids, docs, labels = read_labelled(Path(train_csv))
    for k, (title, detail, label) in enumerate(extra):
        ids.append(f"extra-{k}")
        docs.append(message_document(title, detail))
        labels.append(label)
    unknown = sorted(set(labels) - set(CATEGORIES))
    if unknown:
        raise ValueError(f"{train_csv}: unknown 一级标签 {', '.join(unknown)}")
    classes = [c for c in CATEGORIES if c in set(labels)]
    y = np.asarray(labels, dtype=object)
    u_docs: list[Doc] = []
    u_pseudo: list[str] = []
    if unlabelled_csv is not None and Path(unlabelled_csv).exists():
        u_docs, u_pseudo = read_unlabelled_rows(Path(unlabelled_csv), set(ids))
    say(f"{len(docs)} labelled, {len(u_docs)} unlabelled messages "
        f"({sum(1 for p in u_pseudo if p)} with a pseudo-label, weight {params['pseudo_label_weight']})")
    tok_l = _Tokens(docs)
    tok_u = _Tokens(u_docs) if u_docs else None
    tree = _tree_extra(params)

    metrics: dict = {"n_labelled": len(docs), "n_unlabelled": len(u_docs), "seed": seed,
                     "n_pseudo_labelled": sum(1 for p in u_pseudo if p) if params["pseudo_label_weight"] > 0 else 0}
    temperature, threshold = 1.0, 0.5
    if folds and folds >= 2:
        skf = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
        oof = np.zeros((len(docs), len(classes)))
        for k, (tr, te) in enumerate(skf.split(docs, y), start=1):
            # held-out messages are labelled ones only; pseudo-labelled messages only train
            _, clf, transform = _fit(tok_l.subset(tr), y[tr], tok_u, seed, params, u_pseudo, tree)
            d = clf.decision_function(transform(tok_l.subset(te)))
            order = [list(clf.classes_).index(c) for c in classes]
            oof[te] = d[:, order]
            say(f"fold {k}/{folds} done")
        y_idx = np.array([classes.index(v) for v in y])
        pred = [classes[i] for i in oof.argmax(axis=1)]
        report = classification_report(labels, pred, classes)
        temperature = _fit_temperature(oof, y_idx)
        probs = _softmax(oof, temperature)
        conf = probs.max(axis=1)
        correct = oof.argmax(axis=1) == y_idx
        threshold = _choose_threshold(conf, correct, params["target_precision"])
        auto = conf >= threshold
        metrics.update(
            {
                "cv_folds": folds,
                "cv_accuracy": round(report["accuracy"], 4),
                "cv_macro_f1": round(report["macro_f1"], 4),
                "cv_per_class_f1": {c: round(report["per_class"][c]["f1"], 4) for c in classes},
                "temperature": temperature,
                "threshold": threshold,
                "cv_auto_share": round(float(auto.mean()), 4),
                "cv_auto_accuracy": round(float(correct[auto].mean()) if auto.any() else 0.0, 4),
                "cv_review_accuracy": round(float(correct[~auto].mean()) if (~auto).any() else 0.0, 4),
            }
        )
    say("fitting the final model")
    vecs, clf, _ = _fit(tok_l, y, tok_u, seed, params, u_pseudo, tree)
    order = [list(clf.classes_).index(c) for c in classes]
    coef = np.asarray(clf.coef_, dtype=np.float64)[order].T  # (n_features, n_classes)
    intercept = np.asarray(clf.intercept_, dtype=np.float64)[order]
    # All vocabulary features are kept (also those seen only in unlabelled text, whose
    # coefficients are 0): they count in each block's L2 norm, so prediction is exact.
    # Character blocks are stored as sorted integer codes (see `char_code`).
    parts_coef, parts_idf, codes = [], [], {}
    start = 0
    for b in BLOCKS:
        terms = vecs[b].get_feature_names_out().tolist()
        idf_b = vecs[b].idf_
        coef_b = coef[start : start + len(terms)]
        start += len(terms)
        if b in ("char", "tchar"):
            c = np.asarray([char_code(t) for t in terms], dtype=np.int64)
            o = np.argsort(c, kind="stable")
            codes[b] = c[o]
            coef_b, idf_b = coef_b[o], idf_b[o]
        else:
            tword_terms = terms
        parts_coef.append(coef_b)
        parts_idf.append(idf_b)
    coef, idf = np.concatenate(parts_coef), np.concatenate(parts_idf)

    # document frequencies for find_similar (character bigrams and words, df ≥ 2)
    sim_df: Counter = Counter()
    sim_sources = [tx.normalise_light(d) for d in _raw_texts(Path(train_csv), unlabelled_csv)]
    for d in sim_sources:
        sim_df.update(set(tx.similarity_terms(d)))
    sim_terms = sorted(t for t, c in sim_df.items() if c >= 2)

    metrics["n_features"] = int(coef.shape[0])
    header = {
        "format": _FORMAT,
        "classes": classes,
        "temperature": temperature,
        "threshold": threshold,
        "params": params,
        "metrics": metrics,
        "tword_vocab": tword_terms,
        "sim_n_docs": len(sim_sources),
        "sim_terms": sim_terms,
    }
    arrays = {
        "char_codes": codes["char"],
        "tchar_codes": codes["tchar"],
        "idf": idf.astype(np.float32),
        "coef": coef.astype(np.float16),  # halves the artefact; scores move by < 1e-3
        "intercept": intercept.astype(np.float32),
        "sim_df": np.asarray([sim_df[t] for t in sim_terms], dtype=np.int32),
    }
    save_artefact(Path(out), header, arrays)
    with _model_lock:
        _models.pop(Path(out).resolve(), None)
    result = dict(metrics)
    result["artefact"] = str(out)
    result["artefact_bytes"] = Path(out).stat().st_size
    result["train_seconds"] = round(time.perf_counter() - t_start, 1)
    return result


def _tree_extra(params: dict) -> list:
    """The label tree's names as an extra training group (empty when `tree_weight` is 0)."""
    if params.get("tree_weight", 0) <= 0 or not DEFAULT_TREE_CSV.exists():
        return []
    t_docs, t_labels = read_tree()
    return [(_Tokens(t_docs), np.asarray(t_labels, dtype=object), params["tree_weight"])]


def fit_and_score(train_docs: Sequence[Doc], train_labels: Sequence[str], test_docs: Sequence[Doc],
                  test_labels: Sequence[str], *, unlabelled: Sequence[Doc] = (), seed: int = 0,
                  params: dict | None = None, temperature: float = 1.0, threshold: float = 0.5):
    """Train on one set, measure on another: (figures, (scores, correct)). Figures: macro-F1,
    accuracy, per-class F1, and with the given temperature and threshold the share routed
    without review and its precision."""
    params = dict(PARAMS, **(params or {}))
    classes = [c for c in CATEGORIES if c in set(train_labels)]
    tok_u = _Tokens(list(unlabelled)) if unlabelled else None
    _, clf, transform = _fit(_Tokens(list(train_docs)), np.asarray(train_labels, dtype=object), tok_u, seed,
                             params, None, _tree_extra(params))
    d = clf.decision_function(transform(_Tokens(list(test_docs))))[:, [list(clf.classes_).index(c) for c in classes]]
    pred = [classes[i] for i in d.argmax(axis=1)]
    rep = classification_report(list(test_labels), pred, classes)
    ok = np.asarray(pred, dtype=object) == np.asarray(test_labels, dtype=object)
    out = {"n": len(test_labels), "macro_f1": round(rep["macro_f1"], 4), "accuracy": round(rep["accuracy"], 4),
           "per_class_f1": {c: round(rep["per_class"][c]["f1"], 4) for c in classes}}
    out.update(auto_figures(d, ok, temperature, threshold))
    return out, (d, ok)


def auto_figures(scores: np.ndarray, ok: np.ndarray, temperature: float, threshold: float) -> dict:
    """Share of messages routed without review (confidence ≥ threshold) and their precision."""
    conf = _softmax(scores, temperature).max(axis=1) if len(scores) else np.zeros(0)
    auto = conf >= threshold
    return {"auto_share": round(float(auto.mean()) if len(auto) else 0.0, 4),
            "auto_precision": round(float(ok[auto].mean()) if auto.any() else 0.0, 4),
            "threshold": threshold}


def _raw_texts(train_csv: Path, unlabelled_csv: Path | None) -> list[str]:
    """Title + detail of every labelled and unlabelled message (for document frequencies)."""
    from .csvio import read_rows

    texts = []
    seen: set[str] = set()
    for path in (train_csv, unlabelled_csv):
        if path is None or not Path(path).exists():
            continue
        for r in read_rows(Path(path), ["留言主题", "留言详情"]):
            key = r.get("留言编号", "")
            if key and key in seen:
                continue
            seen.add(key)
            texts.append(tx.message_text(r["留言主题"], r["留言详情"], title_weight=1))
    return texts
