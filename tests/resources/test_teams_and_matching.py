"""Volunteer teams: matched by service type, place and availability; dispatched; hours per member."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from yizuyihui.resources import matching, selectors, services
from yizuyihui.resources.models import EVENINGS, WEEKDAY_DAYTIME, WEEKEND, ServiceType, slot_bit
from yizuyihui.resources.services import ResourceError, ResourceForbidden


def test_the_team_of_the_same_community_ranks_first(cast, world):
    ranked = matching.rank_teams(service_type=ServiceType.LEGAL, path=cast.unit_a.node.path, when=EVENINGS)
    assert [s.obj.pk for s in ranked] == [world.team.pk, world.far_team.pk]


def test_teams_of_another_service_or_busy_at_the_wanted_time_are_not_suggested(cast, world):
    assert matching.rank_teams(service_type=ServiceType.MEDICAL, path=cast.unit_a.node.path, when=EVENINGS) == []
    # world.team serves weekdays and evenings; the far team any time: a Sunday morning leaves only the far team.
    ranked = matching.rank_teams(service_type=ServiceType.LEGAL, path=cast.unit_a.node.path, when=slot_bit(6, 0))
    assert [s.obj.pk for s in ranked] == [world.far_team.pk]


def test_volunteers_free_at_the_wanted_time_are_suggested_nearest_first(cast, world):
    ranked = matching.rank_volunteers(service_type=ServiceType.LEGAL, path=cast.unit_a.node.path, when=WEEKEND & ~EVENINGS)
    assert [s.obj.person.name for s in ranked] == ["farvol"]
    ranked = matching.rank_volunteers(service_type=ServiceType.LEGAL, path=cast.unit_a.node.path, when=EVENINGS)
    assert {s.obj.person.name for s in ranked[:2]} == {"volunteer1", "volunteer2"}


def test_a_dispute_suggests_a_legal_adviser_and_the_police(cast, world):
    s = matching.suggest_for_case(world.dispute)
    assert s.kinds[:2] == ["legal", "police"]
    assert {p.obj.pk for p in s.professionals} >= {world.lawyer.pk, world.police.pk}
    assert s.teams[0].obj.pk == world.team.pk


def test_a_dispatched_team_sees_the_matter_and_its_leader_logs_hours(cast, world):
    helper = world.team.members.get(person__name="volunteer2")
    assert not world.volunteer_user.has_perm("cases.view_case", world.dispute)
    dispatch = services.team_dispatch(team=world.team, case=world.dispute, actor=cast.users["unit_leader"])
    assert world.volunteer_user.has_perm("cases.view_case", world.dispute)
    assert world.dispute.plus_members.get().person == world.volunteer  # the leader joins as "+" (handle)
    services.hours_log(dispatch=dispatch, actor=world.volunteer_user, volunteer=helper, hours="2.5")
    with pytest.raises(ResourceForbidden):
        services.hours_log(dispatch=dispatch, actor=cast.users["council_member"], volunteer=helper, hours="1")
    with pytest.raises(ResourceError):
        services.hours_log(dispatch=dispatch, actor=world.volunteer_user, volunteer=helper, hours="30")
    world.team.refresh_from_db()
    helper.refresh_from_db()
    assert (world.team.hours_total, helper.hours_total) == (Decimal("2.5"), Decimal("2.5"))


def test_hours_cannot_be_logged_for_a_day_before_the_dispatch(cast, world):
    with time_machine.travel(dt.datetime(2026, 6, 10, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False):
        dispatch = services.team_dispatch(team=world.team, case=world.dispute, actor=cast.users["unit_leader"])
        helper = world.team.members.first()
        with pytest.raises(ResourceError):
            services.hours_log(dispatch=dispatch, actor=world.volunteer_user, volunteer=helper, hours=1,
                               on=dt.date(2026, 6, 9))
        services.hours_log(dispatch=dispatch, actor=world.volunteer_user, volunteer=helper, hours=1,
                           on=dt.date(2026, 6, 10))


def test_volunteers_see_a_masked_phone_and_the_address_only_once_dispatched(cast, world):
    need = services.need_create(unit=cast.unit_a, case=world.dispute, actor=cast.users["unit_leader"],
                                service_type=ServiceType.LEGAL, title="调解邻里漏水纠纷", when=WEEKDAY_DAYTIME)
    offered = selectors.open_needs_for_team(team=world.team)
    assert [v.need.pk for v in offered] == [need.pk]
    assert offered[0].phone == "138****0010" and offered[0].address == ""
    services.team_dispatch(team=world.team, need=need, actor=cast.users["unit_leader"])
    need.refresh_from_db()
    assert need.status == "dispatched" and need.matched_at is not None
    dispatched = selectors.team_dispatches(team=world.team)[0][1]
    assert dispatched.address == "幸福一网格3号楼502" and dispatched.phone == "138****0010"


def test_the_team_page_shows_no_full_phone_to_its_volunteers(cast, world, client):
    services.need_create(unit=cast.unit_a, case=world.dispute, actor=cast.users["unit_leader"],
                         service_type=ServiceType.LEGAL, title="调解邻里漏水纠纷")
    client.force_login(world.volunteer_user)
    page = client.get(reverse("resources:team", args=[world.team.pk])).content.decode()
    assert "13800000010" not in page and "138****0010" in page and "3号楼502" not in page


def test_team_members_are_kept_by_managers_or_the_leader(cast, world):
    with pytest.raises(ResourceForbidden):
        services.volunteer_join(team=world.team, actor=cast.users["outsider"], person=cast.residents["resident"])
    v = services.volunteer_join(team=world.team, actor=world.volunteer_user, person=cast.residents["resident"])
    world.team.refresh_from_db()
    assert world.team.member_count == 3
    services.volunteer_leave(volunteer=v, actor=world.volunteer_user)
    world.team.refresh_from_db()
    assert world.team.member_count == 2
