"""Points rules and a small record on top of the cast: a resident's accepted matter, volunteer
hours on a dispatch, a "+" seat at a held meeting — all made through the services."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from yizuyihui.cases import services as case_services
from yizuyihui.incentives import services
from yizuyihui.resources import services as res

TZ = ZoneInfo("Asia/Shanghai")


def at(y, m, d, h=10):
    return dt.datetime(y, m, d, h, tzinfo=TZ)


@pytest.fixture
def point_rules(cast):
    admin = cast.users["city_admin"]
    return {r.event: r for r in [
        services.point_rule_save(actor=admin, event="matter_accepted", points=5, cap=10, period="month"),
        services.point_rule_save(actor=admin, event="volunteer_hours", points=2, cap=40, period="month"),
        services.point_rule_save(actor=admin, event="visit_hosted", points=1, cap=4, period="year"),
        services.point_rule_save(actor=admin, event="plus_meeting", points=3, cap=9, period="quarter"),
        services.point_rule_save(actor=admin, event="useful_report", points=2, cap=6, period="month"),
    ]}


def file_and_accept(cast, title, when, person="resident"):
    case = case_services.case_file(unit=cast.unit_a, actor=cast.users[person], title=title, description="",
                                   channel="web", suggest=False, now=when)
    case_services.case_receive(case=case, actor=cast.users["unit_leader"], now=when + dt.timedelta(hours=1))
    return case


def volunteer_hours(cast, hours, on, person="resident"):
    """`hours` served on day `on` by `person`, logged that evening (the clock travels there)."""
    with time_machine.travel(dt.datetime.combine(on, dt.time(20), tzinfo=TZ), tick=False):
        return _volunteer_hours(cast, hours, on, person)


def _volunteer_hours(cast, hours, on, person):
    cadre = cast.users["community_cadre"]
    team = res.team_create(actor=cadre, node=cast.community, name=f"助老队{on}", service_type="elder_care")
    res.volunteer_join(team=team, actor=cadre, person=cast.residents["council_member"], leader=True)
    vol = res.volunteer_join(team=team, actor=cadre, person=cast.residents[person])
    case = case_services.case_file(unit=cast.unit_a, actor=cast.users["unit_leader"], title="独居老人送餐",
                                   description="", channel="visit", suggest=False)
    dispatch = res.team_dispatch(team=team, actor=cadre, case=case)
    return res.hours_log(dispatch=dispatch, actor=cadre, volunteer=vol, hours=hours, on=on)
