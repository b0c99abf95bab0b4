"""Likely duplicates and widespread problems (民众普遍性问题) among Chinese matters.

Pure Python + numpy (+ scikit-learn/scipy, imported inside `cluster_hotspots` only):
no Django, so the CLI and the Django apps share it.

* `find_similar` — while a matter is filed: which of the candidate matters (e.g. the open
  matters of the same unit) say the same thing? Cosine similarity of TF-IDF vectors
  (character bigrams + jieba words), document frequencies taken from the shipped corpus.
* `cluster_hotspots` — across units: group similar matters into candidate widespread
  problems and rank them by size, spread across units, recency and support (tier 3).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from . import text as tx
from .routing import load_model

# Cosine (0..1) from which a candidate counts as a likely duplicate. Measured on the shipped
# tests: reworded copies of a message score 0.32–0.72, a different message on the same
# topic (another 物业 complaint) 0.06, unrelated ones ≈ 0. See docs/triage.md.
DUPLICATE_THRESHOLD = 0.30
# Cosine from which two matters are linked when grouping widespread problems.
HOTSPOT_LINK_THRESHOLD = 0.35
# Cluster centroids closer than this are merged into one problem.
HOTSPOT_MERGE_THRESHOLD = 0.45
# Text this similar links two matters even when their titles name different places.
SAME_TEXT_DESPITE_PLACES = 0.6
# A place named by more than this share of a batch (and more than 10 matters) is too common to
# hold a problem together (e.g. a city's main road).
ANCHOR_MAX_SHARE = 0.05
# Recency: a problem's weight halves for every this many days its newest member lies
# behind the newest message of the batch.
RECENCY_HALF_LIFE_DAYS = 60.0
# Characters of a matter's detail used for hotspots (after the title).
HOTSPOT_BODY_CHARS = 300


# --------------------------------------------------------------------------- features


def _doc(title: str, body: str) -> str:
    return tx.normalise_light(tx.message_text(title, body, title_weight=2))


_terms = tx.similarity_terms


def _sublinear_tfidf(terms: list[str], idf_of) -> dict[str, float]:
    counts = Counter(terms)
    vec = {t: (1.0 + math.log(c)) * idf_of(t) for t, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {t: v / norm for t, v in vec.items()}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def find_similar(
    text: str,
    candidates: Sequence[tuple[int, str]],
    *,
    threshold: float = DUPLICATE_THRESHOLD,
    limit: int = 5,
) -> list[tuple[int, float]]:
    """Likely duplicates of `text` among candidate (id, text) pairs, best first.

    Returns at most `limit` (id, similarity) pairs with similarity ≥ `threshold`
    (cosine, 0..1, rounded to 4 decimals). A candidate's text may hold title and detail
    together. Document frequencies come from the shipped corpus (see routing artefact),
    so this works for a handful of candidates as well as for thousands.
    """
    if not candidates or not (text or "").strip():
        return []
    idf_of = _corpus_idf()
    query = _sublinear_tfidf(_terms(_doc("", text)), idf_of)
    scored = []
    for cid, ctext in candidates:
        if not (ctext or "").strip():
            continue
        sim = _cosine(query, _sublinear_tfidf(_terms(_doc("", ctext)), idf_of))
        if sim >= threshold:
            scored.append((cid, round(min(sim, 1.0), 4)))
    scored.sort(key=lambda p: (-p[1], str(p[0])))
    return scored[: max(limit, 0)]


def _corpus_idf():
    """idf(term) from the document frequencies shipped with the routing artefact."""
    model = load_model()
    df = model.sim_df
    n = model.sim_n_docs
    unseen = math.log((1 + n) / 1) + 1.0

    def idf_of(term: str) -> float:
        d = df.get(term)
        return unseen if d is None else math.log((1 + n) / (1 + d)) + 1.0

    return idf_of


# --------------------------------------------------------------------------- hotspots


def _stamp(when: datetime | None) -> float:
    return when.timestamp() if when is not None else 0.0


@dataclass
class HotspotItem:
    """One matter offered to hotspot detection."""

    id: int
    title: str
    text: str
    time: datetime | None = None
    unit_id: int | None = None
    support: int = 0  # e.g. 点赞数 − 反对数, or residents who attached themselves


@dataclass(frozen=True)
class Hotspot:
    """A candidate widespread problem: similar matters, ranked for tier-3 handling."""

    rank: int
    label: str  # a few key words joined by spaces
    member_ids: list[int] = field(hash=False)
    size: int
    spread: int  # distinct units among the members (0 when no unit is known)
    score: float
    first_time: datetime | None = None
    last_time: datetime | None = None
    support: int = 0


def cluster_hotspots(
    items: Sequence[HotspotItem],
    *,
    top: int = 10,
    link_threshold: float = HOTSPOT_LINK_THRESHOLD,
    merge_threshold: float = HOTSPOT_MERGE_THRESHOLD,
    min_size: int = 2,
) -> list[Hotspot]:
    """Group similar matters and return the `top` candidate widespread problems, best first.

    1. TF-IDF vectors (character bigrams + words, document frequencies of this batch).
    2. Link each matter to the others with cosine ≥ `link_threshold` (sparse product, chunked).
    3. Seeds in order of link count: a seed takes its unassigned linked matters (one hop,
       so no chaining through loosely related text); clusters whose centroids are closer
       than `merge_threshold` are merged; every member is then re-assigned to the closest
       centroid if that one is better.
    4. Score = Σ(1 + ln(1 + max(support, 0))) over members × (1 + 0.5·ln(spread)) ×
       (0.5 + 0.5·2^(−age/half-life)), age = days from the cluster's newest member to the
       newest matter of the batch. Deterministic: ties are broken by the smallest id.
    """
    items = list(items)
    if top <= 0 or len(items) < min_size:
        return []
    from .places import facts_and_aliases

    x = _batch_matrix(items)
    n = x.shape[0]
    facts, aliases = facts_and_aliases([(it.title or "", it.text or "") for it in items],
                                       body_chars=HOTSPOT_BODY_CHARS)
    anchors = _anchor_places(facts, n)
    neighbours = _links(x, link_threshold)
    # two matters whose titles name different specific places are different problems
    neighbours = [[(j, v) for j, v in nb if v >= SAME_TEXT_DESPITE_PLACES or not _places_differ(facts[i], facts[j], anchors)]
                  for i, nb in enumerate(neighbours)]
    degree = np.array([len(nb) for nb in neighbours])
    ids = [it.id for it in items]
    order = sorted(range(n), key=lambda i: (-degree[i], str(ids[i])))
    assigned = np.full(n, -1)
    clusters: list[list[int]] = []
    for i in order:
        if assigned[i] >= 0 or degree[i] == 0:
            continue
        members = [i] + [j for j, _ in neighbours[i] if assigned[j] < 0]
        if len(members) < 2:
            continue
        cid = len(clusters)
        clusters.append(members)
        assigned[members] = cid
    clusters = _merge_and_reassign(x, clusters, assigned, link_threshold, merge_threshold)
    clusters = merge_by_place_issue(clusters, facts, anchors)
    clusters = rehome_by_place(clusters, facts, anchors)
    clusters = [c for c in clusters if len(c) >= min_size]
    if not clusters:
        return []

    latest = max((it.time for it in items if it.time is not None), default=None)
    scored = []
    for members in clusters:
        scored.append((_score(items, members, latest), members))
    scored.sort(key=lambda p: (-p[0], -len(p[1]), min(str(ids[i]) for i in p[1])))
    labels_for = scored[:top]
    vocab_terms, df = _label_stats(items)
    out = []
    for rank, (score, members) in enumerate(labels_for, start=1):
        member_items = [items[i] for i in members]
        # Items without a time sort first; timestamps compare naive and aware times alike.
        member_items.sort(key=lambda it: (it.time is not None, _stamp(it.time), str(it.id)))
        times = [it.time for it in member_items if it.time is not None]
        units = {it.unit_id for it in member_items if it.unit_id is not None}
        out.append(
            Hotspot(
                rank=rank,
                label=_place_issue_label(members, facts, anchors, aliases.display)
                or _label([vocab_terms[i] for i in members], df, n),
                member_ids=[it.id for it in member_items],
                size=len(members),
                spread=len(units),
                score=round(score, 4),
                first_time=min(times) if times else None,
                last_time=max(times) if times else None,
                support=sum(it.support for it in member_items),
            )
        )
    return out


def _batch_matrix(items: Sequence[HotspotItem]):
    from sklearn.feature_extraction.text import TfidfVectorizer

    # the title and the start of the detail carry the problem; long details only cost time
    docs = [_doc(it.title, (it.text or "")[:HOTSPOT_BODY_CHARS]) for it in items]
    vec = TfidfVectorizer(analyzer=_terms, sublinear_tf=True, min_df=1, dtype=np.float32)
    x = vec.fit_transform(docs)
    return x.tocsr()


def _links(x, threshold: float, chunk: int = 1000) -> list[list[tuple[int, float]]]:
    """For each row, the other rows with cosine ≥ threshold, best first."""
    n = x.shape[0]
    xt = x.T.tocsr()
    out: list[list[tuple[int, float]]] = []
    for start in range(0, n, chunk):
        block = (x[start : start + chunk] @ xt).tocsr()
        block.data[block.data < threshold] = 0
        block.eliminate_zeros()
        for r in range(block.shape[0]):
            i = start + r
            lo, hi = block.indptr[r], block.indptr[r + 1]
            cols = block.indices[lo:hi]
            vals = block.data[lo:hi]
            pairs = [(int(c), float(v)) for c, v in zip(cols, vals, strict=True) if c != i]
            pairs.sort(key=lambda p: (-p[1], p[0]))
            out.append(pairs)
    return out


def _centroids(x, clusters: list[list[int]]) -> np.ndarray:
    from scipy import sparse

    rows, cols = [], []
    for c, members in enumerate(clusters):
        rows.extend([c] * len(members))
        cols.extend(members)
    assign = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(clusters), x.shape[0])
    )
    cent = (assign @ x).tocsr()
    norms = np.sqrt(np.asarray(cent.multiply(cent).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms) @ cent


def _merge_and_reassign(x, clusters, assigned, link_threshold, merge_threshold):
    if not clusters:
        return clusters
    # merge clusters with close centroids (union-find over centroid pairs)
    cent = _centroids(x, clusters)
    sim = (cent @ cent.T).tocoo()
    parent = list(range(len(clusters)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for a, b, v in sorted(zip(sim.row, sim.col, sim.data, strict=True), key=lambda t: (-t[2], t[0], t[1])):
        if a < b and v >= merge_threshold:
            ra, rb = find(int(a)), find(int(b))
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    merged: dict[int, list[int]] = {}
    for c, members in enumerate(clusters):
        merged.setdefault(find(c), []).extend(members)
    clusters = [sorted(m) for _, m in sorted(merged.items())]
    # re-assign members (and unassigned matters close enough) to the best centroid
    cent = _centroids(x, clusters)
    sims = (x @ cent.T).toarray()
    best = sims.argmax(axis=1)
    best_sim = sims[np.arange(x.shape[0]), best]
    current = np.full(x.shape[0], -1)
    for c, members in enumerate(clusters):
        current[members] = c
    new: list[list[int]] = [[] for _ in clusters]
    for i in range(x.shape[0]):
        if current[i] >= 0:
            keep = current[i]
            if best[i] != keep and best_sim[i] > sims[i, keep] + 0.05:
                keep = best[i]
            new[keep].append(i)
        elif best_sim[i] >= max(link_threshold, merge_threshold):
            new[best[i]].append(i)
    return [m for m in new if m]


# --------------------------------------------------------------------------- places and issues


def _anchor_places(facts, n: int) -> dict[str, str]:
    """Places that can hold a problem together in this batch: named by ≥ 2 matters and (roads
    and villages) by at most `ANCHOR_MAX_SHARE` of them (or 10); {name: kind}."""
    from collections import Counter as _C

    from .places import SPECIFIC_KINDS

    df = _C(p for f in facts for p in set(f.places))
    cap = max(10, int(ANCHOR_MAX_SHARE * n))
    kinds: dict[str, str] = {}
    for f in facts:
        for p in f.places:
            kind = f.kinds.get(p, "estate")
            # an estate, institution or company named by many matters is a dominant problem's place
            if df[p] >= 2 and (df[p] <= cap or kind in SPECIFIC_KINDS):
                kinds.setdefault(p, kind)
    return kinds


def _specific(places, anchors) -> set[str]:
    from .places import SPECIFIC_KINDS, is_proper_name

    return {p for p in places if anchors.get(p) in SPECIFIC_KINDS and is_proper_name(p)}


def _places_differ(a, b, anchors) -> bool:
    """Titles in different (masked) cities, or naming different specific places."""
    if a.city and b.city and a.city != b.city:
        return True
    pa, pb = _specific(a.title_places, anchors), _specific(b.title_places, anchors)
    return bool(pa and pb and not (pa & pb) and not any(x in y or y in x for x in pa for y in pb))


def _dominant(members, facts, anchors, attr: str, share: float) -> list[str]:
    """Values of `attr` (places or issues) named by at least `share` of the members, most first."""
    c: Counter = Counter()
    for i in members:
        values = getattr(facts[i], attr)
        c.update({v for v in values if not attr.endswith("places") or v in anchors})
    need = max(1, math.ceil(share * len(members)))
    return [v for v, k in sorted(c.items(), key=lambda p: (-p[1], p[0])) if k >= need]


def merge_by_place_issue(clusters: list[list[int]], facts, anchors: dict[str, str]) -> list[list[int]]:
    """Merge clusters that share a place and an issue, then take in the matters that name the
    cluster's place and issue.

    A cluster's place is an anchor place named by at least half of its members; its issues are the
    issue keys and title words named by at least a quarter. Two clusters with the same place merge
    when they share an issue (a specific place — estate, institution, company — holds one problem
    even when it is described by different complaints: they share e.g. 物业 or 开发商); then every
    matter not yet in a cluster whose title names that place, and whose text names one of the
    cluster's issues (any matter naming a specific place in its title), joins it."""
    from .places import SPECIFIC_KINDS, is_proper_name

    info = []
    for members in clusters:
        places = _dominant(members, facts, anchors, "places", 0.5)
        issues = set(_dominant(members, facts, anchors, "issues", 0.25))
        issues |= set(_dominant(members, facts, anchors, "words", 0.25))
        info.append((places[0] if places else None, issues))
    parent = list(range(len(clusters)))

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    by_place: dict[str, list[int]] = {}
    for c, (place, _) in enumerate(info):
        if place is not None:
            by_place.setdefault(place, []).append(c)
    for cs in by_place.values():
        for a in cs:
            for b in cs:
                if a < b and (info[a][1] & info[b][1]):
                    ra, rb = find(a), find(b)
                    if ra != rb:
                        parent[max(ra, rb)] = min(ra, rb)
    merged: dict[int, list[int]] = {}
    for c, members in enumerate(clusters):
        merged.setdefault(find(c), []).extend(members)
    roots = sorted(merged)
    out = [sorted(set(merged[r])) for r in roots]
    place_of = [info[r][0] for r in roots]
    issues_of = [set().union(*(info[c][1] for c in range(len(clusters)) if find(c) == r)) for r in roots]
    taken = {i for m in out for i in m}
    index: dict[str, list[int]] = {}
    for i, f in enumerate(facts):
        if i not in taken:
            for p in f.title_places:
                index.setdefault(p, []).append(i)
    for k, place in enumerate(place_of):
        if place is None:
            continue
        for i in index.get(place, []):
            if i in taken:
                continue
            f = facts[i]
            if (anchors.get(place) == "estate" and is_proper_name(place)) or issues_of[k] & (set(f.issues) | set(f.words)):
                out[k].append(i)
                taken.add(i)
    # matters naming one specific place in their titles, left alone by the text clustering
    rest: dict[str, list[int]] = {}
    for p, idx in index.items():
        if anchors.get(p) in SPECIFIC_KINDS and is_proper_name(p) and p not in place_of:
            free = [i for i in idx if i not in taken]
            if len(free) >= 2:
                rest[p] = free
    for _p, free in sorted(rest.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        free = [i for i in free if i not in taken]
        terms = Counter(t for i in free for t in set(facts[i].issues) | set(facts[i].words))
        free = [i for i in free if any(terms[t] >= 2 for t in set(facts[i].issues) | set(facts[i].words))]
        if len(free) >= 2:
            out.append(free)
            taken.update(free)
    return [sorted(m) for m in out]


def _issues_of(members, facts, anchors) -> set[str]:
    issues = set(_dominant(members, facts, anchors, "issues", 0.25))
    return issues | set(_dominant(members, facts, anchors, "words", 0.25))


def rehome_by_place(clusters: list[list[int]], facts, anchors: dict[str, str]) -> list[list[int]]:
    """Put each matter with the problem of the place it names.

    A cluster's place is a proper anchor estate, institution or company that at least half of its
    members name in their titles (under any of its aliases). A matter that does not name its own
    cluster's place (or is in no cluster) moves to the largest cluster whose place it names
    * in its title, sharing one of the cluster's issues (issue keys or title words named by a
      quarter of its members), or
    * (unless it is in a cluster without a place) only in its detail, or through a road or
      company that stands for the place in this batch (`Facts.linked`), sharing one of the
      cluster's issue keys.
    A whole cluster without a place, or about a company (the developer), whose members mostly
    name an estate (or a road or developer standing for it, `Facts.linked`) joins that estate's
    larger cluster when they share an issue (its members that share one of that cluster's issues). Text clusters held
    together by boilerplate thus give their matters back to the places' problems, and matters
    that name the place in another way join."""
    from .places import SPECIFIC_KINDS, is_proper_name

    if not clusters:
        return clusters
    place_of: list[str | None] = []
    issues_of: list[set[str]] = []
    keys_of: list[set[str]] = []
    for members in clusters:
        places = [p for p in _dominant(members, facts, anchors, "title_places", 0.5)
                  if is_proper_name(p) and anchors.get(p) in SPECIFIC_KINDS]
        place_of.append(places[0] if places else None)
        keys_of.append(set(_dominant(members, facts, anchors, "issues", 0.25)))
        issues_of.append(keys_of[-1] | set(_dominant(members, facts, anchors, "words", 0.25)))
    by_place: dict[str, list[int]] = {}
    for c, p in enumerate(place_of):
        if p is not None:
            by_place.setdefault(p, []).append(c)
    for cs in by_place.values():
        cs.sort(key=lambda c: -len(clusters[c]))
    home = {i: c for c, members in enumerate(clusters) for i in members}
    moved: dict[int, int] = {}
    # a cluster about a road or developer that stands for an estate joins the estate's problem
    for c, members in enumerate(clusters):
        if place_of[c] is not None and anchors.get(place_of[c]) != "company":
            continue
        linked = _dominant(members, facts, anchors, "linked", 0.5) + _dominant(members, facts, anchors, "places", 0.5)
        target = next((t for e in linked for t in by_place.get(e, [])
                       if t != c and len(clusters[t]) > len(members) and issues_of[t] & issues_of[c]), None)
        if target is not None:
            moved.update({i: target for i in members if issues_of[target] & (set(facts[i].issues) | set(facts[i].words))})
            for cs in by_place.values():  # a cluster given to an estate takes no one in
                if c in cs:
                    cs.remove(c)
    for i, f in enumerate(facts):
        if i in moved:
            continue
        own = home.get(i)
        if own is not None and place_of[own] is not None and place_of[own] in f.places:
            continue
        terms, keys = set(f.issues) | set(f.words), set(f.issues)
        for p in dict.fromkeys(list(f.title_places) + list(f.places) + list(f.linked)):
            in_title = p in f.title_places
            if not in_title and own is not None and place_of[own] is None:
                continue  # a matter of a cluster without a place leaves it only for a place in its title
            target = next((c for c in by_place.get(p, [])
                           if c != own and (issues_of[c] & terms if in_title else keys_of[c] & keys)), None)
            if target is not None:
                moved[i] = target
                break
    if not moved:
        return clusters
    out = [[i for i in members if i not in moved] for members in clusters]
    for i, c in moved.items():
        out[c].append(i)
    return [sorted(m) for m in out if m]


def _place_issue_label(members, facts, anchors, display: dict[str, str] | None = None) -> str:
    """"place issue" (e.g. "丽发新城 噪音扰民"): the place most members name, their most
    named issue key (else their most used title word); "" without a dominant place."""
    from .places import is_proper_name

    places = [p for p in _dominant(members, facts, anchors, "title_places", 0.4) if is_proper_name(p)]
    if not places:
        return ""
    place = places[0]
    issues = _dominant(members, facts, anchors, "issues", 0.2)
    words = [w for w in _dominant(members, facts, anchors, "words", 0.2) if w not in place and place not in w]
    issue = issues[0] if issues else (words[0] if words else "")
    shown = (display or {}).get(place, place)
    if len(places) > 1 and places[1] not in place and place not in places[1] and issue == "":
        return f"{shown} {(display or {}).get(places[1], places[1])}"
    return f"{shown} {issue}".strip()


def _score(items: Sequence[HotspotItem], members: list[int], latest: datetime | None) -> float:
    weight = sum(1.0 + math.log1p(max(items[i].support, 0)) for i in members)
    units = {items[i].unit_id for i in members if items[i].unit_id is not None}
    spread_factor = 1.0 + 0.5 * math.log(len(units)) if units else 1.0
    times = [items[i].time for i in members if items[i].time is not None]
    if len(times) > 1:  # a problem that keeps coming back over weeks weighs more than one burst
        span_days = (max(times) - min(times)).total_seconds() / 86400.0
        spread_factor *= 1.0 + 0.1 * math.log1p(max(span_days, 0.0))
    if latest is not None and times:
        age_days = max((latest - max(times)).total_seconds() / 86400.0, 0.0)
        recency = 0.5 + 0.5 * 0.5 ** (age_days / RECENCY_HALF_LIFE_DAYS)
    else:
        recency = 1.0
    return weight * spread_factor * recency


def _label_stats(items: Sequence[HotspotItem]):
    """Content words of each item's title (counted twice) and text; document frequencies."""
    per_item: list[Counter] = []
    df: Counter = Counter()
    for it in items:
        title_words = tx.content_words(tx.words(tx.normalise_light(it.title or "")))
        body_words = tx.content_words(tx.words(tx.normalise_light(it.text or "")))
        c = Counter(title_words)
        c.update(title_words)
        c.update(set(body_words))
        per_item.append(c)
        df.update(c.keys())
    return per_item, df


def _label(counters: list[Counter], df: Counter, n_docs: int, k: int = 4) -> str:
    """c-TF-IDF key words of a cluster: frequent in it, rare in the batch."""
    total: Counter = Counter()
    present: Counter = Counter()
    for c in counters:
        total.update(c)
        present.update(c.keys())
    size = len(counters)
    scored = []
    for term, tf in total.items():
        if size > 2 and present[term] < 2:
            continue
        scored.append((tf * math.log(1 + n_docs / df[term]), term))
    scored.sort(key=lambda p: (-p[0], p[1]))
    chosen: list[str] = []
    for _, term in scored:
        if any(term in c or c in term for c in chosen):
            continue
        chosen.append(term)
        if len(chosen) == k:
            break
    return " ".join(chosen)

