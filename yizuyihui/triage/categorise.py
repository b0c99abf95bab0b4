"""The category a text has, as a `cases.Category` (first level): for content made without a person
choosing (the demo's matters). Uses the active routing model; None where no category matches."""

from __future__ import annotations

from collections.abc import Sequence


def categories_for(texts: Sequence[str]) -> list:
    from yizuyihui.cases.models import Category
    from yizuyihui.triage.routing import CATEGORIES, route_many

    tops = {c.name: c for c in Category.objects.filter(parent__isnull=True, name__in=CATEGORIES)}
    if not texts:
        return []
    return [tops.get(r.category) for r in route_many(list(texts))]
