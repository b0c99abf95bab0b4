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
    monkeypatch.setitem(plugins._providers, "route_texts", lambda texts: [(top, 0.9) for _t in texts])
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


def test_one_job_routes_every_pending_matter_in_one_batch(cast, routed_to, fast_policy, monkeypatch,
                                                         django_capture_on_commit_callbacks):
    from yizuyihui.core import plugins

    batches = []
    monkeypatch.setitem(plugins._providers, "route_texts",
                        lambda texts: batches.append(list(texts)) or [(routed_to, 0.9) for _t in texts])
    other = Category.objects.filter(level=1).exclude(pk=routed_to.pk).first()
    with django_capture_on_commit_callbacks(execute=False):  # the queue is slow: no job has run yet
        cases = [file_matter(cast, title=f"路灯不亮 {i}") for i in range(4)]
        kept = file_matter(cast, title="井盖丢了", category=other)
    assert Case.objects.filter(suggestion_pending=True).count() == 5
    assert s.case_suggest_pending() == 5
    assert len(batches) == 1 and sorted(batches[0]) == sorted(f"{c.title}\n{c.description}" for c in [*cases, kept])
    for case in cases:
        done = Case.objects.get(pk=case.pk)
        assert done.category == routed_to and done.suggested_category == routed_to and not done.suggestion_pending
        assert done.respond_due == done.filed_at + dt.timedelta(hours=2)
    kept = Case.objects.get(pk=kept.pk)
    assert kept.category == other and kept.suggested_category == routed_to and kept.category_overridden
    assert not kept.suggestion_pending
    assert s.case_suggest_pending() == 0  # nothing left: no second routing


def test_the_job_routes_in_batches_and_keeps_the_rule_per_matter(cast, routed_to, fast_policy,
                                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        first, second, third = (file_matter(cast, title=f"噪音扰民 {i}") for i in range(3))
    s.case_receive(case=second, actor=cast.users["unit_leader"])  # somebody acted on one of them
    assert s.case_suggest_pending(batch=2) == 3
    rows = {c.pk: c for c in Case.objects.filter(pk__in=[first.pk, second.pk, third.pk])}
    assert rows[first.pk].category == routed_to and rows[third.pk].category == routed_to
    assert rows[second.pk].category is None and rows[second.pk].suggested_category == routed_to
    assert not any(c.suggestion_pending for c in rows.values())


def test_a_queued_job_is_not_queued_again(cast, routed_to, settings, django_capture_on_commit_callbacks):
    """With a shared cache, a filing queues the job only when none is queued: the flag is set by the
    first filing and cleared when the job starts, so a later filing queues the next one."""
    from django.core.cache import cache

    from yizuyihui.cases.services import filing

    settings.YZYH_SUGGEST_FLAG = True
    cache.add(filing.SUGGEST_FLAG, 1, 60)  # a job is queued and has not started yet
    with django_capture_on_commit_callbacks(execute=True):
        waiting = file_matter(cast)
    assert Case.objects.get(pk=waiting.pk).suggestion_pending  # no second job: the queued one will route it
    cache.delete(filing.SUGGEST_FLAG)  # that job started (and was lost): the next filing queues one
    with django_capture_on_commit_callbacks(execute=True):
        later = file_matter(cast, title="垃圾没人清")
    assert not Case.objects.filter(pk__in=[waiting.pk, later.pk], suggestion_pending=True).exists()
    assert Case.objects.get(pk=waiting.pk).suggested_category == routed_to


def test_the_periodic_sweep_routes_what_a_lost_job_left(cast, routed_to, django_capture_on_commit_callbacks):
    from yizuyihui.cases.tasks import suggest_pending_sweep_task

    with django_capture_on_commit_callbacks(execute=False):  # the job was never run
        case = file_matter(cast)
    suggest_pending_sweep_task.call_local()
    done = Case.objects.get(pk=case.pk)
    assert done.suggested_category == routed_to and not done.suggestion_pending


def test_a_matter_filed_without_a_suggestion_is_not_pending(cast, routed_to):
    case = file_matter(cast, suggest=False)
    assert not Case.objects.get(pk=case.pk).suggestion_pending


def test_a_job_queued_by_the_earlier_version_still_runs(cast, routed_to, fast_policy):
    from yizuyihui.cases.tasks import suggest_category_task

    case = file_matter(cast, suggest=False)
    suggest_category_task.call_local(case.pk, None)
    done = Case.objects.get(pk=case.pk)
    assert done.category == routed_to and done.suggestion_confidence == 0.9


def test_a_batch_leaves_alone_a_filed_matter_that_already_has_a_step(cast, routed_to, fast_policy,
                                                                      django_capture_on_commit_callbacks):
    """Still 已填单, but not untouched: an emergency switch re-timed it (a `retime` event) before the
    job ran. Its deadlines are the switch's and stay; the matter beside it takes the suggestion."""
    from yizuyihui.cases.models import CaseEvent

    with django_capture_on_commit_callbacks(execute=False):
        retimed, untouched = file_matter(cast, title="积水 1"), file_matter(cast, title="积水 2")
    urgent_due = retimed.filed_at + dt.timedelta(minutes=30)
    Case.objects.filter(pk=retimed.pk).update(respond_due=urgent_due)
    CaseEvent.objects.create(case=retimed, action="retime", from_status="filed", to_status="filed", tier=1,
                             at=retimed.filed_at)
    assert s.case_suggest_pending() == 2
    retimed, untouched = Case.objects.get(pk=retimed.pk), Case.objects.get(pk=untouched.pk)
    assert retimed.status == "filed" and retimed.category is None and retimed.respond_due == urgent_due
    assert retimed.suggested_category == routed_to and not retimed.category_overridden
    assert untouched.category == routed_to and untouched.respond_due == untouched.filed_at + dt.timedelta(hours=2)


def test_with_a_queue_the_job_waits_a_second_and_routes_that_seconds_filings_in_one_batch(
        cast, routed_to, settings, monkeypatch, django_capture_on_commit_callbacks):
    from types import SimpleNamespace

    from django.core.cache import cache

    from yizuyihui.cases.services import filing
    from yizuyihui.cases.tasks import suggest_pending_task

    settings.YZYH_SUGGEST_FLAG, settings.YZYH_SUGGEST_DELAY_SECONDS = True, 1
    cache.delete(filing.SUGGEST_FLAG)
    scheduled = []
    monkeypatch.setattr(suggest_pending_task, "huey", SimpleNamespace(immediate=False))  # a real queue
    monkeypatch.setattr(suggest_pending_task, "schedule", lambda **kw: scheduled.append(kw))
    with django_capture_on_commit_callbacks(execute=True):
        first = file_matter(cast, title="路灯不亮 A")
    with django_capture_on_commit_callbacks(execute=True):
        second = file_matter(cast, title="路灯不亮 B")
    assert scheduled == [{"delay": 1}]  # one job, a second later; the second filing joined it
    assert Case.objects.filter(pk__in=[first.pk, second.pk], suggestion_pending=True).count() == 2
    assert s.case_suggest_pending() == 2  # what the job does when it runs
    assert not cache.get(filing.SUGGEST_FLAG)  # …and the next filing queues a job of its own
    cache.delete(filing.SUGGEST_FLAG)
