"""The taxonomy (three levels, label_tree.csv) and correcting a matter's category."""

from __future__ import annotations

from django.db import transaction

from yizuyihui.cases.models import Case, Category
from yizuyihui.cases.services._base import _now, _require, _step


def categories_load(*, path=None) -> int:
    """Load the default 3-level taxonomy (label_tree.csv). Idempotent; returns categories added."""
    import csv
    from pathlib import Path

    path = Path(path) if path else Path(__file__).parents[1] / "data" / "label_tree.csv"
    existing = {(c.parent_id, c.name): c for c in Category.objects.all()}
    counters: dict[int | None, int] = {}
    for c in existing.values():
        counters[c.parent_id] = counters.get(c.parent_id, 0) + 1
    added = 0

    def get(parent, name, level):
        nonlocal added
        key = (parent.pk if parent else None, name)
        if key in existing:
            return existing[key]
        n = counters.get(key[0], 0) + 1
        counters[key[0]] = n
        code = f"{parent.code}.{n:02d}" if parent else f"{n:02d}"
        handler_types = {"1": ["unit"], "2": ["community"], "3": ["street"]} if level == 1 else {}
        cat = Category.objects.create(parent=parent, name=name, level=level, code=code, handler_types=handler_types)
        existing[key] = cat
        added += 1
        return cat

    with open(path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            top = get(None, row["一级分类"].strip(), 1)
            mid = get(top, row["二级分类"].strip(), 2) if row["二级分类"].strip() else top
            if row["三级分类"].strip():
                get(mid, row["三级分类"].strip(), 3)
    return added



def case_recategorize(*, case: Case, actor, category: Category, now=None) -> Case:
    """Correct the category (a step of the life cycle). The event's data {"from": old id or None,
    "to": new id} is what triage's retraining reads as the override of the routing suggestion."""
    now = _now(now)
    _require(actor, "cases.manage_case", case)
    before = case.category_id
    with transaction.atomic():
        _step(case, "recategorize", actor=actor, now=now, public=False, category=category,
              category_overridden=bool(case.suggested_category_id and case.suggested_category_id != category.pk),
              data={"from": before, "to": category.pk})
    return case
