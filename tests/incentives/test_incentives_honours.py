"""Honours (荣誉): proposals computed from the measures of the record, confirmed by the community,
shown on the unit's board with names only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from factories import file_matter

from yizuyihui.core.errors import ServiceForbidden
from yizuyihui.incentives import honours
from yizuyihui.incentives.honours import HonourError
from yizuyihui.incentives.models import PointEntry
from yizuyihui.incentives.recognition import Honour, HonourStatus, HonourTitle
from yizuyihui.meetings.models import Meeting, Participant
from yizuyihui.people.models import Body
from yizuyihui.people.services import household_create, person_create
from yizuyihui.resources import services as res

from .recognition_record import TZ, at

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 12, 20, 10, tzinfo=TZ)


def _points(person, points, when, kind="award"):
    PointEntry.objects.create(person=person, kind=kind, event="matter_accepted" if kind == "award" else "",
                              source=f"t:{PointEntry.objects.count()}", period="", points=points, at=when)


def _council(unit, when, people):
    m = Meeting.objects.create(unit=unit, kind="council", status="held", title="议事", place_kind="other",
                               scheduled_at=when, held_at=when, created_at=when)
    for person, body in people:
        Participant.objects.create(meeting=m, person=person, body=body, attended=True)


@pytest.fixture
def year(cast):
    """2026 in 幸福社区. Hand-computed measures:
    household points (unit A): grid_worker 40; council_member 35; resident 35 (20 + 15); unit_leader 30
      (its 50 of 2025 do not count); building_head 25; a redemption of −30 is not an award.
    household points (unit B): 李二格 50.
    volunteer hours: resident 9 (5 + 4); council_member 6.
    council meetings attended (unit A): unit_leader 4, council_member 3, building_head 2 ("+" seats do not count).
    """
    honours.honour_titles_default()
    r = cast.residents
    _points(r["grid_worker"], 40, at(5, 3))
    _points(r["grid_worker"], -30, at(6, 3), kind="redemption")
    _points(r["council_member"], 35, at(4, 1))
    _points(r["resident"], 20, at(3, 1))
    _points(r["resident"], 15, at(8, 1))
    _points(r["unit_leader"], 30, at(2, 1))
    _points(r["unit_leader"], 50, dt.datetime(2025, 12, 31, 23, tzinfo=TZ))
    _points(r["building_head"], 25, at(7, 1))
    hh_b = household_create(unit=cast.unit_b, address="幸福二网格8号", category="ordinary")
    b = person_create(name="李二格", gender="F", node=cast.unit_b.node, household=hh_b, phone="13955556666")
    _points(b, 50, at(9, 9))
    cadre = cast.users["community_cadre"]
    with time_machine.travel(at(11, 30), tick=False):
        team = res.team_create(actor=cadre, node=cast.community, name="助老队", service_type="elder_care")
        vols = {p: res.volunteer_join(team=team, actor=cadre, person=r[p]) for p in ("resident", "council_member")}
        case = file_matter(cast, title="送餐", now=at(6, 1))
        dispatch = res.team_dispatch(team=team, actor=cadre, case=case, now=at(6, 1))
        for who, hours, day in (("resident", 5, dt.date(2026, 6, 2)), ("resident", 4, dt.date(2026, 10, 2)),
                                ("council_member", 6, dt.date(2026, 7, 2))):
            res.hours_log(dispatch=dispatch, actor=cadre, volunteer=vols[who], hours=hours, on=day)
    for month in (1, 3, 5, 7):
        people = [(r["unit_leader"], Body.COUNCIL)]
        if month != 7:
            people.append((r["council_member"], Body.COUNCIL))
        if month in (1, 3):
            people.append((r["building_head"], Body.COUNCIL))
        if month == 5:
            people.append((r["resident"], Body.PLUS))
        _council(cast.unit_a, at(month, 10, 19), people)
    return b


def _propose(cast, name, period="2026", who="community_cadre"):
    with time_machine.travel(NOW, tick=False):
        return honours.honours_propose(actor=cast.users[who], node=cast.community,
                                       title=HonourTitle.objects.get(name=name), period=period)


def _proposals(name):
    return [(h.unit.node.name, h.person.name if h.person_id else f"hh:{h.household_id}", h.value, h.rank)
            for h in Honour.objects.filter(title__name=name).select_related("unit__node", "person")
            .order_by("unit__node__path", "rank")]


def test_household_proposals_equal_the_hand_computed_example(cast, year):
    r = cast.residents
    assert _propose(cast, "星级文明户") == 4
    assert _proposals("星级文明户") == [
        ("幸福一网格", f"hh:{r['grid_worker'].household_id}", Decimal("40"), 1),
        # 35 each: the earlier registered household first
        ("幸福一网格", f"hh:{r['council_member'].household_id}", Decimal("35"), 2),
        ("幸福一网格", f"hh:{r['resident'].household_id}", Decimal("35"), 3),
        # unit_leader's 30 is enough but the unit has three better; building_head's 25 is not enough
        ("幸福二网格", f"hh:{year.household_id}", Decimal("50"), 1),
    ]


def test_volunteer_and_council_proposals_equal_the_hand_computed_example(cast, year):
    _propose(cast, "优秀志愿者")
    assert _proposals("优秀志愿者") == [("幸福一网格", "resident", Decimal("9"), 1)]  # 6 h is under 8
    _propose(cast, "优秀议事会成员")
    assert _proposals("优秀议事会成员") == [("幸福一网格", "unit_leader", Decimal("4"), 1),
                                          ("幸福一网格", "council_member", Decimal("3"), 2)]


def test_proposing_again_adds_nothing_and_keeps_the_decisions(cast, year):
    _propose(cast, "星级文明户")
    first = Honour.objects.filter(title__name="星级文明户").order_by("pk").first()
    honours.honour_confirm(actor=cast.users["community_cadre"], honour=first)
    assert _propose(cast, "星级文明户") == 3
    assert Honour.objects.filter(title__name="星级文明户").count() == 4
    assert Honour.objects.get(pk=first.pk).status == HonourStatus.CONFIRMED


def test_a_title_is_proposed_for_its_own_kind_of_period(cast, year):
    with pytest.raises(HonourError):
        _propose(cast, "星级文明户", period="2026Q3")
    with pytest.raises(HonourError):
        _propose(cast, "积分之星", period="2026")


@pytest.mark.parametrize("who", ["outsider", "unit_leader", "city_admin", "resident"])
def test_only_the_community_or_street_proposes_and_a_refusal_writes_nothing(cast, year, who):
    with pytest.raises(ServiceForbidden):
        _propose(cast, "星级文明户", who=who)
    assert not Honour.objects.exists()


def test_only_the_community_confirms(cast, year):
    _propose(cast, "星级文明户")
    h = Honour.objects.first()
    for who in ("unit_leader", "outsider", "grid_worker"):
        with pytest.raises(ServiceForbidden):
            honours.honour_confirm(actor=cast.users[who], honour=h)
    assert Honour.objects.get(pk=h.pk).status == HonourStatus.PROPOSED


def test_the_board_shows_only_confirmed_honours_and_no_personal_data(cast, year, client):
    r = cast.residents
    _propose(cast, "优秀议事会成员")
    _propose(cast, "星级文明户")
    client.force_login(cast.users["resident"])
    url = reverse("incentives:honour_board", args=[cast.unit_a.pk])
    page = client.get(url).content.decode()
    assert "unit_leader" not in page and "council_member" not in page  # proposed, not yet confirmed
    cadre = cast.users["community_cadre"]
    leader = Honour.objects.get(title__name="优秀议事会成员", person=r["unit_leader"])
    member = Honour.objects.get(title__name="优秀议事会成员", person=r["council_member"])
    honours.honour_confirm(actor=cadre, honour=leader)
    honours.honour_reject(actor=cadre, honour=member, reason="本年度请假较多")
    honours.honour_confirm(actor=cadre, honour=Honour.objects.get(household=r["resident"].household))
    page = client.get(url).content.decode()
    assert "unit_leader" in page and "resident家" in page
    assert "council_member" not in page  # rejected
    for person in (r["unit_leader"], r["resident"]):
        for secret in (person.phone, person.id_number, person.household.address, person.id_number[-4:]):
            assert secret and secret not in page, secret
    assert "本年度请假较多" not in page


def test_the_cadre_proposes_and_confirms_from_the_page(cast, year, client):
    with time_machine.travel(NOW, tick=False):
        client.force_login(cast.users["community_cadre"])
        title = HonourTitle.objects.get(name="优秀志愿者")
        response = client.post(reverse("incentives:honours_propose"), {"node": cast.community.pk, "title": title.pk,
                                                                      "period": "2026"})
        assert response.status_code == 302
        h = Honour.objects.get()
        assert "resident" in client.get(response["Location"]).content.decode()
        client.post(reverse("incentives:honour_decide", args=[h.pk]), {"decision": "confirm"})
        assert Honour.objects.get().status == HonourStatus.CONFIRMED
