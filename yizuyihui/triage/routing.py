"""Routing: predict a matter's first-level category (一级分类) with a confidence.

Model: TF-IDF of character 1–3-grams and of jieba word 1–2-grams (two blocks, each
L2-normalised; vocabulary and document frequencies from the labelled and the unlabelled
messages), a linear SVM (LinearSVC, class-balanced) trained on the labelled messages
(self-training on the unlabelled messages is implemented but off: it lowered the
cross-validated macro-F1). Scores become
probabilities through a softmax with a temperature fitted on out-of-fold scores.
Confidence below the artefact's threshold → ``needs_review=True`` (a person routes it).

The artefact (``data/routing_model.gz``) holds only vocabularies, idf, coefficients and
a few numbers: prediction is pure numpy, so neither Django nor scikit-learn is imported
to route a matter. scikit-learn is imported inside `train` only.
"""

from __future__ import annotations

import gzip
import io
import json
import math
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path

import numpy as np

from . import text as tx

CATEGORIES: tuple[str, ...] = ("城乡建设", "劳动和社会保障", "教育文体", "商贸旅游", "卫生计生", "交通运输", "环境保护")
DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_TRAIN_CSV = DATA_DIR / "routing_train.csv"
DEFAULT_UNLABELLED_CSV = DATA_DIR / "unlabelled.csv"
DEFAULT_MODEL_PATH = DATA_DIR / "routing_model.gz"

_FORMAT = "yizuyihui.triage.routing/1"
_MAGIC = b"YZYH-TRIAGE-ROUTING\n"

# Training settings (stored in the artefact's metadata).
PARAMS = {
    "char_ngrams": [1, 3],
    "word_ngrams": 2,
    "min_df": 2,
    "title_weight": 2,
    "C": 0.5,
    "class_weight": "balanced",
    "self_training": False,  # measured: one round lowers CV macro-F1 (0.828 → 0.803)
    "self_training_weight": 0.5,
    "self_training_quantile": 0.5,  # keep the more confident half of the unlabelled messages
    "target_precision": 0.95,  # the threshold is the lowest confidence reaching this accuracy
    "cv_folds": 5,
}


@dataclass(frozen=True)
class Routing:
    """The suggestion for one matter."""

    category: str  # one of CATEGORIES
    confidence: float  # 0..1: the probability of `category`
    needs_review: bool  # confidence below the model's threshold: a person routes it
    scores: dict[str, float] = field(default_factory=dict, hash=False, compare=False)


# --------------------------------------------------------------------------- documents


def document(text: str) -> str:
    """The model's view of a free text (a matter's description, or title and detail joined)."""
    return tx.normalise(text)


def message_document(title: str, detail: str, title_weight: int = 2) -> str:
    """The model's view of a message with a title (主题) and a detail (详情)."""
    return tx.normalise(tx.message_text(title, detail, title_weight))


def _char_terms(doc: str) -> list[str]:
    lo, hi = PARAMS["char_ngrams"]
    return tx.char_ngrams(doc, lo, hi)


def _word_terms(doc: str) -> list[str]:
    return tx.word_ngrams(tx.words(doc), PARAMS["word_ngrams"])


def _identity(tokens):
    return tokens


# --------------------------------------------------------------------------- the model


class RoutingModel:
    """Loaded artefact: vocabularies, idf and linear coefficients; prediction in numpy."""

    def __init__(self, header: dict, arrays: dict[str, np.ndarray]):
        self.header = header
        self.classes: list[str] = header["classes"]
        self.temperature: float = header["temperature"]
        self.threshold: float = header["threshold"]
        self.metrics: dict = header.get("metrics", {})
        self.params: dict = header.get("params", {})
        self.char_vocab = {t: i for i, t in enumerate(header["char_vocab"])}
        n_char = len(self.char_vocab)
        self.word_vocab = {t: i + n_char for i, t in enumerate(header["word_vocab"])}
        self.idf = arrays["idf"].astype(np.float64)
        self.coef = arrays["coef"].astype(np.float64)  # (n_features, n_classes)
        self.intercept = arrays["intercept"].astype(np.float64)
        self.sim_n_docs: int = header["sim_n_docs"]
        self.sim_df: dict[str, int] = dict(zip(header["sim_terms"], arrays["sim_df"].tolist(), strict=True))

    # one TF-IDF block (sublinear tf, L2 norm), as scikit-learn's TfidfVectorizer does it
    def _block(self, terms: list[str], vocab: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
        # dictionary look-ups in C (map), counting in numpy: the hot loop of routing
        idx = np.fromiter(map(vocab.get, terms, repeat(-1)), dtype=np.int64, count=len(terms))
        idx = idx[idx >= 0]
        if idx.size == 0:
            return idx, np.zeros(0)
        idx, counts = np.unique(idx, return_counts=True)
        w = (1.0 + np.log(counts)) * self.idf[idx]
        w /= np.sqrt(w @ w)
        return idx, w

    def decision(self, docs: Sequence[str]) -> np.ndarray:
        """Linear scores (n_docs, n_classes) of normalised documents."""
        out = np.tile(self.intercept, (len(docs), 1))
        for r, doc in enumerate(docs):
            ci, cw = self._block(_char_terms(doc), self.char_vocab)
            wi, ww = self._block(_word_terms(doc), self.word_vocab)
            if ci.size:
                out[r] += cw @ self.coef[ci]
            if wi.size:
                out[r] += ww @ self.coef[wi]
        return out

    def proba(self, docs: Sequence[str]) -> np.ndarray:
        return _softmax(self.decision(docs), self.temperature)

    def routings(self, docs: Sequence[str]) -> list[Routing]:
        probs = self.proba(docs)
        out = []
        for row in probs:
            k = int(row.argmax())
            conf = float(row[k])
            out.append(
                Routing(
                    category=self.classes[k],
                    confidence=round(conf, 4),
                    needs_review=conf < self.threshold,
                    scores={c: round(float(p), 4) for c, p in zip(self.classes, row, strict=True)},
                )
            )
        return out


def _softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    z = scores / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


# --------------------------------------------------------------------------- artefact io


def save_artefact(path: Path, header: dict, arrays: dict[str, np.ndarray]) -> None:
    """Write header (JSON) and arrays (raw little-endian) into one gzip file, byte-for-byte
    reproducible (gzip mtime 0, sorted keys, fixed dtypes)."""
    meta = dict(header)
    meta["arrays"] = {k: [str(v.dtype), list(v.shape)] for k, v in sorted(arrays.items())}
    head = json.dumps(meta, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    buf = io.BytesIO()
    buf.write(_MAGIC)
    buf.write(len(head).to_bytes(8, "little"))
    buf.write(head)
    for _, v in sorted(arrays.items()):
        buf.write(np.ascontiguousarray(v).astype(v.dtype.newbyteorder("<")).tobytes())
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
        gz.write(buf.getvalue())
    tmp.replace(path)


def read_artefact(path: Path) -> RoutingModel:
    with gzip.open(path, "rb") as gz:
        blob = gz.read()
    if not blob.startswith(_MAGIC):
        raise ValueError(f"{path}: not a routing artefact")
    pos = len(_MAGIC)
    n = int.from_bytes(blob[pos : pos + 8], "little")
    pos += 8
    header = json.loads(blob[pos : pos + n].decode("utf-8"))
    pos += n
    if header.get("format") != _FORMAT:
        raise ValueError(f"{path}: unknown format {header.get('format')!r}")
    arrays = {}
    for name, (dtype, shape) in sorted(header.pop("arrays").items()):
        dt = np.dtype(dtype).newbyteorder("<")
        count = int(np.prod(shape)) if shape else 1
        arrays[name] = np.frombuffer(blob, dtype=dt, count=count, offset=pos).reshape(shape)
        pos += count * dt.itemsize
    return RoutingModel(header, arrays)


_model_lock = threading.Lock()
_models: dict[Path, RoutingModel] = {}
LAST_LOAD_SECONDS: dict[Path, float] = {}


def load_model(path: Path | None = None) -> RoutingModel:
    """The routing model, loaded once per process per path (thread-safe)."""
    key = Path(path or DEFAULT_MODEL_PATH).resolve()
    model = _models.get(key)
    if model is None:
        with _model_lock:
            model = _models.get(key)
            if model is None:
                if not key.exists():
                    raise FileNotFoundError(f"routing model {key} is missing: run `yzyh triage train`")
                t0 = time.perf_counter()
                model = read_artefact(key)
                tx.segmenter()
                LAST_LOAD_SECONDS[key] = time.perf_counter() - t0
                _models[key] = model
    return model


def clear_model_cache() -> None:
    with _model_lock:
        _models.clear()


# --------------------------------------------------------------------------- public API


def route(text: str, *, model_path: Path | None = None) -> Routing:
    """Suggested first-level category of a matter's text (title and description joined)."""
    return route_many([text], model_path=model_path)[0]


def route_many(texts: Sequence[str], *, model_path: Path | None = None) -> list[Routing]:
    """`route` for many texts at once."""
    model = load_model(model_path)
    return model.routings([document(t) for t in texts])


def route_messages(
    messages: Sequence[tuple[str, str]], *, model_path: Path | None = None
) -> list[Routing]:
    """Route (title, detail) pairs the way the training messages were seen."""
    model = load_model(model_path)
    return model.routings([message_document(t, d) for t, d in messages])


# --------------------------------------------------------------------------- training


def read_labelled(path: Path) -> tuple[list[str], list[str], list[str]]:
    """(ids, documents, labels) of a labelled CSV (留言编号, 留言主题, 留言详情, 一级标签)."""
    from .csvio import read_rows

    rows = read_rows(path, ["留言主题", "留言详情", "一级标签"])
    ids = [r.get("留言编号", str(i)) for i, r in enumerate(rows)]
    docs = [message_document(r["留言主题"], r["留言详情"]) for r in rows]
    labels = [r["一级标签"].strip() for r in rows]
    return ids, docs, labels


def read_unlabelled(path: Path, exclude_ids: set[str]) -> list[str]:
    from .csvio import read_rows

    rows = read_rows(path, ["留言主题", "留言详情"])
    return [
        message_document(r["留言主题"], r["留言详情"]) for r in rows if r.get("留言编号", "") not in exclude_ids
    ]


class _Tokens:
    """Char and word term lists of documents, computed once."""

    def __init__(self, docs: Sequence[str]):
        self.char = [_char_terms(d) for d in docs]
        self.word = [_word_terms(d) for d in docs]


def _fit(tok_l: _Tokens, y: np.ndarray, tok_u: _Tokens | None, seed: int, params: dict):
    """Fit vectorisers (labelled + unlabelled documents) and the classifier.

    Returns (char_vectoriser, word_vectoriser, classifier, transform)."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    def vec():
        return TfidfVectorizer(
            analyzer=_identity, sublinear_tf=True, min_df=params["min_df"], dtype=np.float64
        )

    cv, wv = vec(), vec()
    u_char = tok_u.char if tok_u is not None else []
    u_word = tok_u.word if tok_u is not None else []
    cv.fit(list(tok_l.char) + list(u_char))
    wv.fit(list(tok_l.word) + list(u_word))

    def transform(tok: _Tokens):
        return sparse.hstack([cv.transform(tok.char), wv.transform(tok.word)]).tocsr()

    def svc():
        return LinearSVC(C=params["C"], class_weight=params["class_weight"], random_state=seed, max_iter=5000)

    x_l = transform(tok_l)
    clf = svc().fit(x_l, y)
    if params["self_training"] and tok_u is not None and len(u_char):
        x_u = transform(tok_u)
        d = clf.decision_function(x_u)
        top2 = np.sort(d, axis=1)[:, -2:]
        margin = top2[:, 1] - top2[:, 0]
        keep = margin >= np.quantile(margin, params["self_training_quantile"])
        pseudo = clf.classes_[d.argmax(axis=1)]
        weights = np.r_[np.ones(x_l.shape[0]), np.full(int(keep.sum()), params["self_training_weight"])]
        clf = svc().fit(sparse.vstack([x_l, x_u[keep]]).tocsr(), np.r_[y, pseudo[keep]], sample_weight=weights)
    return cv, wv, clf, transform


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
    """Lowest threshold (step 0.05) at which the auto-routed share is ≥ `target` correct."""
    for t in np.round(np.arange(0.0, 0.96, 0.05), 2):
        sel = conf >= t
        if sel.sum() == 0:
            break
        if correct[sel].mean() >= target:
            return float(t)
    return 0.95


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
) -> dict:
    """Train the routing model, write the artefact to `out`, return metrics.

    Metrics come from stratified k-fold cross-validation on `train_csv` (each fold's
    vectorisers, self-training and classifier see only that fold's training labels), then
    the final model is fitted on everything. Same inputs and seed → same artefact bytes.
    `cv_folds=0` skips cross-validation (temperature 1, threshold from PARAMS defaults).
    """
    from sklearn.model_selection import StratifiedKFold

    t_start = time.perf_counter()
    params = dict(PARAMS)
    folds = params["cv_folds"] if cv_folds is None else cv_folds
    say = progress or (lambda msg: None)
    ids, docs, labels = read_labelled(Path(train_csv))
    unknown = sorted(set(labels) - set(CATEGORIES))
    if unknown:
        raise ValueError(f"{train_csv}: unknown 一级标签 {', '.join(unknown)}")
    classes = [c for c in CATEGORIES if c in set(labels)]
    y = np.asarray(labels, dtype=object)
    u_docs: list[str] = []
    if unlabelled_csv is not None and Path(unlabelled_csv).exists():
        u_docs = read_unlabelled(Path(unlabelled_csv), set(ids))
    say(f"{len(docs)} labelled, {len(u_docs)} unlabelled messages")
    tok_l = _Tokens(docs)
    tok_u = _Tokens(u_docs) if u_docs else None

    metrics: dict = {"n_labelled": len(docs), "n_unlabelled": len(u_docs), "seed": seed}
    temperature, threshold = 1.0, 0.5
    if folds and folds >= 2:
        skf = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
        oof = np.zeros((len(docs), len(classes)))
        for k, (tr, te) in enumerate(skf.split(docs, y), start=1):
            sub = _Tokens.__new__(_Tokens)
            sub.char = [tok_l.char[i] for i in tr]
            sub.word = [tok_l.word[i] for i in tr]
            held = _Tokens.__new__(_Tokens)
            held.char = [tok_l.char[i] for i in te]
            held.word = [tok_l.word[i] for i in te]
            _, _, clf, transform = _fit(sub, y[tr], tok_u, seed, params)
            d = clf.decision_function(transform(held))
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
    cv, wv, clf, _ = _fit(tok_l, y, tok_u, seed, params)
    order = [list(clf.classes_).index(c) for c in classes]
    coef = np.asarray(clf.coef_, dtype=np.float64)[order].T  # (n_features, n_classes)
    intercept = np.asarray(clf.intercept_, dtype=np.float64)[order]
    char_terms = cv.get_feature_names_out().tolist()
    word_terms = wv.get_feature_names_out().tolist()
    idf = np.r_[cv.idf_, wv.idf_]
    # Features with all-zero coefficients (seen only in unlabelled text) change no score:
    # drop them from the artefact. The idf of the kept ones is unchanged, so this is exact.
    keep = np.flatnonzero(np.any(coef != 0, axis=1))
    n_char = len(char_terms)
    char_terms = [char_terms[i] for i in keep if i < n_char]
    word_terms = [word_terms[i - n_char] for i in keep if i >= n_char]
    coef, idf = coef[keep], idf[keep]

    # document frequencies for find_similar (character bigrams and words, df ≥ 2)
    from .similarity import _doc_terms_for_df

    sim_df: Counter = Counter()
    sim_sources = [tx.normalise_light(d) for d in _raw_texts(Path(train_csv), unlabelled_csv)]
    for d in sim_sources:
        sim_df.update(set(_doc_terms_for_df(d)))
    sim_terms = sorted(t for t, c in sim_df.items() if c >= 2)

    metrics["n_features"] = int(coef.shape[0])
    header = {
        "format": _FORMAT,
        "classes": classes,
        "temperature": temperature,
        "threshold": threshold,
        "params": params,
        "metrics": metrics,
        "char_vocab": char_terms,
        "word_vocab": word_terms,
        "sim_n_docs": len(sim_sources),
        "sim_terms": sim_terms,
    }
    arrays = {
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
