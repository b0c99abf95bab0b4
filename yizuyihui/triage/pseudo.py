"""Distant supervision: pseudo-labels for unlabelled messages from their official replies.

The replies in messages_with_replies.csv (答复意见) usually name the department that
answered (县教育局, 市交通运输局, 区人社局 …). A message gets the category of that
department's family when the reply names exactly one of the seven families (other
departments such as 公安 or 财政 may also be named); otherwise it gets none. Messages
that duplicate a routing_train.csv message (same 留言编号, or ≥ 50 % of their character
4-grams shared) get none, so cross-validation on routing_train cannot leak through them.

`python -m yizuyihui.triage.pseudo REPLIES.csv TRAIN.csv OUT.csv` writes the shipped
``data/unlabelled.csv``: 留言编号, 留言主题, 留言时间, 留言详情, 答复部门 (the pseudo-label
or ""); the replies themselves are not shipped.

Measured (docs/triage.md): 1,157 of 2,816 messages get a pseudo-label; adding them to
training (weight 0.15–1) did not raise the cross-validated macro-F1, so
``routing.PARAMS["pseudo_label_weight"]`` is 0.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from . import text as tx

FAMILIES: dict[str, str] = {
    "教育文体": r"教育局|教育厅|教体局|教育和体育局|文体局|体育局|文化局|文广新|文化广电|教育部门|教育行政部门|招生办"
    r"|教育考试院|教育督导",
    "劳动和社会保障": r"人力资源和社会保障|人力资源社会保障|人社局|人社厅|人社部门|社保局|社会保险(?:事业|基金|服务|经办|管理)"
    r"|社保中心|社保处|医保局|医疗保障局|医保中心|医疗保险(?:事业|管理|服务)|劳动监察|劳动保障监察|就业服务"
    r"|劳动人事争议|劳动仲裁",
    "卫生计生": r"卫健委|卫生健康|卫计委|卫生和计划生育|卫生计生|卫生局|计生局|计生办|计划生育|疾控|疾病预防控制|卫生监督",
    "交通运输": r"交通运输局|交通运输厅|交通局|交通运输部门|运管|运输管理|公路局|公路管理|公路建设|道路运输|公交公司"
    r"|公交集团|交通建设|出租车管理|客运|交警|交通警察|公安交通管理",
    "环境保护": r"生态环境|环保局|环境保护局|环保厅|环境监察|环保部门|环境保护部门|环境监测|环保分局|环境执法",
    "城乡建设": r"住房和城乡建设|住建|城乡建设局|城乡建设委|建设局|建委|城管|城市管理|规划局|规划分局|城乡规划"
    r"|自然资源|国土资源|国土局|房产局|房管局|房地产管理|住房保障|物管办|物业办|市政局|市政设施|不动产登记"
    r"|房屋征收|征收办|征地拆迁|棚改|城乡建设行政执法|住房公积金|公积金中心|公积金管理",
    "商贸旅游": r"商务局|商务厅|市场监督管理|市场监管|市场和质量监督|工商局|工商分局|工商部门|质监局|质量技术监督|文旅"
    r"|旅游局|旅游发展|文化旅游|文化和旅游|经济和科技商务|商务和粮食|盐务|价格监督|物价局",
}
_PATTERNS = {k: re.compile(v) for k, v in FAMILIES.items()}


def reply_families(reply: str) -> dict[str, int]:
    """Department families named in a reply, with their mention counts."""
    return {k: len(p.findall(reply)) for k, p in _PATTERNS.items() if p.search(reply or "")}


def pseudo_label(reply: str) -> str:
    """The category of the one department family a reply names, else ""."""
    fams = reply_families(reply)
    return next(iter(fams)) if len(fams) == 1 else ""


def _shingles(title: str, detail: str) -> set[str]:
    d = tx.normalise(title + detail)
    return {d[i : i + 4] for i in range(len(d) - 3)}


def duplicates_of(rows: list[dict[str, str]], labelled: list[dict[str, str]], overlap: float = 0.5) -> set[int]:
    """Indices of `rows` that are a labelled message: same 留言编号, or ≥ `overlap` of the
    shorter message's character 4-grams shared with one labelled message."""
    ids = {r.get("留言编号", "") for r in labelled}
    shingles = [_shingles(r["留言主题"], r["留言详情"]) for r in labelled]
    index: dict[str, list[int]] = {}
    for i, s in enumerate(shingles):
        for g in s:
            index.setdefault(g, []).append(i)
    out = set()
    for j, r in enumerate(rows):
        if r.get("留言编号", "") in ids:
            out.add(j)
            continue
        s = _shingles(r["留言主题"], r["留言详情"])
        counts: dict[int, int] = {}
        for g in s:
            for i in index.get(g, ()):
                counts[i] = counts.get(i, 0) + 1
        if any(c >= overlap * max(1, min(len(s), len(shingles[i]))) for i, c in counts.items()):
            out.add(j)
    return out


def build(replies_csv: Path, train_csv: Path, out_csv: Path) -> dict[str, int]:
    """Write the unlabelled file with pseudo-labels; return counts per label."""
    from .csvio import read_rows, write_rows

    rows = read_rows(replies_csv, ["留言编号", "留言主题", "留言时间", "留言详情", "答复意见"])
    labelled = read_rows(train_csv, ["留言主题", "留言详情"])
    dup = duplicates_of(rows, labelled)
    labels = ["" if j in dup else pseudo_label(r["答复意见"]) for j, r in enumerate(rows)]
    write_rows(out_csv, ["留言编号", "留言主题", "留言时间", "留言详情", "答复部门"],
               ([r["留言编号"], r["留言主题"], r["留言时间"], r["留言详情"], lab] for r, lab in zip(rows, labels, strict=True)))
    counts: dict[str, int] = {"duplicates_of_labelled": len(dup)}
    for lab in labels:
        counts[lab or "none"] = counts.get(lab or "none", 0) + 1
    return counts


if __name__ == "__main__":  # pragma: no cover
    print(build(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])))
