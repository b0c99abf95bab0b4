"""Every step of the closed loop (六单工作法) and who may take it."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from factories import file_matter
from PIL import Image

from yizuyihui.cases import services as s
from yizuyihui.cases.models import Assignment, CaseEvent, CaseStatus
from yizuyihui.core.sms import MemorySMSBackend
from yizuyihui.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _file(cast, **kw):
    return file_matter(cast, **kw)


def _dispatched(cast):
    u = cast.users
    case = _file(cast)
    s.case_receive(case=case, actor=u["unit_leader"])
    s.case_dispatch(case=case, actor=u["unit_leader"], handlers=[u["grid_worker"], u["building_head"]])
    return case


def _png():
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buf, "PNG")
    return SimpleUploadedFile("p.png", buf.getvalue(), content_type="image/png")


def test_the_full_loop_writes_one_event_per_step(cast):
    u = cast.users
    case = _dispatched(cast)
    s.case_claim(case=case, actor=u["grid_worker"])
    s.case_progress(case=case, actor=u["grid_worker"], note="已联系物业", photos=[_png()])
    s.case_resolve(case=case, actor=u["grid_worker"], result="灯已换")
    s.case_feed_back(case=case, actor=u["council_member"], feedback="已换新灯")
    s.case_rate(case=case, actor=u["resident"], rating="satisfied")
    actions = list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))
    assert actions == ["file", "receive", "dispatch", "claim", "progress", "resolve", "feed_back", "rate"]
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.settled_tier == 1 and case.responded_at
    assert case.attachments.count() == 1


def test_it_records_actor_from_to_tier_and_reason(cast):
    case = _file(cast)
    s.case_return(case=case, actor=cast.users["unit_leader"], reason="不属于本网格")
    event = case.events.last()
    assert (event.actor, event.from_status, event.to_status, event.tier, event.reason) == (
        cast.users["unit_leader"], "filed", "returned", 1, "不属于本网格")


def test_a_member_resolves_a_small_matter_on_the_spot(cast):
    case = _file(cast)
    s.case_resolve_on_spot(case=case, actor=cast.users["building_head"], note="当场帮忙换了灯泡")
    assert case.status == CaseStatus.RESOLVED and case.resolved_on_spot and case.settled_tier == 1


def test_a_resident_may_not_receive_or_resolve_on_the_spot(cast):
    case = _file(cast)
    with pytest.raises(s.CaseForbidden):
        s.case_receive(case=case, actor=cast.users["resident"])
    with pytest.raises(s.CaseForbidden):
        s.case_resolve_on_spot(case=case, actor=cast.users["resident"], note="x")


def test_the_outsider_may_not_touch_a_matter_of_another_street(cast):
    case = _file(cast)
    for fn in (s.case_receive,):
        with pytest.raises(s.CaseForbidden):
            fn(case=case, actor=cast.users["outsider"])


def test_a_grid_worker_receives_new_matters_of_their_grid_but_the_party_group_dispatches(cast):
    case = s.case_file(unit=cast.unit_a, actor=cast.users["grid_worker"], title="井盖松动", description="",
                       channel="visit", origin="visit", origin_ref="visit:1")
    for persona in ("building_head", "council_member", "outsider"):
        with pytest.raises(s.CaseForbidden):
            s.case_receive(case=case, actor=cast.users[persona])
    s.case_receive(case=case, actor=cast.users["grid_worker"])
    assert case.status == CaseStatus.RECEIVED
    with pytest.raises(s.CaseForbidden):  # deliberation and dispatch stay with the Party group
        s.case_dispatch(case=case, actor=cast.users["grid_worker"], handlers=[cast.users["grid_worker"]])
    other = file_matter(cast, unit="unit_b", by="community_cadre")
    with pytest.raises(s.CaseForbidden):  # not their grid
        s.case_receive(case=other, actor=cast.users["grid_worker"])


def test_a_resident_may_not_file_for_another_unit(cast):
    with pytest.raises(s.CaseForbidden):
        s.case_file(unit=cast.unit_d, actor=cast.users["resident"], title="x", description="", channel="web")


def test_merge_into_an_existing_matter(cast):
    first, second = _file(cast), _file(cast)
    s.case_merge(case=second, actor=cast.users["unit_leader"], into=first)
    assert second.status == CaseStatus.MERGED and second.merged_into == first


def test_returning_needs_a_reason(cast):
    with pytest.raises(s.CaseError):
        s.case_return(case=_file(cast), actor=cast.users["unit_leader"], reason=" ")


def test_deliberation_puts_the_matter_on_the_agenda_and_may_change_urgency(cast):
    case = _file(cast)
    s.case_receive(case=case, actor=cast.users["unit_leader"])
    old_due = case.resolve_due
    s.case_deliberate(case=case, actor=cast.users["unit_leader"], urgency="complex")
    assert case.status == CaseStatus.DELIBERATING and case.on_agenda and case.resolve_due > old_due
    s.case_dispatch(case=case, actor=cast.users["unit_leader"], handlers=[cast.users["grid_worker"]])
    assert case.status == CaseStatus.DISPATCHED


def test_only_a_dispatched_handler_may_claim(cast):
    case = _dispatched(cast)
    with pytest.raises(s.CaseForbidden):
        s.case_claim(case=case, actor=cast.users["council_member"])
    s.case_claim(case=case, actor=cast.users["building_head"])
    assert case.handler == cast.users["building_head"]
    states = dict(case.assignments.values_list("handler__username", "state"))
    assert states == {"building_head": Assignment.State.LEAD, "grid_worker": Assignment.State.ASSISTING}


def test_the_second_claimer_loses(cast):
    case = _dispatched(cast)
    s.case_claim(case=case, actor=cast.users["grid_worker"])
    with pytest.raises((s.CaseForbidden, s.CaseError)):
        s.case_claim(case=case, actor=cast.users["building_head"])


def test_a_stale_copy_cannot_claim_after_another_handler(cast):
    from yizuyihui.cases.models import Case

    case = _dispatched(cast)
    stale = Case.objects.get(pk=case.pk)
    s.case_claim(case=case, actor=cast.users["grid_worker"])
    # Both passed the permission check before either committed: the state-guarded UPDATE decides.
    with pytest.raises(s.CaseConflict):
        s.loop._step(stale, "claim", actor=cast.users["building_head"], now=stale.filed_at,
                handler=cast.users["building_head"])
    assert Case.objects.get(pk=case.pk).handler == cast.users["grid_worker"]


def test_send_back_by_one_of_two_handlers_keeps_it_dispatched(cast):
    case = _dispatched(cast)
    s.case_send_back(case=case, actor=cast.users["building_head"], reason="不在我负责的楼栋")
    assert case.status == CaseStatus.DISPATCHED
    s.case_send_back(case=case, actor=cast.users["grid_worker"], reason="需要物业处理")
    assert case.status == CaseStatus.RECEIVED and case.handler is None


def test_the_lead_handler_sends_back_for_re_dispatch(cast):
    case = _dispatched(cast)
    s.case_claim(case=case, actor=cast.users["grid_worker"])
    s.case_send_back(case=case, actor=cast.users["grid_worker"], reason="需要社区协调")
    assert case.status == CaseStatus.RECEIVED
    s.case_dispatch(case=case, actor=cast.users["unit_leader"], handlers=[cast.users["building_head"]])
    assert case.status == CaseStatus.DISPATCHED


def test_suspend_and_resume_pause_the_clock(cast, time_machine):
    import datetime as dt

    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False)
    case = _dispatched(cast)
    s.case_claim(case=case, actor=cast.users["grid_worker"])
    due = case.resolve_due
    s.case_suspend(case=case, actor=cast.users["grid_worker"], reason="等待配件")
    time_machine.move_to(dt.datetime(2026, 3, 4, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False)
    s.case_resume(case=case, actor=cast.users["grid_worker"])
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.resolve_due - due == dt.timedelta(days=2)  # two working days suspended, two added


def test_extension_requested_by_the_handler_and_approved_by_the_party_group(cast):
    import datetime as dt

    case = _dispatched(cast)
    s.case_claim(case=case, actor=cast.users["grid_worker"])
    until = case.resolve_due + dt.timedelta(days=3)
    s.case_request_extension(case=case, actor=cast.users["grid_worker"], until=until, reason="需要采购")
    with pytest.raises(s.CaseForbidden):
        s.case_decide_extension(case=case, actor=cast.users["grid_worker"], approve=True)
    s.case_decide_extension(case=case, actor=cast.users["unit_leader"], approve=True)
    assert case.resolve_due == until and case.extension_until is None


def test_escalation_goes_up_level_by_level(cast):
    case = _file(cast)
    s.case_receive(case=case, actor=cast.users["unit_leader"])
    s.case_escalate(case=case, actor=cast.users["unit_leader"], reason="涉及多个网格")
    assert (case.tier, case.node, case.status) == (2, cast.community, CaseStatus.RECEIVED)
    with pytest.raises(s.CaseForbidden):  # the unit no longer holds it
        s.case_escalate(case=case, actor=cast.users["unit_leader"], reason="x")
    s.case_escalate(case=case, actor=cast.users["community_cadre"], reason="历史遗留")
    assert (case.tier, case.node) == (3, cast.street)
    with pytest.raises(s.CaseError):
        s.case_escalate(case=case, actor=cast.users["street_official"], reason="x")
    s.case_dispatch(case=case, actor=cast.users["street_official"], handlers=[cast.users["department_handler"]])
    s.case_claim(case=case, actor=cast.users["department_handler"])
    s.case_resolve(case=case, actor=cast.users["department_handler"], result="执法队已处理")
    assert case.settled_tier == 3


def test_dissatisfied_rating_reopens_the_matter(cast):
    u = cast.users
    case = _dispatched(cast)
    s.case_claim(case=case, actor=u["grid_worker"])
    s.case_resolve(case=case, actor=u["grid_worker"], result="已处理")
    s.case_feed_back(case=case, actor=u["council_member"], feedback="已处理")
    with pytest.raises(s.CaseForbidden):
        s.case_rate(case=case, actor=u["grid_worker"], rating="satisfied")
    s.case_rate(case=case, actor=u["resident"], rating="dissatisfied", comment="灯还是不亮")
    assert case.status == CaseStatus.REOPENED and case.reopen_count == 1 and case.handler is None
    s.case_dispatch(case=case, actor=u["unit_leader"], handlers=[u["grid_worker"]])
    s.case_claim(case=case, actor=u["grid_worker"])
    s.case_resolve(case=case, actor=u["grid_worker"], result="换了线路")
    s.case_feed_back(case=case, actor=u["council_member"], feedback="换了线路")
    s.case_rate(case=case, actor=u["resident"], rating="satisfied")
    assert case.status == CaseStatus.CLOSED


def test_wrong_state_is_refused_with_a_clear_error(cast):
    case = _file(cast)
    with pytest.raises(s.CaseError):
        s.case_feed_back(case=case, actor=cast.users["council_member"], feedback="x")
    assert case.status == CaseStatus.FILED


def test_the_resident_is_told_after_commit_by_inbox_and_sms(cast, django_capture_on_commit_callbacks):
    MemorySMSBackend.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case = _file(cast)
        s.case_receive(case=case, actor=cast.users["unit_leader"])
    assert Notification.objects.filter(user=cast.users["resident"]).count() == 2
    assert [p for p, _t in MemorySMSBackend.outbox] == [cast.residents["resident"].phone] * 2


def test_no_sms_leaves_when_the_transaction_rolls_back(cast, django_capture_on_commit_callbacks):
    from django.db import transaction

    MemorySMSBackend.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                _file(cast)
                raise RuntimeError
        except RuntimeError:
            pass
    assert MemorySMSBackend.outbox == []


def test_photos_must_be_real_images(cast):
    case = _file(cast)
    with pytest.raises(s.CaseError):
        s.attachment_add(case=case, actor=cast.users["resident"], file=SimpleUploadedFile("x.png", b"not an image"))
    att = s.attachment_add(case=case, actor=cast.users["resident"], file=_png())
    assert att.content_type == "image/png" and att.width == 8


def test_the_routing_suggestion_and_override_are_kept(cast, monkeypatch, django_capture_on_commit_callbacks):
    from yizuyihui.cases.models import Category

    top = Category.objects.get(level=1, name="城乡建设")
    other = Category.objects.filter(level=1).exclude(pk=top.pk).first()
    from yizuyihui.cases.services import filing
    from yizuyihui.core import plugins

    monkeypatch.setattr(filing, "_routing_down_until", 0.0)
    monkeypatch.setitem(plugins._providers, "route_text", lambda text: (top, 0.8))
    monkeypatch.setitem(plugins._providers, "route_texts", lambda texts: [(top, 0.8) for _t in texts])
    with django_capture_on_commit_callbacks(execute=True):  # the suggestion job runs after the commit
        case = _file(cast, category=other)
    case = type(case).objects.get(pk=case.pk)
    assert case.suggested_category == top and case.suggestion_confidence == 0.8 and case.category_overridden
    assert case.category == other  # the filer's category stays


def test_correcting_the_category_is_a_recorded_step(cast, monkeypatch, django_capture_on_commit_callbacks):
    """The event triage's retraining reads: action "recategorize", data {"from": old id or None, "to": new id}."""
    from yizuyihui.cases.models import Category
    from yizuyihui.cases.services import filing
    from yizuyihui.core import plugins

    top = Category.objects.get(level=1, name="城乡建设")
    other = Category.objects.filter(level=1).exclude(pk=top.pk).first()
    monkeypatch.setattr(filing, "_routing_down_until", 0.0)
    monkeypatch.setitem(plugins._providers, "route_text", lambda text: None)
    monkeypatch.setitem(plugins._providers, "route_texts", lambda texts: [None for _t in texts])
    case = _file(cast)
    assert case.category is None
    with pytest.raises(s.CaseForbidden):
        s.case_recategorize(case=case, actor=cast.users["resident"], category=top)
    s.case_recategorize(case=case, actor=cast.users["unit_leader"], category=top)
    monkeypatch.setitem(plugins._providers, "route_text", lambda text: (top, 0.9))
    monkeypatch.setitem(plugins._providers, "route_texts", lambda texts: [(top, 0.9) for _t in texts])
    with django_capture_on_commit_callbacks(execute=True):  # the suggestion job sets the category
        routed = _file(cast)
    routed = type(routed).objects.get(pk=routed.pk)
    assert routed.category == top and routed.suggested_category == top and not routed.category_overridden
    s.case_recategorize(case=routed, actor=cast.users["unit_leader"], category=other)
    events = list(CaseEvent.objects.filter(action="recategorize").order_by("pk").values_list("case_id", "data", "public"))
    assert events == [(case.pk, {"from": None, "to": top.pk}, False), (routed.pk, {"from": top.pk, "to": other.pk}, False)]
    routed.refresh_from_db()
    assert routed.category == other and routed.category_overridden and routed.status == CaseStatus.FILED
    s.case_receive(case=routed, actor=cast.users["unit_leader"])
    s.case_resolve_on_spot(case=routed, actor=cast.users["unit_leader"], note="已处理")
    with pytest.raises(s.CaseError):  # settled matters keep their category
        s.case_recategorize(case=routed, actor=cast.users["unit_leader"], category=top)


def test_urgent_mode_is_asked_of_the_node_mode_provider(cast):
    from yizuyihui.core import plugins

    assert _file(cast).mode == "calm"
    previous = plugins.provider("node_mode")  # the emergency app's, when installed: put it back after
    plugins.register_provider("node_mode", lambda node: "urgent" if node.pk == cast.unit_a.node.pk else "normal")
    try:
        assert _file(cast).mode == "urgent"
        other = s.case_file(unit=cast.unit_d, actor=cast.users["outsider"], title="井盖缺失", description="",
                            channel="phone")
        assert other.mode == "calm"
    finally:
        plugins.unregister_provider("node_mode")
        if previous is not None:
            plugins.register_provider("node_mode", previous)
