"""The seams where people hand a matter to each other (issue 10, items 1–3): 办结 → 待反馈 with a
notification; 评单 only after 反馈; 关闭 unrated only after the waiting period (未评价); the grid
worker's 待收单; the deadline a person sets is the one the sweep uses; time on the council's agenda."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import translation
from factories import file_matter

from yizuyihui.cases import selectors
from yizuyihui.cases import services as s
from yizuyihui.cases.deadlines import calendar_reset_cache
from yizuyihui.cases.lifecycle import available_steps
from yizuyihui.cases.models import Case, CaseStatus, Category, DeadlinePolicy, Rating
from yizuyihui.demo.cast import PERSONAS
from yizuyihui.notifications.models import Notification

pytestmark = pytest.mark.django_db
SH = dt.timezone(dt.timedelta(hours=8))
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=SH)


@pytest.fixture
def monday(time_machine):
    time_machine.move_to(MONDAY, tick=False)
    return time_machine


def _resolved(cast):
    u = cast.users
    case = file_matter(cast)
    s.case_receive(case=case, actor=u["unit_leader"])
    s.case_dispatch(case=case, actor=u["unit_leader"], handlers=[u["grid_worker"]])
    s.case_claim(case=case, actor=u["grid_worker"])
    s.case_resolve(case=case, actor=u["grid_worker"], result="换了灯泡")
    return case


def test_a_resolved_matter_waits_in_the_units_feedback_list_and_the_council_is_told(cast, monday):
    u = cast.users
    case = _resolved(cast)
    for persona in ("council_member", "unit_leader"):
        assert case in selectors.feedback_due(user=u[persona]), persona
        assert Notification.objects.filter(user=u[persona], url=case.get_absolute_url(),
                                           subject__contains=case.title).exists(), persona
    for persona in ("resident", "grid_worker", "building_head", "outsider", "department_handler"):
        assert case not in selectors.feedback_due(user=u[persona]), persona
    s.case_feed_back(case=case, actor=u["council_member"], feedback="已换好")
    assert case not in selectors.feedback_due(user=u["council_member"])


def test_the_worklist_page_shows_the_feedback_list(cast, login, monday):
    case = _resolved(cast)
    page = login("council_member").get("/cases/").content.decode()
    assert 'id="feedback"' in page and f'data-testid="row-{case.pk}"' in page


def test_the_resident_is_asked_to_rate_only_after_feedback(cast, login, monday):
    u = cast.users
    case = _resolved(cast)
    assert "rate" not in available_steps(user=u["resident"], case=case)
    with pytest.raises(s.CaseError):
        s.case_rate(case=case, actor=u["resident"], rating="satisfied")
    client = login("resident")
    assert 'data-testid="rate"' not in client.get(f"/cases/mine/{case.public_id}/").content.decode()
    s.case_feed_back(case=case, actor=u["council_member"], feedback="已换好")
    assert "rate" in available_steps(user=u["resident"], case=case)
    assert 'data-testid="rate"' in client.get(f"/cases/mine/{case.public_id}/").content.decode()


def test_closing_unrated_is_never_offered_beside_feedback(cast, monday):
    u = cast.users
    case = _resolved(cast)
    assert "close" not in available_steps(user=u["unit_leader"], case=case)
    with pytest.raises(s.CaseError):
        s.case_close(case=case, actor=u["unit_leader"])
    s.case_feed_back(case=case, actor=u["council_member"], feedback="已换好")
    monday.move_to(MONDAY + dt.timedelta(days=6, hours=23), tick=False)
    assert "close" not in available_steps(user=u["unit_leader"], case=case)
    with pytest.raises(s.CaseError):
        s.case_close(case=case, actor=u["unit_leader"])
    assert case not in selectors.closable_unrated(user=u["unit_leader"])


def test_after_seven_days_without_a_rating_the_matter_closes_as_not_rated(cast, monday):
    u = cast.users
    case = _resolved(cast)
    s.case_feed_back(case=case, actor=u["council_member"], feedback="已换好")
    monday.move_to(MONDAY + dt.timedelta(days=7, minutes=1), tick=False)
    assert case in selectors.closable_unrated(user=u["unit_leader"])
    assert "close" in available_steps(user=u["unit_leader"], case=case)
    assert "close" not in available_steps(user=u["council_member"], case=case)  # the Party group closes
    s.case_close(case=case, actor=u["unit_leader"])
    case = Case.objects.get(pk=case.pk)
    assert (case.status, case.rating) == (CaseStatus.CLOSED, Rating.UNRATED)
    with translation.override("zh-hans"):
        assert case.get_rating_display() == "未评价"


@override_settings(YZYH_RATING_WAIT_DAYS=2)
def test_the_waiting_period_is_configurable(cast, monday):
    u = cast.users
    case = _resolved(cast)
    s.case_feed_back(case=case, actor=u["council_member"], feedback="已换好")
    monday.move_to(MONDAY + dt.timedelta(days=2, minutes=1), tick=False)
    s.case_close(case=case, actor=u["unit_leader"])
    assert case.status == CaseStatus.CLOSED


def test_a_grid_worker_sees_and_receives_the_new_matters_of_their_grid(cast, login, monday):
    u = cast.users
    case = file_matter(cast)
    assert case in selectors.unit_inbox(user=u["grid_worker"])
    client = login("grid_worker")
    page = client.get("/cases/").content.decode()
    assert f'data-testid="row-{case.pk}"' in page
    assert 'data-testid="act-receive"' in client.get(f"/cases/{case.pk}/").content.decode()
    client.post(f"/cases/{case.pk}/act/receive/")
    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED
    # Received, it waits for the Party group's deliberation and dispatch, not for the grid worker.
    assert case not in selectors.unit_inbox(user=u["grid_worker"])
    assert case in selectors.unit_inbox(user=u["unit_leader"])


def test_every_worklist_agrees_with_the_rules_for_every_persona(cast, monday):
    """A matter is in a persona's list exactly when the rules offer that persona its list's step."""
    u = cast.users
    receive = (s.case_receive, "unit_leader", {})
    dispatch = (s.case_dispatch, "unit_leader", {"handlers": [u["grid_worker"], u["building_head"]]})
    claim = (s.case_claim, "grid_worker", {})
    resolve = (s.case_resolve, "grid_worker", {"result": "ok"})
    feed_back = (s.case_feed_back, "council_member", {"feedback": "ok", "now": MONDAY - dt.timedelta(days=9)})

    def make(*calls, unit="unit_a"):
        case = file_matter(cast, unit=unit, by="community_cadre" if unit == "unit_b" else None)
        for fn, actor, kw in calls:
            fn(case=case, actor=u[actor], **kw)
        return Case.objects.get(pk=case.pk)

    matters = [make(), make(unit="unit_b"), make(receive), make(receive, (s.case_deliberate, "unit_leader", {})),
               make(receive, dispatch), make(receive, dispatch, claim), make(receive, dispatch, claim, resolve),
               make(receive, dispatch, claim, resolve, feed_back)]
    # Settled a level up (大事不出村): the matter sits at the community, its unit below it.
    escalate = (s.case_escalate, "unit_leader", {"reason": "复杂"})
    up_dispatch = (s.case_dispatch, "community_cadre", {"handlers": [u["community_cadre"]]})
    up_claim, up_resolve = (s.case_claim, "community_cadre", {}), (s.case_resolve, "community_cadre", {"result": "ok"})
    matters += [make(receive, escalate), make(receive, escalate, up_dispatch),
                make(receive, escalate, up_dispatch, up_claim, up_resolve)]
    assert matters[-1].node_id == cast.community.pk and matters[-1].status == "resolved"
    for persona in PERSONAS:
        user = u[persona]
        lists = {"inbox": set(selectors.unit_inbox(user=user).values_list("pk", flat=True)),
                 "feedback": set(selectors.feedback_due(user=user).values_list("pk", flat=True)),
                 "closable": set(selectors.closable_unrated(user=user).values_list("pk", flat=True)),
                 "claims": {c.pk for c in selectors.handler_claims(user=user)}}
        for case in matters:
            steps = set(available_steps(user=user, case=case))
            expected = {"inbox": bool(steps & {"receive", "dispatch"}), "feedback": "feed_back" in steps,
                        "closable": "close" in steps, "claims": bool(steps & {"claim", "resolve"})}
            got = {name: case.pk in pks for name, pks in lists.items()}
            assert got == expected, (persona, case.status, steps)


# --- deadlines from decisions -------------------------------------------------------------------
def test_the_sweep_uses_the_deadline_set_at_dispatch(cast, monday):
    u = cast.users
    case = file_matter(cast)
    s.case_receive(case=case, actor=u["unit_leader"])
    due = MONDAY + dt.timedelta(days=20)
    s.case_dispatch(case=case, actor=u["unit_leader"], handlers=[u["grid_worker"]], due=due)
    assert Case.objects.get(pk=case.pk).resolve_due == due
    s.sweep_overdue(now=MONDAY + dt.timedelta(days=12))  # past the policy's 5 working days
    case = Case.objects.get(pk=case.pk)
    assert (case.tier, case.status, case.was_overdue) == (1, CaseStatus.DISPATCHED, False)
    s.sweep_overdue(now=due + dt.timedelta(hours=1))
    assert Case.objects.get(pk=case.pk).was_overdue


def test_a_deadline_in_the_past_is_refused(cast, monday):
    u = cast.users
    case = file_matter(cast)
    s.case_receive(case=case, actor=u["unit_leader"])
    with pytest.raises(s.CaseError):
        s.case_dispatch(case=case, actor=u["unit_leader"], handlers=[u["grid_worker"]], due=MONDAY - dt.timedelta(days=1))


def test_an_approved_extension_is_the_deadline_the_sweep_uses(cast, monday):
    u = cast.users
    case = file_matter(cast)
    s.case_receive(case=case, actor=u["unit_leader"])
    s.case_dispatch(case=case, actor=u["unit_leader"], handlers=[u["grid_worker"]])
    s.case_claim(case=case, actor=u["grid_worker"])
    until = MONDAY + dt.timedelta(days=30)
    s.case_request_extension(case=case, actor=u["grid_worker"], until=until, reason="等配件")
    s.case_decide_extension(case=case, actor=u["unit_leader"], approve=True)
    s.sweep_overdue(now=MONDAY + dt.timedelta(days=20))
    case = Case.objects.get(pk=case.pk)
    assert (case.tier, case.was_overdue) == (1, False)


def test_time_on_the_councils_agenda_does_not_count_toward_the_deadline(cast, monday):
    u = cast.users
    case = file_matter(cast)
    s.case_receive(case=case, actor=u["unit_leader"])
    s.case_deliberate(case=case, actor=u["unit_leader"], on_agenda=True, reason="提交议事会")
    policy_due = Case.objects.get(pk=case.pk).resolve_due
    s.sweep_overdue(now=MONDAY + dt.timedelta(days=12))  # the meeting is still to come
    case = Case.objects.get(pk=case.pk)
    assert (case.tier, case.status, case.was_overdue) == (1, CaseStatus.DELIBERATING, False)
    # Dispatched after 12 days on the agenda without a deadline of its own: the policy's time left.
    s.case_dispatch(case=case, actor=u["unit_leader"], handlers=[u["grid_worker"]], now=MONDAY + dt.timedelta(days=12))
    case = Case.objects.get(pk=case.pk)
    assert case.resolve_due > MONDAY + dt.timedelta(days=12) and case.resolve_due > policy_due
    assert case.agenda_at is None


def test_the_policy_may_count_time_on_the_agenda(cast, monday):
    DeadlinePolicy.objects.filter(category=None, urgency="normal").update(agenda_pauses_clock=False)
    calendar_reset_cache()
    u = cast.users
    case = file_matter(cast)
    s.case_receive(case=case, actor=u["unit_leader"])
    s.case_deliberate(case=case, actor=u["unit_leader"], on_agenda=True)
    s.sweep_overdue(now=MONDAY + dt.timedelta(days=12))
    assert Case.objects.get(pk=case.pk).was_overdue


def test_time_on_the_agenda_is_accounted_for_by_each_matters_policy(cast, monday):
    """Two categories, two policies: 城乡建设's counts the agenda time, the generic row does not.
    Both matters wait 12 days on the agenda; only the one under the counting policy is late
    (a site-wide switch treats both alike)."""
    counting = Category.objects.get(level=1, name="城乡建设")
    other = Category.objects.filter(level=1).exclude(pk=counting.pk).first()
    DeadlinePolicy.objects.create(category=counting, urgency="normal", respond_hours=24, resolve_working_days=5,
                                  agenda_pauses_clock=False, auto_escalate=False)
    calendar_reset_cache()
    u = cast.users
    late, waiting = file_matter(cast, category=counting), file_matter(cast, category=other)
    for case in (late, waiting):
        s.case_receive(case=case, actor=u["unit_leader"])
        s.case_deliberate(case=case, actor=u["unit_leader"], on_agenda=True)
    s.sweep_overdue(now=MONDAY + dt.timedelta(days=12))
    assert Case.objects.get(pk=late.pk).was_overdue
    assert not Case.objects.get(pk=waiting.pk).was_overdue
    # Dispatching the waiting one moves its deadline by its time on the agenda; the other keeps its own.
    due_before = Case.objects.get(pk=late.pk).resolve_due
    for case in (late, waiting):
        s.case_dispatch(case=Case.objects.get(pk=case.pk), actor=u["unit_leader"], handlers=[u["grid_worker"]],
                        now=MONDAY + dt.timedelta(days=12))
    assert Case.objects.get(pk=late.pk).resolve_due == due_before
    assert Case.objects.get(pk=waiting.pk).resolve_due > MONDAY + dt.timedelta(days=12)


def test_the_seeded_urgent_policies_count_time_on_the_agenda(cast, monday):
    assert set(DeadlinePolicy.objects.filter(category=None).values_list("urgency", "agenda_pauses_clock")) == {
        ("urgent", False), ("normal", True), ("complex", True)}


def test_the_inbox_card_names_the_step_the_matter_is_at(cast, login):
    """收单 on a new matter; once received, the same inbox card offers 议单, not 收单 again."""
    from django.urls import reverse

    fresh = file_matter(cast, title="新报楼道灯坏")
    received = file_matter(cast, title="已收单的井盖")
    s.case_receive(case=received, actor=cast.users["unit_leader"])
    with translation.override("zh-hans"):
        html = login("unit_leader").get(reverse("cases:worklist"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    row = lambda pk: html[html.index(f'data-testid="row-{pk}"'):].split("</tr>")[0]  # noqa: E731
    assert "收单" in row(fresh.pk) and "议单" not in row(fresh.pk)
    assert "议单" in row(received.pk) and ">收单<" not in row(received.pk)
