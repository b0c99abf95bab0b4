"""Routing, the prediction half: the artefact's format, loading it once per process, and
`route` / `route_many` (see `routing` for the model; training lives in `routing_train`).

Prediction is pure numpy: neither Django nor scikit-learn is imported to route a matter.
Character n-grams are looked up as integer codes (code points packed into an int64) with a
vectorised `searchsorted` over a whole batch: no per-n-gram Python work.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import threading
import time
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
DEFAULT_TREE_CSV = DATA_DIR / "label_tree.csv"

_FORMAT = "yizuyihui.triage.routing/2"
_MAGIC = b"YZYH-TRIAGE-ROUTING\n"

# Training settings (stored in the artefact's metadata).
PARAMS = {
    "char_ngrams": [1, 3],  # of the message (title repeated `title_weight` times, then detail)
    "title_char_ngrams": [1, 3],  # of the title alone
    "title_block_weight": 0.7,  # weight of the two title blocks (title chars, title words)
    "min_df": 2,
    "title_weight": 2,
    "C": 0.3,
    "class_weight": "balanced",
    "self_training": False,
    "self_training_weight": 0.3,
    "self_training_margin": 1.0,  # SVM margin (best − second score) an unlabelled message needs
    "tree_weight": 1.0,  # weight of the label tree's category names as training documents
    "lr_weight": 0.0,  # logistic regression blended into the SVM's coefficients (0 = SVM only)
    "lr_C": 20.0,
    # Pseudo-labels from the department named in the official reply (column 答复部门 of
    # data/unlabelled.csv, see pseudo.py). 0 = off: measured 0.866 vs 0.873 without (0.3).
    "pseudo_label_weight": 0.0,
    "target_precision": 0.97,  # OOF accuracy asked of auto-routed messages: 0.97 keeps held-out precision ≥ 0.95
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

# A document is the pair (message, title), both normalised: `message` is the title
# repeated then the detail, `title` the title alone (it gets its own feature blocks).
Doc = tuple[str, str]

_TITLE_END = re.compile(r"[。！？!?\n]")
FREE_TEXT_TITLE_CHARS = 80  # a free text's first sentence within this many characters is its title


def split_title(text: str) -> tuple[str, str]:
    """(title, detail) of a free text: the first sentence if it ends within
    `FREE_TEXT_TITLE_CHARS` characters, else a short text is all title and a long one
    has its first 30 characters as the title. `route` sees "主题。详情" as the training did."""
    text = (text or "").strip()
    m = _TITLE_END.search(text, 0, FREE_TEXT_TITLE_CHARS)
    if m:
        return text[: m.end()], text[m.end() :]
    if len(text) <= FREE_TEXT_TITLE_CHARS:
        return text, ""
    return text[:30], text[30:]


def document(text: str) -> Doc:
    """The model's view of a free text (a matter's description, or title and detail joined)."""
    return message_document(*split_title(text))


def message_document(title: str, detail: str, title_weight: int = 2) -> Doc:
    """The model's view of a message with a title (主题) and a detail (详情)."""
    return tx.normalise(tx.message_text(title, detail, title_weight)), tx.normalise((title or "").strip())


def _char_terms(text: str, key: str = "char_ngrams") -> list[str]:
    lo, hi = PARAMS[key]
    return tx.char_ngrams(text, lo, hi)


def _title_word_terms(title: str) -> list[str]:
    return tx.words(title)


def _identity(tokens):
    return tokens


_CP_BITS = 21  # Unicode code points fit in 21 bits: up to three of them pack into an int64


def char_code(term: str) -> int:
    """Integer code of a character n-gram (n ≤ 3): its code points packed, 21 bits each."""
    code = 0
    for ch in term:
        code = (code << _CP_BITS) | ord(ch)
    return code


def _char_codes_batch(texts: Sequence[str], lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """(doc index, n-gram code) of every character n-gram lo..hi of every text, in numpy.

    The texts are joined with NUL separators and decoded to code points at once; n-grams
    that would span a separator are dropped. Equals `char_code` of `tx.char_ngrams`."""
    joined = "\x00".join(t.replace("\x00", "") for t in texts)
    cp = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    ok = cp != 0
    doc = np.cumsum(~ok)
    docs, codes = [], []
    code = cp
    valid = ok
    for n in range(1, hi + 1):
        if n > 1:
            code = (code[:-1] << _CP_BITS) | cp[n - 1 :]
            valid = valid[:-1] & ok[n - 1 :]
        if n >= lo:
            docs.append(doc[: len(code)][valid])
            codes.append(code[valid])
    return np.concatenate(docs), np.concatenate(codes)


# --------------------------------------------------------------------------- the model


class RoutingModel:
    """Loaded artefact: vocabularies, idf and linear coefficients; prediction in numpy."""

    BATCH = 512  # documents scored together (bounds the temporary arrays)

    def __init__(self, header: dict, arrays: dict[str, np.ndarray]):
        self.header = header
        self.classes: list[str] = header["classes"]
        self.temperature: float = header["temperature"]
        self.threshold: float = header["threshold"]
        self.metrics: dict = header.get("metrics", {})
        self.params: dict = header.get("params", {})
        self.char_codes = arrays["char_codes"].astype(np.int64)  # sorted
        self.tchar_codes = arrays["tchar_codes"].astype(np.int64)  # sorted
        n_char, n_tchar = len(self.char_codes), len(self.tchar_codes)
        self.tword_vocab = {t: i for i, t in enumerate(header["tword_vocab"])}
        self.offsets = (0, n_char, n_char + n_tchar)
        self.idf = arrays["idf"].astype(np.float64)
        # (n_classes, n_features): one contiguous row per class for the gathers
        self.coef_t = np.ascontiguousarray(arrays["coef"].astype(np.float64).T)
        self.intercept = arrays["intercept"].astype(np.float64)
        self.title_block_weight = float(self.params.get("title_block_weight", 1.0))
        self.char_range = tuple(self.params.get("char_ngrams", (1, 3)))
        self.tchar_range = tuple(self.params.get("title_char_ngrams", (1, 3)))
        self.sim_n_docs: int = header["sim_n_docs"]
        self.sim_df: dict[str, int] = dict(zip(header["sim_terms"], arrays["sim_df"].tolist(), strict=True))

    def _add_block(self, out: np.ndarray, doc: np.ndarray, feat: np.ndarray, offset: int, weight: float) -> None:
        """out += weight · (sublinear TF-IDF, L2-normalised) · coef for one block of a batch."""
        if feat.size == 0:
            return
        n = out.shape[0]
        n_feat = int(feat.max()) + 1
        key, counts = np.unique(doc * n_feat + feat, return_counts=True)
        d = key // n_feat
        f = key - d * n_feat + offset
        w = (1.0 + np.log(counts)) * self.idf[f]
        norm = np.sqrt(np.bincount(d, weights=w * w, minlength=n))
        w *= weight / norm[d]
        for k in range(out.shape[1]):
            out[:, k] += np.bincount(d, weights=w * self.coef_t[k][f], minlength=n)

    @staticmethod
    def _lookup(codes: np.ndarray, vocab_codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(mask of codes in the vocabulary, their feature index)."""
        if vocab_codes.size == 0:
            return np.zeros(codes.shape, dtype=bool), np.zeros(0, dtype=np.int64)
        pos = np.searchsorted(vocab_codes, codes)
        pos[pos == vocab_codes.size] = 0
        hit = vocab_codes[pos] == codes
        return hit, pos[hit]

    def decision(self, docs: Sequence[Doc]) -> np.ndarray:
        """Linear scores (n_docs, n_classes) of documents (see `message_document`)."""
        out = np.tile(self.intercept, (len(docs), 1))
        tw = self.title_block_weight
        for start in range(0, len(docs), self.BATCH):
            chunk = docs[start : start + self.BATCH]
            part = out[start : start + len(chunk)]
            d, codes = _char_codes_batch([m for m, _ in chunk], *self.char_range)
            hit, f = self._lookup(codes, self.char_codes)
            self._add_block(part, d[hit], f, self.offsets[0], 1.0)
            titles = [t for _, t in chunk]
            d, codes = _char_codes_batch(titles, *self.tchar_range)
            hit, f = self._lookup(codes, self.tchar_codes)
            self._add_block(part, d[hit], f, self.offsets[1], tw)
            get = self.tword_vocab.get
            wd, wf = [], []
            for r, title in enumerate(titles):
                ids = [i for i in map(get, _title_word_terms(title)) if i is not None]
                wf.extend(ids)
                wd.extend(repeat(r, len(ids)))
            self._add_block(part, np.asarray(wd, dtype=np.int64), np.asarray(wf, dtype=np.int64),
                            self.offsets[2], tw)
        return out

    def proba(self, docs: Sequence[Doc]) -> np.ndarray:
        return _softmax(self.decision(docs), self.temperature)

    def routings(self, docs: Sequence[Doc]) -> list[Routing]:
        probs = self.proba(docs)
        classes = self.classes
        threshold = self.threshold
        out = []
        for row in probs.tolist():
            k = max(range(len(row)), key=row.__getitem__)
            conf = row[k]
            out.append(
                Routing(
                    category=classes[k],
                    confidence=round(conf, 4),
                    needs_review=conf < threshold,
                    scores={c: round(p, 4) for c, p in zip(classes, row, strict=True)},
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
    """The routing model, loaded once per process per path (thread-safe). Without a path: the
    active model of the site (see `registry`: the last one `yzyh triage retrain` accepted), else
    the shipped one."""
    if path is None:
        from .registry import active_model_path

        path = active_model_path()
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
