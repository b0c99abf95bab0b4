"""The Open311 list's cache (cases/open311.py): a repeated query is served from the cache, yet a
filing, a step, or the routing job's category (which can make a matter confidential) shows at the
next request — the key holds the newest matter event and how many matters wait for routing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yizuyihui.cases import services as s
from yizuyihui.cases.models import Case, CaseStatus, Category
from yizuyihui.cases.services.filing import SUGGEST_FIELDS, _apply_suggestion

pytestmark = pytest.mark.django_db


def _ids(client) -> list[int]:
    return [r["service_request_id"] for r in client.get(reverse("open311:requests", args=["json"])).json()]


def _file(cast, title="路灯坏了"):
    return s.case_file(unit=cast.unit_a, actor=cast.users["resident"], title=title, description="",
                       channel="web", suggest=False)


def test_a_repeated_list_comes_from_the_cache(cast, client):
    case = _file(cast)
    assert _ids(client) == [case.pk]
    with CaptureQueriesContext(connection) as seen:
        assert _ids(client) == [case.pk]
    assert len(seen.captured_queries) == 1  # the generation; no matters read


def test_a_filing_and_a_step_show_at_once(cast, client):
    a = _file(cast)
    assert _ids(client) == [a.pk]
    b = _file(cast, "井盖缺失")
    assert _ids(client) == [b.pk, a.pk]
    s.case_receive(case=a, actor=cast.users["unit_leader"])
    row = next(r for r in client.get(reverse("open311:requests", args=["json"])).json() if r["service_request_id"] == a.pk)
    assert row["status_notes"] == str(CaseStatus.RECEIVED.label)


def test_a_confidential_category_from_the_routing_job_hides_the_matter_at_once(cast, client):
    case = _file(cast, "楼上楼下")
    Case.objects.filter(pk=case.pk).update(suggestion_pending=True)  # as a filing that queued its routing
    assert _ids(client) == [case.pk]
    top = Category.objects.get_or_create(code="X", defaults={"name": "社会矛盾", "level": 1})[0]
    dispute = Category.objects.create(code="X.1", name="邻里纠纷", parent=top, level=2)
    row = Case.objects.filter(pk=case.pk).values(*SUGGEST_FIELDS).get()
    assert _apply_suggestion(case.pk, row, dispute, 0.97) == dispute  # the job: a category, no event
    assert Case.objects.get(pk=case.pk).category == dispute
    assert _ids(client) == []


def test_other_queries_and_languages_are_cached_apart(cast, client):
    a = _file(cast)
    url = reverse("open311:requests", args=["json"])
    assert [r["service_request_id"] for r in client.get(url, {"status": "open"}).json()] == [a.pk]
    assert client.get(url, {"status": "closed"}).json() == []
    assert client.get(url, {"status": "nonsense"}).status_code == 400  # errors are not cached
    assert client.get(url, {"status": "nonsense"}).status_code == 400


def test_a_lifetime_of_zero_turns_it_off(cast, client, settings):
    settings.YZYH_OPEN311_CACHE_SECONDS = 0
    case = _file(cast)
    assert _ids(client) == [case.pk]
    with CaptureQueriesContext(connection) as seen:
        _ids(client)
    assert len(seen.captured_queries) > 1
