"""Repeated stratified splits for routing variants (issue 18): mean ± std over splits.

Protocol (as docs/triage.md): N random stratified 70/30 splits of routing_train.csv (seed 0);
per split the temperature(s) and the confidence threshold are chosen by 3-fold CV on the 70 %
only, then the model is scored on the 30 %. Vocabulary/idf fitted once on all labelled +
unlabelled texts (unsupervised; the shipped model does the same).

    PYTHONPATH=. python scripts/triage_splits.py shipped ens_svm_nb ... [--splits 5]
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
from scipy import sparse

from yizuyihui.triage import routing_train as rt
from yizuyihui.triage import text as tx
from yizuyihui.triage.routing_model import (
    CATEGORIES,
    DEFAULT_TRAIN_CSV,
    DEFAULT_UNLABELLED_CSV,
    PARAMS,
    _softmax,
)

CLASSES = list(CATEGORIES)


def load():
    ids, docs, labels = rt.read_labelled(DEFAULT_TRAIN_CSV)
    u_docs, u_pseudo = rt.read_unlabelled_rows(DEFAULT_UNLABELLED_CSV, set(ids))
    t_docs, t_labels = rt.read_tree()
    return docs, np.asarray(labels, dtype=object), u_docs, u_pseudo, t_docs, np.asarray(t_labels, dtype=object)


class Feats:
    """Feature blocks for labelled (L), tree (T) and unlabelled (U) documents."""

    def __init__(self, docs, u_docs, t_docs):
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.n = {"L": len(docs), "U": len(u_docs), "T": len(t_docs)}
        alld = {"L": docs, "U": u_docs, "T": t_docs}
        toks = {k: rt._Tokens(v) for k, v in alld.items()}
        # extra token blocks
        for k, v in alld.items():
            toks[k].bword = [_bwords(m) for m, _ in v]
        self.blocks: dict[str, dict[str, sparse.csr_matrix]] = {}
        self.counts: dict[str, dict[str, sparse.csr_matrix]] = {}
        for b in ("char", "tchar", "tword", "bword"):
            v = TfidfVectorizer(analyzer=rt._identity, sublinear_tf=True, min_df=2, dtype=np.float64)
            v.fit(list(getattr(toks["L"], b)) + list(getattr(toks["U"], b)))
            self.blocks[b] = {k: v.transform(getattr(toks[k], b)).tocsr() for k in alld}
            # binary counts for NB
            vb = sparse.csr_matrix
            self.counts[b] = {k: vb((self.blocks[b][k] > 0).astype(np.float64)) for k in alld}

    def x(self, part: str, weights: dict[str, float], binary=False):
        src = self.counts if binary else self.blocks
        return sparse.hstack([w * src[b][part] for b, w in weights.items() if w]).tocsr()


def kw_tokens_factory():
    """Words of the label tree's 2nd/3rd-level names → their first-level categories; a message's
    tokens are "c:<category>" once per tree word it contains (words of ≥ 3 categories dropped)."""
    from yizuyihui.triage.csvio import read_rows
    from yizuyihui.triage.routing_model import DEFAULT_TREE_CSV

    owners: dict[str, set] = {}
    for r in read_rows(DEFAULT_TREE_CSV, ["一级分类", "二级分类", "三级分类"]):
        for name in (r["二级分类"], r["三级分类"]):
            for w in tx.words(tx.normalise(name)):
                if len(w) >= 2 and w not in tx.STOPWORDS:
                    owners.setdefault(w, set()).add(r["一级分类"].strip())
    vocab = {w: sorted(c) for w, c in owners.items() if len(c) <= 2}

    def tokens(message: str) -> list[str]:
        out = []
        for w in set(tx.words(message)):
            for c in vocab.get(w, ()):
                out.append("c:" + c)
                out.append("w:" + w)
        return out
    return tokens


def _bwords(message: str) -> list[str]:
    w = [t for t in tx.words(message) if t not in tx.STOPWORDS]
    return w + [a + "_" + b for a, b in zip(w, w[1:], strict=False)]


# ------------------------------------------------------------------ classifiers (return scores n×7)

def svm(x, y, w, C=0.3, seed=0):
    from sklearn.svm import LinearSVC

    m = LinearSVC(C=C, class_weight="balanced", random_state=seed, max_iter=5000).fit(x, y, sample_weight=w)
    return lambda z: m.decision_function(z)[:, [list(m.classes_).index(c) for c in CLASSES]]


def lr(x, y, w, C=20.0):
    from sklearn.linear_model import LogisticRegression

    m = LogisticRegression(C=C, class_weight="balanced", max_iter=3000).fit(x, y, sample_weight=w)
    return lambda z: m.decision_function(z)[:, [list(m.classes_).index(c) for c in CLASSES]]


def cnb(x, y, w, alpha=0.3):
    from sklearn.naive_bayes import ComplementNB

    m = ComplementNB(alpha=alpha).fit(x, y, sample_weight=w)
    def f(z):
        s = m.predict_joint_log_proba(z) if hasattr(m, "predict_joint_log_proba") else m.predict_log_proba(z)
        return s[:, [list(m.classes_).index(c) for c in CLASSES]]
    return f


def mnb(x, y, w, alpha=0.1):
    from sklearn.naive_bayes import MultinomialNB

    # balanced: uniform priors
    m = MultinomialNB(alpha=alpha, fit_prior=False).fit(x, y, sample_weight=w)
    return lambda z: m.predict_joint_log_proba(z)[:, [list(m.classes_).index(c) for c in CLASSES]]


def nbsvm(xb, y, w, xs=None, C=0.3, alpha=1.0, seed=0):
    """One-vs-rest SVM on log-count-ratio scaled features (Wang & Manning); folded into one
    coefficient matrix: score_k = w_k·(r_k ⊙ x) + b_k."""
    from sklearn.svm import LinearSVC

    ys = np.asarray(y)
    coefs, ints = [], []
    for c in CLASSES:
        pos = ys == c
        p = alpha + np.asarray(xb[pos].multiply(w[pos][:, None]).sum(axis=0)).ravel()
        q = alpha + np.asarray(xb[~pos].multiply(w[~pos][:, None]).sum(axis=0)).ravel()
        r = np.log((p / p.sum()) / (q / q.sum()))
        xr = xs.multiply(r[None, :]).tocsr()
        m = LinearSVC(C=C, class_weight="balanced", random_state=seed, max_iter=5000).fit(xr, pos, sample_weight=w)
        coefs.append(m.coef_.ravel() * r)
        ints.append(m.intercept_[0])
    W = np.vstack(coefs).T
    b = np.asarray(ints)
    return lambda z: np.asarray(z @ W) + b


# ------------------------------------------------------------------ variants

BASE = {"char": 1.0, "tchar": 0.7, "tword": 0.7}


def variant(name: str):
    """(feature weights, list of (component name, fit fn(x, y, w, xbin) → predictor)), combine."""
    W = dict(BASE)
    comps = []
    combine = "mean"
    C = 0.3
    parts = name.split("+")
    head = parts[0]
    for p in parts[1:]:
        if p.startswith("bw"):
            W["bword"] = float(p[2:] or 0.7)
        elif p.startswith("trunc"):
            W[f"char{p[5:]}"] = W.pop("char")
        elif p.startswith("kwt"):
            W["kwt"] = float(p[3:] or 0.3)
        elif p.startswith("kw"):
            W["kw"] = float(p[2:] or 0.5)
        elif p.startswith("C"):
            C = float(p[1:])
        elif p.startswith("tw"):
            W["tchar"] = W["tword"] = float(p[2:])
        elif p in ("agree", "margin", "logmean", "sum"):
            combine = p
    if head == "shipped":
        comps = [("svm", lambda x, y, w, xb: svm(x, y, w, C=C))]
    elif head == "lr":
        comps = [("lr", lambda x, y, w, xb: lr(x, y, w))]
    elif head == "cnb":
        comps = [("cnb", lambda x, y, w, xb: cnb(x, y, w))]
    elif head == "cnbb":
        comps = [("cnb_b", lambda x, y, w, xb: cnb(xb, y, w))]
    elif head == "mnb":
        comps = [("mnb", lambda x, y, w, xb: mnb(x, y, w))]
    elif head.startswith("cnba"):
        a = float(head[4:])
        comps = [("cnb", lambda x, y, w, xb: cnb(x, y, w, alpha=a))]
    elif head == "nbsvm":
        comps = [("nbsvm", lambda x, y, w, xb: nbsvm(xb, y, w, xs=x, C=C))]
    elif head == "ens3":  # svm + lr + cnb
        comps = [("svm", lambda x, y, w, xb: svm(x, y, w, C=C)), ("lr", lambda x, y, w, xb: lr(x, y, w)),
                 ("cnb", lambda x, y, w, xb: cnb(x, y, w))]
    elif head == "svmnb":
        comps = [("svm", lambda x, y, w, xb: svm(x, y, w, C=C)), ("cnb", lambda x, y, w, xb: cnb(x, y, w))]
    elif head == "svmlr":
        comps = [("svm", lambda x, y, w, xb: svm(x, y, w, C=C)), ("lr", lambda x, y, w, xb: lr(x, y, w))]
    elif head == "svmnbsvm":
        comps = [("svm", lambda x, y, w, xb: svm(x, y, w, C=C)),
                 ("nbsvm", lambda x, y, w, xb: nbsvm(xb, y, w, xs=x, C=C))]
    elif head == "ens4":
        comps = [("svm", lambda x, y, w, xb: svm(x, y, w, C=C)), ("lr", lambda x, y, w, xb: lr(x, y, w)),
                 ("cnb", lambda x, y, w, xb: cnb(x, y, w)),
                 ("nbsvm", lambda x, y, w, xb: nbsvm(xb, y, w, xs=x, C=C))]
    else:
        raise SystemExit(f"unknown variant {name}")
    return W, comps, combine


def combine_probs(ps: list[np.ndarray], how: str) -> tuple[np.ndarray, np.ndarray]:
    """(probabilities for the argmax, confidence)."""
    if how == "logmean":
        lp = np.mean([np.log(np.clip(p, 1e-12, 1)) for p in ps], axis=0)
        p = np.exp(lp - lp.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
    else:
        p = np.mean(ps, axis=0)
    conf = p.max(axis=1)
    if how == "agree":  # the least-confident component's probability of the ensemble's choice
        k = p.argmax(axis=1)
        conf = np.min([q[np.arange(len(k)), k] for q in ps], axis=0)
    elif how == "margin":
        s = np.sort(p, axis=1)
        conf = 0.5 + 0.5 * (s[:, -1] - s[:, -2])
    return p, conf


def run(name: str, F: Feats, y, t_labels, splits: int, seed: int, extra=None, tree_weight=1.0):
    ps_w, ps_agree, per_class = 0.0, False, False
    for p in name.split("+")[1:]:
        if p == "pct":
            per_class = True
        elif p.startswith("psa"):
            ps_w, ps_agree = float(p[3:]), True
        elif p.startswith("ps"):
            ps_w = float(p[2:])
    from sklearn.model_selection import StratifiedKFold, StratifiedShuffleSplit

    W, comps, how = variant(name)
    XL, XT = F.x("L", W), F.x("T", W)
    BL, BT = F.x("L", W, binary=True), F.x("T", W, binary=True)
    y_idx = np.array([CLASSES.index(v) for v in y])

    def fit_predict(tr, te_x, te_b):
        x = sparse.vstack([XL[tr], XT]).tocsr()
        xb = sparse.vstack([BL[tr], BT]).tocsr()
        yy = np.concatenate([y[tr], t_labels])
        ww = np.concatenate([np.ones(len(tr)), np.full(len(t_labels), tree_weight)])
        if extra is not None:
            ex, exb, ey, ew = extra
            x, xb = sparse.vstack([x, ex]).tocsr(), sparse.vstack([xb, exb]).tocsr()
            yy, ww = np.concatenate([yy, ey]), np.concatenate([ww, ew])
        if ps_w > 0:
            idx = np.asarray([i for i, q in enumerate(F.pseudo) if q])
            XU = F.x("U", W)[idx]
            pl = np.asarray([F.pseudo[i] for i in idx], dtype=object)
            if ps_agree:
                f = svm(x, yy, ww)
                keep = np.asarray(CLASSES, dtype=object)[f(XU).argmax(axis=1)] == pl
                XU, pl = XU[keep], pl[keep]
                idx = idx[keep]
            x = sparse.vstack([x, XU]).tocsr()
            xb = sparse.vstack([xb, F.x("U", W, binary=True)[idx]]).tocsr()
            yy, ww = np.concatenate([yy, pl]), np.concatenate([ww, np.full(len(pl), ps_w)])
        outs = []
        for _, fit in comps:
            f = fit(x, yy, ww, xb)
            outs.append(f(te_b if _.endswith("_b") else te_x))
        return outs

    res = []
    sss = StratifiedShuffleSplit(n_splits=splits, test_size=0.3, random_state=seed)
    for tr, te in sss.split(np.zeros(len(y)), y):
        # inner CV for calibration
        oof = [np.zeros((len(tr), 7)) for _ in comps]
        for itr, ite in StratifiedKFold(3, shuffle=True, random_state=seed).split(tr, y[tr]):
            outs = fit_predict(tr[itr], XL[tr[ite]], BL[tr[ite]])
            for o, s in zip(oof, outs, strict=True):
                o[ite] = s
        temps = [rt._fit_temperature(o, y_idx[tr]) if "nb" not in c or c == "nbsvm" else _nb_temp(o, y_idx[tr]) for o, (c, _) in
                 zip(oof, comps, strict=True)]
        p, conf = combine_probs([_softmax(o, t) for o, t in zip(oof, temps, strict=True)], how)
        correct = p.argmax(axis=1) == y_idx[tr]
        conf_oof = conf
        thr = rt._choose_threshold(conf, correct, 0.97)
        k_oof = p.argmax(axis=1)
        outs = fit_predict(tr, XL[te], BL[te])
        p, conf = combine_probs([_softmax(o, t) for o, t in zip(outs, temps, strict=True)], how)
        if per_class:  # one threshold per predicted category, each with the same target
            thr_c = np.asarray([rt._choose_threshold(conf_oof[k_oof == k], correct[k_oof == k], 0.97)
                                if (k_oof == k).any() else thr for k in range(7)])
            thr = thr_c[p.argmax(axis=1)]
        pred = [CLASSES[i] for i in p.argmax(axis=1)]
        rep = rt.classification_report(list(y[te]), pred, CLASSES)
        ok = p.argmax(axis=1) == y_idx[te]
        auto = conf >= thr
        # oracle: largest share whose precision ≥ 0.95
        o = np.argsort(-conf)
        prec = np.cumsum(ok[o]) / np.arange(1, len(o) + 1)
        good = np.nonzero(prec >= 0.95)[0]
        oracle = (good.max() + 1) / len(o) if len(good) else 0.0
        res.append((rep["macro_f1"], auto.mean(), ok[auto].mean() if auto.any() else 0.0, oracle, np.mean(thr)))
    r = np.asarray(res)
    m, s = r.mean(axis=0), r.std(axis=0)
    return (f"{name:28s} F1 {m[0]:.3f} ± {s[0]:.3f} | auto {100*m[1]:.1f} % ± {100*s[1]:.1f} "
            f"at {m[2]:.3f} ± {s[2]:.3f} | oracle@0.95 {100*m[3]:.1f} % | thr {np.mean(r[:, 4]):.2f}  "
            f"[F1 per split {' '.join(f'{v:.3f}' for v in r[:, 0])}]")


def _nb_temp(scores, y_idx):
    """NB joint log-likelihoods are huge: a temperature from a wider grid."""
    best_t, best = 1.0, np.inf
    for t in np.exp(np.linspace(np.log(0.05), np.log(500), 200)):
        p = _softmax(scores, float(t))
        nll = -np.mean(np.log(np.clip(p[np.arange(len(y_idx)), y_idx], 1e-12, 1)))
        if nll < best:
            best_t, best = float(t), nll
    return best_t


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("variants", nargs="+")
    ap.add_argument("--splits", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    docs, y, u_docs, u_pseudo, t_docs, t_labels = load()
    import pickle
    from pathlib import Path

    cache = Path("/tmp/route18-feats.pkl")
    if cache.exists():
        F = pickle.loads(cache.read_bytes())
    else:
        F = Feats(docs, u_docs, t_docs)
        cache.write_bytes(pickle.dumps(F))
    if "kw" not in F.blocks:
        from sklearn.feature_extraction.text import TfidfVectorizer

        tok = kw_tokens_factory()
        alld = {"L": docs, "U": u_docs, "T": t_docs}
        kt = {k: [tok(m) for m, _ in v] for k, v in alld.items()}
        v = TfidfVectorizer(analyzer=rt._identity, sublinear_tf=True, min_df=2, dtype=np.float64)
        v.fit(kt["L"] + kt["U"])
        F.blocks["kw"] = {k: v.transform(kt[k]).tocsr() for k in alld}
        F.counts["kw"] = {k: sparse.csr_matrix((F.blocks["kw"][k] > 0).astype(np.float64)) for k in alld}
        cache.write_bytes(pickle.dumps(F))
    if "kwt" not in F.blocks:  # the keyword block of the title alone (cheap at prediction)
        from sklearn.feature_extraction.text import TfidfVectorizer

        tok = kw_tokens_factory()
        alld = {"L": docs, "U": u_docs, "T": t_docs}
        kt = {k: [tok(t) for _, t in v] for k, v in alld.items()}
        v = TfidfVectorizer(analyzer=rt._identity, sublinear_tf=True, min_df=2, dtype=np.float64)
        v.fit(kt["L"] + kt["U"])
        F.blocks["kwt"] = {k: v.transform(kt[k]).tocsr() for k in alld}
        F.counts["kwt"] = {k: sparse.csr_matrix((F.blocks["kwt"][k] > 0).astype(np.float64)) for k in alld}
        cache.write_bytes(pickle.dumps(F))
    for n in (150, 300):
        b = f"char{n}"
        if b in F.blocks:
            continue
        from sklearn.feature_extraction.text import TfidfVectorizer

        alld = {"L": docs, "U": u_docs, "T": t_docs}
        # the message document is title twice then the detail: keep the titles and n detail chars
        kt = {k: [tx.char_ngrams(m[: 2 * len(t) + n + 2], 1, 3) for m, t in v] for k, v in alld.items()}
        v = TfidfVectorizer(analyzer=rt._identity, sublinear_tf=True, min_df=2, dtype=np.float64)
        v.fit(kt["L"] + kt["U"])
        F.blocks[b] = {k: v.transform(kt[k]).tocsr() for k in alld}
        F.counts[b] = {k: sparse.csr_matrix((F.blocks[b][k] > 0).astype(np.float64)) for k in alld}
        cache.write_bytes(pickle.dumps(F))
    F.pseudo = u_pseudo
    print(f"features ready in {time.perf_counter() - t0:.0f} s; params {PARAMS['C']}", file=sys.stderr, flush=True)
    for v in a.variants:
        t1 = time.perf_counter()
        print(run(v, F, y, t_labels, a.splits, a.seed), f"({time.perf_counter() - t1:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
