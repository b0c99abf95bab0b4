"""Evaluate widespread-problem clusters against hand-labelled problems.

`data/hotspot_eval.csv` (problem, label, 留言编号 separated by spaces) lists problems found by
hand in messages_with_replies.csv — see data/README_hotspot_eval.md for how it was made. For
each problem the best-matching cluster (highest F1 = 2|C∩P| / (|C| + |P|)) among all the
clusters `cluster_hotspots` returns gives the problem's precision, recall and F1.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .csvio import read_rows

DEFAULT_EVAL_CSV = Path(__file__).resolve().parent / "data" / "hotspot_eval.csv"


@dataclass
class ProblemScore:
    problem: str
    label: str
    size: int
    cluster_rank: int | None  # rank of the best-matching cluster (None: no cluster holds any member)
    cluster_label: str
    precision: float
    recall: float
    f1: float


def read_problems(path: Path = DEFAULT_EVAL_CSV) -> list[tuple[str, str, set[str]]]:
    return [(r["problem"], r["label"], set(r["留言编号"].split())) for r in read_rows(Path(path), ["problem", "label", "留言编号"])]


def score_problems(problems, spots) -> list[ProblemScore]:
    out = []
    for pid, label, members in problems:
        best = ProblemScore(pid, label, len(members), None, "", 0.0, 0.0, 0.0)
        for h in spots:
            got = {str(m) for m in h.member_ids}
            hit = len(got & members)
            if not hit:
                continue
            p, r = hit / len(got), hit / len(members)
            f = 2 * p * r / (p + r)
            if f > best.f1:
                best = ProblemScore(pid, label, len(members), h.rank, h.label, p, r, f)
        out.append(best)
    return out
