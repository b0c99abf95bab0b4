"""A recorded quarter (2026 Q3) under 幸福社区 for the letters, reports and honours tests, made
through the services: an official registered under 三报到 (employer 东区住建局) who researched,
paired with a household, was drawn into a matter as a "+" member, sat in a council meeting and
served volunteer hours — plus lines outside the quarter or outside the community that must not
appear, and a "+" member with no employer on record."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine

from yizuyihui.cases import services as case_services
from yizuyihui.meetings.models import Meeting, Participant
from yizuyihui.people.models import Body
from yizuyihui.people.services import person_create
from yizuyihui.resources import services as res

TZ = ZoneInfo("Asia/Shanghai")
ISSUE_AT = dt.datetime(2026, 10, 8, 10, tzinfo=TZ)  # after the quarter: letters are issued now


def at(m, d, h=10, y=2026):
    return dt.datetime(y, m, d, h, tzinfo=TZ)


@dataclass
class Recorded:
    official: object
    registration: object
    volunteer_only: object  # a "+" member with no registration: no employer on record
    case: object
    other_official: object  # registered at 和平社区 (another street)


def _meeting(unit, title, when, people):
    meeting = Meeting.objects.create(unit=unit, kind="council", status="held", title=title, place_kind="other",
                                     scheduled_at=when, held_at=when, created_at=when)
    for person, body in people:
        Participant.objects.create(meeting=meeting, person=person, body=body, attended=True)
    return meeting


def build(cast) -> Recorded:
    cadre = cast.users["community_cadre"]
    with time_machine.travel(ISSUE_AT, tick=False):
        official = person_create(name="王建国", gender="M", node=cast.community, phone="13900001111",
                                 id_number="", is_party_member=True)
        reg = res.registration_register(person=official, actor=cadre, kind="in_service", node=cast.community,
                                        employer="东区住建局", services=["elder_care"], availability=7,
                                        on=dt.date(2026, 6, 1))
        res.registration_confirm(registration=reg, actor=cadre, now=at(6, 3))
        # In the quarter: research (2 h), pairing (1 h). Before it: service in June (not listed).
        res.activity_record(registration=reg, actor=cadre, kind="research", on=dt.date(2026, 7, 10), hours=2,
                            note="调研加装电梯意愿")
        res.activity_record(registration=reg, actor=cadre, kind="pairing", on=dt.date(2026, 8, 1), hours=1,
                            note="结对帮扶独居老人")
        res.activity_record(registration=reg, actor=cadre, kind="service", on=dt.date(2026, 6, 20), hours=4,
                            note="六月的服务")
        # A "+" member on a matter of unit A (the service records a "+" activity too: listed once).
        case = case_services.case_file(unit=cast.unit_a, actor=cast.users["resident"], title="3号楼楼道堆物，电话13812345678",
                                       description="", channel="web", suggest=False, now=at(8, 14))
        res.plus_member_draw(case=case, actor=cast.users["unit_leader"], role="advise", source="official",
                             person=official, now=at(8, 15))
        # A council meeting of unit A attended as a "+" member.
        volunteer_only = person_create(name="李热心", gender="F", node=cast.unit_a.node, phone="", id_number="")
        _meeting(cast.unit_a, "楼道堆物清理议事", at(9, 1, 19), [(official, Body.PLUS), (volunteer_only, Body.PLUS),
                                                          (cast.residents["council_member"], Body.COUNCIL)])
        # Volunteer hours for a team of the community (3 h on 10 September).
        team = res.team_create(actor=cadre, node=cast.community, name="幸福助老队", service_type="elder_care")
        vol = res.volunteer_join(team=team, actor=cadre, person=official)
        dispatch = res.team_dispatch(team=team, actor=cadre, case=case, now=at(9, 9))
        res.hours_log(dispatch=dispatch, actor=cadre, volunteer=vol, hours=3, on=dt.date(2026, 9, 10))
        # Another official, registered in 和平社区 (another street): never in 幸福社区's letters.
        other = person_create(name="赵外街", gender="M", node=cast.unit_d.node, phone="", id_number="")
        other_reg = res.registration_register(person=other, actor=cast.users["outsider"], kind="in_service",
                                              node=cast.unit_d.node.get_parent(), employer="西区教育局",
                                              services=["legal"], availability=7, on=dt.date(2026, 6, 1))
        res.registration_confirm(registration=other_reg, actor=cast.users["outsider"], now=at(6, 3))
        res.activity_record(registration=other_reg, actor=cast.users["outsider"], kind="research",
                            on=dt.date(2026, 7, 20), hours=2, note="和平社区调研")
    return Recorded(official=official, registration=reg, volunteer_only=volunteer_only, case=case,
                    other_official=other)


EXPECTED_HOURS = Decimal("6.0")  # research 2 + pairing 1 + volunteer service 3
