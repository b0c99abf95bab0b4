"""The switch (平急转换): who may switch, what it changes at once, overlaps, and switching back."""

from __future__ import annotations

import datetime as dt

import pytest

from yizuyihui.cases import services as cases
from yizuyihui.cases.models import CaseEvent, Mode
from yizuyihui.core.plugins import provider_call
from yizuyihui.emergency import services
from yizuyihui.emergency.models import Emergency, EmergencyStatus
from yizuyihui.notifications.models import Notification

pytestmark = pytest.mark.django_db
CST = dt.timezone(dt.timedelta(hours=8))


def at(*args):
    return dt.datetime(*args, tzinfo=CST)


def file(cast, unit="unit_a", title="楼道灯坏了"):
    return cases.case_file(unit=getattr(cast, unit), actor=cast.users["resident"] if unit == "unit_a" else None,
                           title=title, description="", channel="web")


def test_the_street_switches_a_community_and_everyone_posted_in_it_is_told(cast):
    e = services.emergency_switch(node=cast.community, actor=cast.users["street_official"], kind="epidemic", level=3,
                                  reason="本地出现确诊病例")
    assert e.status == EmergencyStatus.ACTIVE and e.authority == cast.street and e.parent is None
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {"community_cadre", "grid_worker", "unit_leader", "council_member", "building_head"}
    assert e.log["told"] == 5


def test_nodes_under_an_active_emergency_answer_urgent_to_cases(cast, community_emergency):
    assert provider_call("node_mode", cast.unit_a.node, default="normal") == "urgent"
    assert provider_call("node_mode", cast.community, default="normal") == "urgent"
    assert provider_call("node_mode", cast.street, default="normal") == "normal"
    assert provider_call("node_mode", cast.unit_c.node, default="normal") == "normal"


def test_matters_filed_inside_get_urgent_deadlines_and_outside_keep_calm_ones(cast, time_machine):
    time_machine.move_to(at(2026, 12, 1, 10), tick=False)  # a Tuesday
    services.emergency_switch(node=cast.community, actor=cast.users["street_official"], kind="flood", level=2,
                              reason="暴雨")
    inside, outside = file(cast), file(cast, "unit_c")
    assert inside.mode == Mode.URGENT and outside.mode == Mode.CALM
    # urgent mode halves the calm policy: respond 12 working hours, resolve 2.5 working days
    assert inside.respond_due == at(2026, 12, 1, 22) and inside.resolve_due == at(2026, 12, 3, 22)
    assert outside.respond_due == at(2026, 12, 2, 10) and outside.resolve_due == at(2026, 12, 8, 10)


def test_open_matters_are_retimed_by_the_urgent_policy_from_when_they_were_filed(cast, time_machine):
    time_machine.move_to(at(2026, 12, 1, 10), tick=False)
    case, outside = file(cast), file(cast, "unit_c")
    time_machine.move_to(at(2026, 12, 1, 12), tick=False)
    e = services.emergency_switch(node=cast.community, actor=cast.users["street_official"], kind="epidemic", level=3,
                                  reason="疫情")
    case.refresh_from_db()
    outside.refresh_from_db()
    assert case.mode == Mode.URGENT
    assert case.respond_due == at(2026, 12, 1, 22) and case.resolve_due == at(2026, 12, 3, 22)
    assert outside.mode == Mode.CALM and outside.resolve_due == at(2026, 12, 8, 10)
    assert CaseEvent.objects.filter(case=case, action="retime").count() == 1
    assert e.log["retimed"] == 1


def test_the_matters_history_names_the_re_timing_in_words(cast, login, time_machine):
    """The history showed the stored code "retime": it is an `EventAction` with its label."""
    from django.urls import reverse

    time_machine.move_to(at(2026, 12, 1, 10), tick=False)
    case = file(cast)
    services.emergency_switch(node=cast.community, actor=cast.users["street_official"], kind="epidemic", level=3,
                              reason="疫情")
    html = login("grid_worker").get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "平急转换，时限重新计算" in html and "retime" not in html


def test_a_retimed_matter_gets_two_hours_rather_than_falling_overdue_at_once(cast, time_machine):
    time_machine.move_to(at(2026, 11, 23, 10), tick=False)  # Monday; calm deadline Monday next week
    case = file(cast)
    time_machine.move_to(at(2026, 11, 26, 10), tick=False)  # urgent policy from filing: Wed 22:00, past
    services.emergency_switch(node=cast.community, actor=cast.users["street_official"], kind="epidemic", level=3,
                              reason="疫情")
    case.refresh_from_db()
    assert case.resolve_due == at(2026, 11, 26, 12)


def test_a_responded_matter_keeps_its_response_time(cast, time_machine):
    time_machine.move_to(at(2026, 12, 1, 10), tick=False)
    case = file(cast)
    cases.case_receive(case=case, actor=cast.users["unit_leader"])
    case.refresh_from_db()
    before = case.respond_due
    services.emergency_switch(node=cast.community, actor=cast.users["street_official"], kind="epidemic", level=3,
                              reason="疫情")
    case.refresh_from_db()
    assert case.respond_due == before and case.resolve_due == at(2026, 12, 3, 22)


def test_switching_back_restores_calm_deadlines(cast, time_machine):
    time_machine.move_to(at(2026, 12, 1, 10), tick=False)
    e = services.emergency_switch(node=cast.community, actor=cast.users["street_official"], kind="epidemic", level=3,
                                  reason="疫情")
    case = file(cast)
    assert case.resolve_due == at(2026, 12, 3, 22)
    time_machine.move_to(at(2026, 12, 2, 10), tick=False)
    services.emergency_end(emergency=e, actor=cast.users["street_official"], note="解除")
    case.refresh_from_db()
    assert case.mode == Mode.CALM and case.resolve_due == at(2026, 12, 8, 10)
    assert provider_call("node_mode", cast.unit_a.node, default="normal") == "normal"
    assert file(cast).mode == Mode.CALM


@pytest.mark.parametrize("persona", ["community_cadre", "grid_worker", "unit_leader", "resident", "outsider",
                                     "department_handler"])
def test_who_does_not_govern_the_scope_cannot_switch_it_and_nothing_changes(cast, persona):
    with pytest.raises(services.EmergencyForbidden):
        services.emergency_switch(node=cast.community, actor=cast.users[persona], kind="epidemic", level=3, reason="x")
    assert not Emergency.objects.exists() and not Notification.objects.exists()


def test_a_district_is_switched_only_by_the_city(cast):
    with pytest.raises(services.EmergencyForbidden):
        services.emergency_switch(node=cast.district, actor=cast.users["district_official"], kind="flood", level=2,
                                  reason="x")
    e = services.emergency_switch(node=cast.district, actor=cast.users["city_admin"], kind="flood", level=2,
                                  reason="洪水")
    assert e.authority == cast.city
    # the district official may still switch a street inside it
    services.emergency_switch(node=cast.street, actor=cast.users["district_official"], kind="epidemic", level=3,
                              reason="疫情")


def test_the_same_emergency_twice_over_a_scope_is_refused_but_another_type_may_overlap(cast, community_emergency):
    with pytest.raises(services.EmergencyError):
        services.emergency_switch(node=cast.community, actor=cast.users["street_official"], kind="epidemic", level=2,
                                  reason="again")
    flood = services.emergency_switch(node=cast.community, actor=cast.users["street_official"], kind="flood", level=3,
                                      reason="暴雨")
    assert flood.parent == community_emergency  # the overlap is recorded as the enclosing one
    services.emergency_end(emergency=flood, actor=cast.users["street_official"])
    assert provider_call("node_mode", cast.unit_a.node, default="normal") == "urgent"


def test_a_child_switched_inside_a_parent_outlives_it_and_the_parent_keeps_the_child_urgent(cast, time_machine):
    time_machine.move_to(at(2026, 12, 1, 10), tick=False)
    street = services.emergency_switch(node=cast.street, actor=cast.users["street_official"], kind="flood", level=3,
                                       reason="汛情")
    child = services.emergency_switch(node=cast.community, actor=cast.users["street_official"], kind="epidemic",
                                      level=2, reason="疫情")
    assert child.parent == street
    in_child, in_village = file(cast), file(cast, "unit_c")
    time_machine.move_to(at(2026, 12, 1, 11), tick=False)
    services.emergency_end(emergency=street, actor=cast.users["street_official"])
    in_child.refresh_from_db()
    in_village.refresh_from_db()
    assert child.__class__.objects.get(pk=child.pk).status == EmergencyStatus.ACTIVE
    assert in_child.mode == Mode.URGENT and in_village.mode == Mode.CALM  # only the village calms down
    assert provider_call("node_mode", cast.unit_a.node, default="normal") == "urgent"
    assert provider_call("node_mode", cast.unit_c.node, default="normal") == "normal"
    # the other way round: a child ended inside an active parent leaves its nodes urgent
    parent2 = services.emergency_switch(node=cast.street, actor=cast.users["street_official"], kind="fire", level=4,
                                        reason="火灾")
    services.emergency_end(emergency=child.__class__.objects.get(pk=child.pk), actor=cast.users["street_official"])
    in_child.refresh_from_db()
    assert in_child.mode == Mode.URGENT and parent2.is_active


@pytest.mark.parametrize("persona", ["outsider", "community_cadre", "grid_worker"])
def test_switching_back_someone_elses_emergency_is_refused(cast, community_emergency, persona):
    with pytest.raises(services.EmergencyForbidden):
        services.emergency_end(emergency=community_emergency, actor=cast.users[persona])
    community_emergency.refresh_from_db()
    assert community_emergency.is_active


def test_a_lower_level_cannot_switch_back_what_a_higher_level_switched_on(cast):
    e = services.emergency_switch(node=cast.community, actor=cast.users["district_official"], kind="epidemic", level=2,
                                  reason="区级部署")
    assert e.authority == cast.district
    with pytest.raises(services.EmergencyForbidden):
        services.emergency_end(emergency=e, actor=cast.users["street_official"])
    services.emergency_end(emergency=e, actor=cast.users["city_admin"])  # a higher level may


def test_the_views_answer_403_for_a_scope_you_do_not_govern_and_change_nothing(cast, login):
    from django.urls import reverse

    client = login("outsider")
    r = client.post(reverse("emergency:switch"), {"node": cast.community.pk, "kind": "epidemic", "level": 3,
                                                   "reason": "x"})
    assert r.status_code == 403 and not Emergency.objects.exists()
    client = login("street_official")
    r = client.post(reverse("emergency:switch"), {"node": cast.community.pk, "kind": "epidemic", "level": 3,
                                                   "reason": "疫情"})
    assert r.status_code == 302
    e = Emergency.objects.get()
    client = login("outsider")
    assert client.post(reverse("emergency:end", args=[e.pk])).status_code == 403
    e.refresh_from_db()
    assert e.is_active


def test_a_matter_filed_calm_in_another_process_is_retimed_by_the_minute_sweep(cast, time_machine):
    from yizuyihui.emergency.selectors import _mode_cache  # noqa: F401  (the cache the sweep backs up)

    time_machine.move_to(at(2026, 12, 1, 10), tick=False)
    services.emergency_switch(node=cast.community, actor=cast.users["street_official"], kind="epidemic", level=3,
                              reason="疫情")
    # another process that has not seen the switch yet files with calm deadlines
    from yizuyihui.core import plugins

    plugins.register_provider("node_mode", lambda node: "normal")
    stale = file(cast)
    assert stale.mode == Mode.CALM
    assert services.retime_sweep() == 1 and services.retime_sweep() == 0
    stale.refresh_from_db()
    assert stale.mode == Mode.URGENT and stale.resolve_due == at(2026, 12, 3, 22)
