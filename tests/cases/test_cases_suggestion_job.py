"""The routing suggestion runs in a job after the filing commits (issue 17): the matter is stored at
once with the filer's category (or none); the job sets the suggestion and, when the filer gave no
category and nobody has acted yet, the category and that category's deadlines."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from factories import file_matter

from yizuyihui.cases import deadlines
from yizuyihui.cases import services as s
from yizuyihui.cases.models import Case, Category, DeadlinePolicy

pytestmark = pytest.mark.django_db


@pytest.fixture
def routed_to(monkeypatch):
    """A router that always answers `城乡建设` with 0.9 (the real model is the triage app's)."""
    from yizuyihui.cases.services import filing
    from yizuyihui.core import plugins

    top = Category.objects.get(level=1, name="城乡建设")
    monkeypatch.setattr(filing, "_routing_down_until", 0.0)
    monkeypatch.setitem(plugins._providers, "route_text", lambda text: (top, 0.9))
    return top


@pytest.fixture
def fast_policy(routed_to):
    """The suggested category's own policy: answer within 2 hours, resolve within 6, clock time."""
    DeadlinePolicy.objects.create(category=routed_to, urgency="normal", respond_hours=2, resolve_hours=6,
                                  resolve_working_days=0, working_time=False)
    deadlines.calendar_reset_cache()
    yield
    deadlines.calendar_reset_cache()


def test_the_matter_is_stored_at_once_and_the_job_sets_category_and_deadlines(cast, routed_to, fast_policy,
                                                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        case = file_matter(cast)
    stored = Case.objects.get(pk=case.pk)
    assert stored.category is None and stored.suggested_category is None and stored.suggestion_confidence is None
    generic_respond = stored.respond_due
    assert generic_respond - stored.filed_at > dt.timedelta(hours=2)  # the generic policy: 24 working hours
    for callback in queued:
        callback()
    done = Case.objects.get(pk=case.pk)
    assert done.suggested_category == routed_to and done.suggestion_confidence == 0.9
    assert done.category == routed_to and not done.category_overridden
    assert done.respond_due == done.filed_at + dt.timedelta(hours=2)
    assert done.resolve_due == done.filed_at + dt.timedelta(hours=6)


def test_the_job_only_suggests_on_a_matter_someone_acted_on(cast, routed_to, fast_policy,
                                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        case = file_matter(cast)
    s.case_receive(case=case, actor=cast.users["unit_leader"])  # the leader was quicker than the job
    before = Case.objects.get(pk=case.pk)
    for callback in queued:
        callback()
    after = Case.objects.get(pk=case.pk)
    assert after.suggested_category == routed_to and after.category is None
    assert (after.respond_due, after.resolve_due) == (before.respond_due, before.resolve_due)


def test_the_job_keeps_the_filers_category_and_its_deadlines(cast, routed_to, fast_policy,
                                                             django_capture_on_commit_callbacks):
    other = Category.objects.filter(level=1).exclude(pk=routed_to.pk).first()
    with django_capture_on_commit_callbacks(execute=True):
        case = file_matter(cast, category=other)
    after = Case.objects.get(pk=case.pk)
    assert after.category == other and after.suggested_category == routed_to and after.category_overridden
    assert after.respond_due == case.respond_due and after.respond_due - after.filed_at > dt.timedelta(hours=2)


def test_a_filing_through_the_api_does_not_load_the_routing_model(cast, client, django_capture_on_commit_callbacks):
    """The web workers never load the model (~100 MB each): only the job does."""
    from yizuyihui.accounts.apikeys import apikey_create
    from yizuyihui.triage import routing_model

    routing_model.clear_model_cache()
    apikey_create(user=cast.users["grid_worker"], name="script", raw="secret-key-789")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        r = client.post("/api/cases/", json.dumps({"unit_id": cast.unit_a.pk, "title": "化工厂夜间偷排废气，河水发臭"}),
                        content_type="application/json", headers={"Authorization": "Bearer secret-key-789"})
    assert r.status_code == 201 and r.json()["category_id"] is None
    assert routing_model._models == {}
    for callback in queued:
        callback()
    assert routing_model._models != {}
    case = Case.objects.get(pk=r.json()["id"])
    assert case.suggested_category is not None and case.suggestion_confidence is not None
