"""Staff corrections of a matter's category, read as labelled examples for retraining.

A correction is a `cases.CaseEvent` with action "recategorize" and data
{"from": <old category id or None>, "to": <new category id>} (the loop's "correct the category"
step, and the review queue's choice). The newest correction of a matter wins; its category's
first-level ancestor is the label (corrections to a category outside the seven routing
categories are skipped).
"""

from __future__ import annotations

from yizuyihui.cases.models import Case, CaseEvent, Category
from yizuyihui.triage.learning import Correction
from yizuyihui.triage.routing import CATEGORIES

ACTION = "recategorize"


def _top_names() -> dict[int, str]:
    rows = {pk: (parent, name) for pk, parent, name in Category.objects.values_list("pk", "parent_id", "name")}
    out = {}
    for pk in rows:
        node = pk
        seen = 0
        while rows[node][0] is not None and seen < 10:
            node, seen = rows[node][0], seen + 1
        out[pk] = rows[node][1]
    return out


def correction_events(*, since_event_id: int = 0, cases=None):
    qs = CaseEvent.objects.filter(action=ACTION, pk__gt=since_event_id)
    if cases is not None:
        qs = qs.filter(case__in=cases)
    return qs


def read_corrections(*, since_event_id: int = 0) -> list[Correction]:
    """The corrections (newest per matter), as labelled examples."""
    tops = _top_names()
    latest: dict[int, tuple[int, int, object]] = {}
    for pk, case_id, data, at in correction_events(since_event_id=since_event_id).order_by("pk").values_list(
            "pk", "case_id", "data", "at"):
        to = (data or {}).get("to")
        if isinstance(to, int) and to in tops:
            latest[case_id] = (pk, to, at)
    if not latest:
        return []
    texts = {pk: (t, d) for pk, t, d in Case.objects.filter(pk__in=latest).values_list("pk", "title", "description")}
    out = []
    for case_id, (event_id, to, at) in sorted(latest.items(), key=lambda kv: kv[1][0]):
        label = tops[to]
        if label not in CATEGORIES or case_id not in texts:
            continue
        title, detail = texts[case_id]
        out.append(Correction(key=f"case-{case_id}", event_id=event_id, title=title, detail=detail or "",
                              label=label, at=at))
    return out
