"""Staff performance (考核): scores equal a hand-computed example, the weighting is validated, league
tables keep to the viewer's scope, appeals go to the level above, the XLSX carries the reasons."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from yizuyihui.core.errors import ServiceConflict, ServiceForbidden
from yizuyihui.incentives import performance
from yizuyihui.incentives.performance_models import (
    Appeal,
    AppealState,
    PerformanceScore,
    PerformanceWeight,
    SubjectKind,
)
from yizuyihui.incentives.performance_services import (
    WeightsRefused,
    appeal_answer,
    appeal_file,
    performance_weights_save,
)
from yizuyihui.insights.models import CaseDayUnit
from yizuyihui.meetings.models import Action, AgendaItem, Meeting, Resolution, Topic
from yizuyihui.supervision.models import Supervision
from yizuyihui.visits.models import Duty, Event, PlannedVisit, Visit, VisitorAssignment

TZ = ZoneInfo("Asia/Shanghai")
PERIOD = "2025"  # a closed year: nothing in it depends on today's date


def at(m, d, h=10):
    return dt.datetime(2025, m, d, h, tzinfo=TZ)


@pytest.fixture
def record(cast):
    """Known measures for 2025 (made directly: the rollups and registers are the scores' input).

    Unit A: 20 matters filed, 16 answered in time, 18 resolved, 9 of 10 ratings satisfied, 2 went
    overdue; 10 visit slots, 8 done (the grid worker's own household: 2 of 2); 5 duties, 3 on time
    (grid worker 2 of 2, unit leader 1 of 3); 5 actions due, 4 done; 3 督办 on its actions.
    Unit B: 10 matters, all answered in time, 5 resolved, none rated, none overdue; nothing else."""
    a, b = cast.unit_a, cast.unit_b
    CaseDayUnit.objects.create(unit_id=a.pk, day=dt.date(2025, 3, 1), path=a.node.path, filed=20, responded_in_time=16,
                               resolved=18, rated=10, satisfied=9, was_overdue=2)
    CaseDayUnit.objects.create(unit_id=b.pk, day=dt.date(2025, 5, 1), path=b.node.path, filed=10, responded_in_time=10,
                               resolved=5, rated=0, satisfied=0, was_overdue=0)
    # A matter filed in 2024 does not count in 2025.
    CaseDayUnit.objects.create(unit_id=a.pk, day=dt.date(2024, 12, 31), path=a.node.path, filed=50)
    households = list(a.household_set.order_by("pk"))
    grid_worker, leader = cast.users["grid_worker"], cast.users["unit_leader"]
    VisitorAssignment.objects.create(household=households[0], visitor=grid_worker)
    slots = [(households[0], dt.date(2025, 1, 1), dt.date(2025, 6, 30)),
             (households[0], dt.date(2025, 7, 1), dt.date(2025, 12, 31))]
    slots += [(households[1], dt.date(2025, m, 1), dt.date(2025, m, 28)) for m in range(1, 9)]
    for i, (hh, start, due) in enumerate(slots):
        visit = None
        if i < 8:
            visit = Visit.objects.create(household=hh, unit=a, visitor=grid_worker, visited_at=at(start.month, 10))
        PlannedVisit.objects.create(household=hh, category=hh.category, period_start=start, due=due, visit=visit)
    for i, (who, late) in enumerate(((grid_worker, False), (grid_worker, False), (leader, False), (leader, True),
                                     (leader, True))):
        event = Event.objects.create(unit=a, event_type="neighbour_dispute", description="邻里纠纷",
                                     registered_at=at(4, 1 + i))
        due = at(4, 2 + i)
        Duty.objects.create(event=event, assignee=who, due_at=due, status="arrived",
                            arrived_at=due + dt.timedelta(hours=3 if late else -1))
    topic = Topic.objects.create(unit=a, source="proposal", title="停车", created_at=at(2, 1))
    meeting = Meeting.objects.create(unit=a, kind="council", status="held", title="议事会", place_kind="other",
                                     scheduled_at=at(2, 10), held_at=at(2, 10), created_at=at(2, 1))
    item = AgendaItem.objects.create(meeting=meeting, topic=topic)
    resolution = Resolution.objects.create(item=item, meeting=meeting, unit=a, topic=topic, text="划线",
                                           decided_by="consensus", passed=True, adopted_at=at(2, 10))
    actions = [Action.objects.create(resolution=resolution, unit=a, title=f"事项{i}", owner=cast.residents["unit_leader"],
                                     due=dt.date(2025, 3, 1 + i), status="done" if i < 4 else "open",
                                     created_at=at(2, 10)) for i in range(5)]
    ct = ContentType.objects.get_for_model(Action)
    for action in actions[:3]:
        Supervision.objects.create(content_type=ct, object_id=action.pk, node=cast.community, reason="逾期",
                                   opened_at=at(3, 20))
    performance.scores_compute(period=PERIOD)
    return cast


def score(kind, node, user=None):
    return PerformanceScore.objects.get(period=PERIOD, kind=kind, node=node, person=getattr(user, "person", None))


def test_scores_equal_the_hand_computed_example(record):
    c = record
    # Unit A: 15×.8 + 15×.9 + 15×.9 + 10×.9 + 10×(27/30) + 15×.8 + 10×.6 + 10×.8 = 83
    unit_a = score(SubjectKind.UNIT, c.unit_a.node)
    assert unit_a.score == Decimal("83.00")
    # Unit B: satisfaction, visits, duties and actions do not apply; the other 50 weight points
    # carry the score: 100 × (15×1 + 15×.5 + 10×1 + 10×1) / 50 = 85.
    unit_b = score(SubjectKind.UNIT, c.unit_b.node)
    assert unit_b.score == Decimal("85.00")
    assert (unit_b.rank, unit_a.rank, unit_a.peer_count) == (1, 2, 2)
    # The grid worker: their own households (2 of 2 visited) and their own duties (2 of 2 on time).
    assert score(SubjectKind.GRID_WORKER, c.unit_a.node, c.users["grid_worker"]).score == Decimal("90.00")
    # The unit leader: the unit's visits (.8), their own duties 1 of 3: 83 − 6 + 10/3 = 80.33.
    assert score(SubjectKind.UNIT_LEADER, c.unit_a.node, c.users["unit_leader"]).score == Decimal("80.33")
    # The community is the sum of its units: 13 + 11.5 + 13.5 + 9.33… + 9.25 + 12 + 6 + 8 = 82.58,
    # first of the two under 东风街道 (桃园村 has nothing to measure: 0).
    community = score(SubjectKind.COMMUNITY, c.community)
    assert (community.score, community.rank, community.peer_count) == (Decimal("82.58"), 1, 2)
    assert score(SubjectKind.COMMUNITY, c.village).rank == 2
    street = score(SubjectKind.STREET, c.street)
    assert (street.score, street.rank) == (Decimal("82.58"), 1)


def test_each_component_shows_value_weight_and_contribution(record):
    unit_a = score(SubjectKind.UNIT, record.unit_a.node)
    by = {x["measure"]: x for x in unit_a.components}
    assert by["response"] == {"measure": "response", "num": 16, "den": 20, "value": "0.8000", "weight": 15,
                              "contribution": "12.00"}
    assert by["supervision"]["num"] == 27 and by["supervision"]["den"] == 30
    unit_b = score(SubjectKind.UNIT, record.unit_b.node)
    satisfaction = {x["measure"]: x for x in unit_b.components}["satisfaction"]
    assert satisfaction["value"] is None and satisfaction["contribution"] is None


def test_equal_scores_share_a_rank():
    assert performance.competition_ranks([Decimal("80"), Decimal("90"), Decimal("80"), Decimal("70")]) == [2, 1, 2, 4]


def test_a_new_weighting_changes_the_score_after_recomputing(record):
    c = record
    weights = {m: 0 for m in performance.DEFAULT_WEIGHTS}
    weights.update(response=50, duties=50)
    performance_weights_save(actor=c.users["city_admin"], weights=weights)
    performance.scores_compute(period=PERIOD)
    # Unit A: 50×.8 + 50×.6 = 70; unit B: only the response rate applies: 100.
    assert score(SubjectKind.UNIT, c.unit_a.node).score == Decimal("70.00")
    assert score(SubjectKind.UNIT, c.unit_b.node).score == Decimal("100.00")


@pytest.mark.parametrize("bad", [
    {"response": -5, "resolution": 20},  # negative
    {"response": 16},  # adds up to 101
    {"response": "x"},  # not a number
    {"response": 1.5},  # not whole
    {"response": None},  # missing
    {"bogus": 3},  # unknown measure
])
def test_bad_weights_are_refused_and_change_nothing(cast, bad):
    admin = cast.users["city_admin"]
    performance_weights_save(actor=admin, weights=dict(performance.DEFAULT_WEIGHTS))
    before = list(PerformanceWeight.objects.order_by("measure").values_list("measure", "weight", "updated"))
    weights = {**performance.DEFAULT_WEIGHTS, **bad}
    with pytest.raises(WeightsRefused):
        performance_weights_save(actor=admin, weights=weights)
    assert list(PerformanceWeight.objects.order_by("measure").values_list("measure", "weight", "updated")) == before


def test_only_the_city_edits_the_weighting(cast):
    with pytest.raises(ServiceForbidden):
        performance_weights_save(actor=cast.users["street_official"], weights=dict(performance.DEFAULT_WEIGHTS))
    assert not PerformanceWeight.objects.exists()


def test_the_weighting_page_shows_the_problems_and_keeps_the_weights(cast, login, client):
    login("city_admin")
    data = {m: str(w) for m, w in performance.DEFAULT_WEIGHTS.items()}
    assert client.post(reverse("incentives:performance_weights"), data).status_code == 302
    resp = client.post(reverse("incentives:performance_weights"), {**data, "response": "-1", "visits": "40"})
    assert resp.status_code == 400
    assert "不能为负" in resp.content.decode()
    assert PerformanceWeight.objects.get(measure="response").weight == 15
    assert PerformanceWeight.objects.get(measure="visits").weight == 15


def test_the_league_table_keeps_to_the_viewers_scope(record, login, client):
    c = record
    # Another street's community: its cadre's league shows only it, the street's shows both of its own.
    login("outsider")  # street official of 西风街道
    page = client.get(reverse("incentives:performance"), {"period": PERIOD, "kind": "community"}).content.decode()
    assert "和平社区" in page and "幸福社区" not in page and "桃园村" not in page
    login("street_official")
    page = client.get(reverse("incentives:performance"), {"period": PERIOD, "kind": "community"}).content.decode()
    assert "幸福社区" in page and "桃园村" in page and "和平社区" not in page
    login("community_cadre")
    page = client.get(reverse("incentives:performance"), {"period": PERIOD, "kind": "unit"}).content.decode()
    assert c.unit_a.node.name in page and c.unit_d.node.name not in page
    # A score outside the scope is refused, not shown.
    other = score(SubjectKind.COMMUNITY, c.unit_d.node.get_parent())
    assert client.get(reverse("incentives:performance_detail", args=[other.pk])).status_code == 403


def test_the_export_has_the_scope_rows_and_their_reasons(record, login, client):
    from openpyxl import load_workbook

    login("street_official")
    assert client.get(reverse("incentives:performance_xlsx"), {"period": PERIOD, "kind": "community"}).status_code == 200
    resp = client.get(reverse("incentives:performance_xlsx"), {"period": PERIOD, "kind": "unit"})
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.content)).active
    header = [cell.value for cell in ws[2]]
    rows = [[cell.value for cell in row] for row in ws.iter_rows(min_row=3)]
    names = {r[4] for r in rows}
    assert names == {record.unit_a.node.name, record.unit_b.node.name, record.unit_c.node.name}  # not unit D
    a = next(r for r in rows if r[4] == record.unit_a.node.name)
    assert a[:2] == ["幸福社区", 2] and a[5] == 83.0
    assert a[header.index("响应率 · 指标值")] == 0.8
    assert ws.cell(row=3 + rows.index(a), column=header.index("响应率 · 指标值") + 1).number_format == "0.0%"
    assert a[header.index("响应率 · 权重")] == 15
    assert a[header.index("响应率 · 得分")] == 12.0


def test_the_assessed_appeals_and_the_level_above_answers(record, login, client):
    c = record
    s = score(SubjectKind.GRID_WORKER, c.unit_a.node, c.users["grid_worker"])
    # Nobody but the assessed person files; the level below cannot answer.
    with pytest.raises(ServiceForbidden):
        appeal_file(score=s, actor=c.users["unit_leader"], text="不公平")
    login("grid_worker")
    resp = client.post(reverse("incentives:performance_appeal", args=[s.pk]), {"text": "三月的两次走访漏记了"})
    assert resp.status_code == 302
    appeal = Appeal.objects.get(score=s)
    assert appeal.state == AppealState.OPEN and appeal.filed_by == c.users["grid_worker"]
    with pytest.raises(ServiceConflict):
        appeal_file(score=s, actor=c.users["grid_worker"], text="再次申诉")
    with pytest.raises(ServiceForbidden):
        appeal_answer(appeal=appeal, actor=c.users["grid_worker"], answer="自己答复")
    with pytest.raises(ServiceForbidden):
        appeal_answer(appeal=appeal, actor=c.users["outsider"], answer="别的街道")
    login("community_cadre")
    page = client.get(reverse("incentives:performance_detail", args=[s.pk])).content.decode()
    assert "三月的两次走访漏记了" in page and 'name="answer"' in page
    client.post(reverse("incentives:performance_answer", args=[appeal.pk]), {"answer": "已核实，补录后重算"})
    appeal.refresh_from_db()
    assert appeal.state == AppealState.ANSWERED and appeal.answered_by == c.users["community_cadre"]
    # Recomputing keeps the score row, so the appeal stays attached to it.
    performance.scores_compute(period=PERIOD)
    assert Appeal.objects.get(pk=appeal.pk).score_id == s.pk


def test_a_community_cadre_appeals_the_communitys_score_and_the_street_answers(record):
    c = record
    s = score(SubjectKind.COMMUNITY, c.community)
    appeal = appeal_file(score=s, actor=c.users["community_cadre"], text="桃园村不应与社区同组")
    with pytest.raises(ServiceForbidden):
        appeal_answer(appeal=appeal, actor=c.users["community_cadre"], answer="x")
    appeal_answer(appeal=appeal, actor=c.users["street_official"], answer="按规定同组")
    assert Appeal.objects.get(pk=appeal.pk).state == AppealState.ANSWERED


def test_my_assessment_shows_on_the_league_page(record, login, client):
    login("grid_worker")
    page = client.get(reverse("incentives:performance"), {"period": PERIOD}).content.decode()
    assert "我的考核" in page and "90.00" in page


@pytest.mark.parametrize("period,start,end", [
    ("2026", dt.date(2026, 1, 1), dt.date(2027, 1, 1)),
    ("2026Q4", dt.date(2026, 10, 1), dt.date(2027, 1, 1)),
    ("2026-12", dt.date(2026, 12, 1), dt.date(2027, 1, 1)),
    ("2026-02", dt.date(2026, 2, 1), dt.date(2026, 3, 1)),
])
def test_periods_are_years_quarters_and_months(period, start, end):
    assert performance.period_bounds(period) == (start, end)
    assert not performance.valid_period("2026Q5") and not performance.valid_period("2026-13")


def test_party_group_leaders_and_grid_workers_are_assessed_with_or_without_a_login(record):
    """Staff come from the Party group (组长, grid-worker members) as well as from posts; a person
    with both is assessed once."""
    from yizuyihui.people.models import Person
    from yizuyihui.people.services import membership_add

    c = record
    worker = Person.objects.create(name="二网格员", gender="F", node=c.unit_b.node, is_party_member=True)
    membership_add(person=worker, unit=c.unit_b, body="party_group", identity="grid_worker", started=dt.date(2024, 1, 1))
    performance.scores_compute(period=PERIOD)
    s = PerformanceScore.objects.get(period=PERIOD, kind=SubjectKind.GRID_WORKER, person=worker)
    assert (s.user_id, s.node_id, s.score) == (None, c.unit_b.node.pk, Decimal("85.00"))
    assert PerformanceScore.objects.filter(period=PERIOD, kind=SubjectKind.GRID_WORKER, node=c.unit_a.node).count() == 1
    leader = PerformanceScore.objects.get(period=PERIOD, kind=SubjectKind.UNIT_LEADER, node=c.unit_a.node)
    assert leader.person == c.residents["unit_leader"] and leader.user == c.users["unit_leader"]


def _told(before: set) -> dict:
    from yizuyihui.notifications.models import Notification

    return {n.user_id: n for n in Notification.objects.exclude(pk__in=before)}


def _notified() -> set:
    from yizuyihui.notifications.models import Notification

    return set(Notification.objects.values_list("pk", flat=True))


def test_an_appeal_tells_the_level_above_and_its_answer_tells_the_appellant(record):
    c = record
    s = score(SubjectKind.GRID_WORKER, c.unit_a.node, c.users["grid_worker"])
    before = _notified()
    appeal = appeal_file(score=s, actor=c.users["grid_worker"], text="三月的两次走访漏记了")
    told = _told(before)
    # The community's cadre (the level above a unit's staff) — not the street, the district, the city.
    assert set(told) == {c.users["community_cadre"].pk}
    note = told[c.users["community_cadre"].pk]
    assert note.subject.startswith("考核申诉：") and PERIOD in note.subject
    assert note.body == "三月的两次走访漏记了" and note.url == reverse("incentives:performance_detail", args=[s.pk])
    before = _notified()
    appeal_answer(appeal=appeal, actor=c.users["community_cadre"], answer="已核实，补录后重算")
    told = _told(before)
    assert set(told) == {c.users["grid_worker"].pk}
    assert told[c.users["grid_worker"].pk].subject.startswith("您的考核申诉已答复")
    assert told[c.users["grid_worker"].pk].body == "已核实，补录后重算"


def test_a_communitys_appeal_tells_its_street_and_a_level_without_holders_passes_to_the_next(record):
    from yizuyihui.people.models import Post

    c = record
    s = score(SubjectKind.COMMUNITY, c.community)
    before = _notified()
    appeal = appeal_file(score=s, actor=c.users["community_cadre"], text="桃园村不应与社区同组")
    assert set(_told(before)) == {c.users["street_official"].pk}  # not the other street's official
    appeal_answer(appeal=appeal, actor=c.users["street_official"], answer="按规定同组")
    # No cadre at the community: a unit leader's appeal goes to the street, the nearest level with one.
    Post.objects.filter(user=c.users["community_cadre"]).update(active=False)
    s = score(SubjectKind.UNIT_LEADER, c.unit_a.node, c.users["unit_leader"])
    before = _notified()
    appeal_file(score=s, actor=c.users["unit_leader"], text="三月请假")
    assert set(_told(before)) == {c.users["street_official"].pk}
