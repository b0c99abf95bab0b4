import datetime as dt

import pytest
import time_machine

from yizuyihui.core.errors import ServiceError, ServiceForbidden
from yizuyihui.incentives import points, services
from yizuyihui.incentives.models import PointAccount, PointEntry, PointRule

from .conftest import at, file_and_accept, volunteer_hours


def balance(person):
    acc = PointAccount.objects.filter(person=person).first()
    return acc.balance if acc else 0


def test_an_accepted_matter_earns_its_reporter_points(cast, point_rules):
    file_and_accept(cast, "路灯坏了", at(2026, 3, 2))
    assert services.points_derive() == 1
    assert balance(cast.residents["resident"]) == 5
    entry = PointEntry.objects.get(person=cast.residents["resident"])
    assert (entry.event, entry.period, entry.points) == ("matter_accepted", "2026-03", 5)


def test_a_returned_matter_earns_nothing(cast, point_rules):
    from yizuyihui.cases import services as case_services

    case = case_services.case_file(unit=cast.unit_a, actor=cast.users["resident"], title="重复", description="",
                                   channel="web", suggest=False)
    case_services.case_return(case=case, actor=cast.users["unit_leader"], reason="不属于本组")
    assert services.points_derive() == 0
    assert balance(cast.residents["resident"]) == 0


def test_the_monthly_cap_stops_points_and_a_new_month_starts_again(cast, point_rules):
    for day in (1, 5, 9):  # 3 × 5 points in March, cap 10
        file_and_accept(cast, f"三月{day}", at(2026, 3, day))
    file_and_accept(cast, "四月", at(2026, 4, 1))
    services.points_derive()
    by_period = {}
    for e in PointEntry.objects.filter(person=cast.residents["resident"]):
        by_period[e.period] = by_period.get(e.period, 0) + e.points
    assert by_period == {"2026-03": 10, "2026-04": 5}


def test_the_cap_period_follows_shanghai_time(cast, point_rules):
    # 31 March 23:30 in Shanghai is 15:30 UTC: still March's cap.
    file_and_accept(cast, "月末", dt.datetime(2026, 3, 31, 15, 30, tzinfo=dt.UTC) - dt.timedelta(hours=1))
    services.points_derive()
    assert PointEntry.objects.get(person=cast.residents["resident"]).period == "2026-03"


def test_volunteer_hours_earn_points_per_hour_within_the_cap(cast, point_rules):
    volunteer_hours(cast, "3.5", dt.date(2026, 5, 2))
    volunteer_hours(cast, "12", dt.date(2026, 5, 3))
    volunteer_hours(cast, "8", dt.date(2026, 5, 4))
    services.points_derive()
    assert balance(cast.residents["resident"]) == 40  # 7 + 24 + 16 = 47, capped at 40 a month


def test_deriving_twice_adds_nothing(cast, point_rules):
    file_and_accept(cast, "一", at(2026, 3, 2))
    volunteer_hours(cast, "2", dt.date(2026, 3, 3))
    assert services.points_derive() == 2
    assert services.points_derive() == 0
    assert PointEntry.objects.count() == 2


def test_derivation_equals_recomputation(cast, point_rules):
    """The ledger, derived month by month as the record grows, equals the balances recomputed
    from the whole record at once."""
    for month in (1, 2, 3):
        for day in (3, 10, 20):
            file_and_accept(cast, f"{month}-{day}", at(2026, month, day))
            file_and_accept(cast, f"楼长{month}-{day}", at(2026, month, day), person="building_head")
        volunteer_hours(cast, "12.5", dt.date(2026, month, 15))
        services.points_derive(start=at(2026, month, 1, 0),
                               end=at(2026 + month // 12, month % 12 + 1, 1, 0))
    ledger = {a.person_id: a.balance for a in PointAccount.objects.all() if a.balance}
    assert ledger == points.balances_recomputed()
    assert ledger[cast.residents["resident"].pk] == 3 * (10 + 25)


def test_a_rule_without_a_cap_is_refused(cast):
    admin = cast.users["city_admin"]
    for cap in (None, "", 0, -5):
        with pytest.raises(ServiceError):
            services.point_rule_save(actor=admin, event="visit_hosted", points=1, cap=cap)
    with pytest.raises(ServiceError):
        services.point_rule_save(actor=admin, event="visit_hosted", points=0, cap=10)
    with pytest.raises(ServiceError):
        services.point_rule_save(actor=admin, event="visit_hosted", points=20, cap=10)
    assert not PointRule.objects.exists()


def test_only_the_city_edits_the_rules(cast):
    with pytest.raises(ServiceForbidden):
        services.point_rule_save(actor=cast.users["community_cadre"], event="visit_hosted", points=1, cap=4)
    assert not PointRule.objects.exists()


def test_the_rules_page_refuses_an_unbounded_rule(cast, login, client):
    login("city_admin")
    client.post("/incentives/rules/", {"event": "plus_meeting", "points": "3", "cap": "", "period": "month",
                                       "active": "on"})
    assert not PointRule.objects.exists()
    client.post("/incentives/rules/", {"event": "plus_meeting", "points": "3", "cap": "9", "period": "month",
                                       "active": "on"})
    assert PointRule.objects.get().cap == 9


def test_a_plus_member_who_attended_a_held_meeting_earns_points(cast, point_rules):
    from yizuyihui.meetings.models import Meeting, Participant
    from yizuyihui.people.models import Body

    meeting = Meeting.objects.create(unit=cast.unit_a, kind="council", status="held", title="议事",
                                     place_kind="other", scheduled_at=at(2026, 6, 1), held_at=at(2026, 6, 1),
                                     created_at=at(2026, 5, 20))
    Participant.objects.create(meeting=meeting, person=cast.residents["resident"], body=Body.PLUS, attended=True)
    Participant.objects.create(meeting=meeting, person=cast.residents["building_head"], body=Body.PLUS, attended=False)
    Participant.objects.create(meeting=meeting, person=cast.residents["council_member"], body=Body.COUNCIL,
                               attended=True)
    services.points_derive()
    assert list(PointEntry.objects.values_list("person_id", "points")) == [(cast.residents["resident"].pk, 3)]


@time_machine.travel("2026-07-01 10:00 +0800", tick=False)
def test_the_resident_sees_balance_and_history_on_the_phone(cast, point_rules, login, client):
    file_and_accept(cast, "楼道灯坏了", at(2026, 6, 3))
    services.points_derive()
    login("resident")
    page = client.get("/incentives/points/").content.decode()
    assert 'data-testid="balance">5<' in page
    assert "06-03 ·" in page and "2026-06-03" not in page  # this year: no year (core.dates)
    # The heading has its own msgid: "History" is the matter timeline's 办理记录 in the cases catalogue.
    assert "积分明细" in page and "办理记录" not in page


def test_derivation_in_windows_inside_one_cap_period_equals_recomputation(cast, point_rules):
    """Deriving March in three windows (as the five-minute job does) reads what the ledger already
    holds for the month: the cap (10) is not granted again in each window."""
    for day in (2, 12, 22):
        file_and_accept(cast, f"三月{day}", at(2026, 3, day))
    for a, b in ((1, 10), (10, 20), (20, 31)):
        services.points_derive(start=at(2026, 3, a, 0), end=at(2026, 3, b, 0))
    ledger = {x.person_id: x.balance for x in PointAccount.objects.all() if x.balance}
    assert ledger == points.balances_recomputed() == {cast.residents["resident"].pk: 10}
