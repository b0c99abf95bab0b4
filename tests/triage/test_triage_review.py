"""The review queue (待分类): matters under the confidence threshold, scoped, top-3 suggestions, one
click to choose, time to route; the routing model page."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from yizuyihui.cases.models import Case, CaseEvent, Category
from yizuyihui.cases.services import case_file
from yizuyihui.triage import review, routing

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 3, 4, 10, 0, tzinfo=dt.UTC)


def _file(cast, unit, title, minutes_ago=60):
    with time_machine.travel(NOW - dt.timedelta(minutes=minutes_ago), tick=False):
        return case_file(unit=unit, actor=cast.users["grid_worker"] if unit == cast.unit_a else None, title=title,
                         description="", channel="visit", now=NOW - dt.timedelta(minutes=minutes_ago))


@pytest.fixture
def matters(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the routing suggestion is a job after the commit
        unsure = _file(cast, cast.unit_a, "你好，有个事情想反映一下", 120)  # no content: under the threshold
        sure = _file(cast, cast.unit_a, "化工厂夜间偷排废气，河水被污染发臭，环保部门不管", 90)
        other = case_file(unit=cast.unit_d, actor=None, title="请问一下这个情况怎么办", description="", channel="visit",
                          now=NOW - dt.timedelta(minutes=30))
    return tuple(Case.objects.get(pk=c.pk) for c in (unsure, sure, other))


def test_queue_holds_unsure_matters_in_scope_with_top3(cast, matters):
    unsure, sure, other = matters
    threshold = routing.load_model().threshold
    assert unsure.suggestion_confidence < threshold <= sure.suggestion_confidence
    leader = [it.case.pk for it in review.review_queue(user=cast.users["unit_leader"])]
    assert leader == [unsure.pk]  # the confident one is routed; unit D is outside the leader's scope
    city = review.review_queue(user=cast.users["city_admin"])
    assert [it.case.pk for it in city] == [unsure.pk, other.pk]
    item = city[0]
    assert len(item.suggestions) == 3
    confs = [s.confidence for s in item.suggestions]
    assert confs == sorted(confs, reverse=True)
    assert all(s.category.parent_id is None and s.category.name in routing.CATEGORIES for s in item.suggestions)
    assert review.review_queue(user=cast.users["grid_worker"]) == []  # not a post that manages matters
    assert [it.case.pk for it in review.review_queue(user=cast.users["outsider"])] == [other.pk]


def test_one_click_choice_records_a_correction_and_time_to_route(cast, matters, login):
    unsure, sure, other = matters
    edu = Category.objects.get(name="教育文体", parent__isnull=True)
    client = login("unit_leader")
    with time_machine.travel(NOW, tick=False):
        r = client.post(reverse("triage:review_choose", args=[unsure.pk]), {"category": edu.pk})
        assert r.status_code == 302
        # outside the leader's scope: forbidden, nothing recorded
        assert client.post(reverse("triage:review_choose", args=[other.pk]), {"category": edu.pk}).status_code == 403
    unsure.refresh_from_db()
    assert unsure.category_id == edu.pk
    ev = CaseEvent.objects.get(case=unsure, action="recategorize")
    assert ev.data["to"] == edu.pk and ev.actor == cast.users["unit_leader"] and not ev.public
    assert not CaseEvent.objects.filter(case=other, action="recategorize").exists()
    assert review.review_queue(user=cast.users["unit_leader"]) == []  # chosen: off the queue
    with time_machine.travel(NOW, tick=False):
        t = review.time_to_route(user=cast.users["unit_leader"], now=NOW)
    # the confident matter was routed at filing (0 h), the unsure one 2 h after filing
    assert (t.matters, t.auto, t.reviewed, t.waiting) == (2, 1, 1, 0)
    assert t.median_review_hours == 2.0 and t.median_hours == 1.0
    from yizuyihui.triage.corrections import read_corrections

    assert [(c.key, c.label) for c in read_corrections()] == [(f"case-{unsure.pk}", "教育文体")]


def test_a_category_given_at_filing_is_routed_not_waiting(cast, matters):
    """A matter filed with its category (no model confidence: the filer chose, or the suggestion
    job has not run) counts as routed at filing in its own figure, never as waiting."""
    env = Category.objects.get(name="环境保护", parent__isnull=True)
    with time_machine.travel(NOW - dt.timedelta(minutes=10), tick=False):
        given = case_file(unit=cast.unit_a, actor=cast.users["grid_worker"], title="河道里有死鱼", description="",
                          channel="visit", category=env, suggest=False)
    given = Case.objects.get(pk=given.pk)
    assert given.suggestion_confidence is None and given.category_id == env.pk
    t = review.time_to_route(user=cast.users["unit_leader"], now=NOW)
    assert (t.matters, t.auto, t.given, t.reviewed, t.waiting) == (3, 1, 1, 0, 1)
    assert given.pk not in [it.case.pk for it in review.review_queue(user=cast.users["unit_leader"])]


def test_pages(cast, matters, login):
    client = login("community_cadre")
    page = client.get(reverse("triage:review")).content.decode()
    assert matters[0].title in page and matters[2].title not in page
    assert login("resident").get(reverse("triage:review")).status_code == 403
    page = login("city_admin").get(reverse("triage:model")).content.decode()
    assert "data-testid=\"model-version\"" in page
