"""Demo matters carry the category their text has (issue 18 item 4, issue 10 item 17)."""

from __future__ import annotations

import pytest

from yizuyihui.cases import demo
from yizuyihui.cases.models import Case
from yizuyihui.triage.routing import CATEGORIES, route_many

pytestmark = pytest.mark.django_db


def test_demo_matters_have_their_texts_category(cast):
    made = demo.generate(seed=3, progress=lambda *a: None, matters=25)
    assert made["matters"] == 25
    cases = list(Case.objects.filter(origin_ref="").select_related("category").order_by("pk"))
    assert len(cases) >= 25
    want = route_many([f"{c.title}\n{c.description}" for c in cases])
    for c, r in zip(cases, want, strict=True):
        assert c.category is not None and c.category.parent_id is None and c.category.name in CATEGORIES
        assert c.category.name == r.category, c.title
    assert len({c.category.name for c in cases}) >= 3  # not one category for everything
