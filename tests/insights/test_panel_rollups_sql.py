"""The panels' set-based rebuild (panel_rollups._rebuild_sql, PostgreSQL) equals the Python rebuild
(a month at a time over each source's `stream`) row for row — PanelDayUnit and PanelDayTotal, maps
included — and both equal the tables `refresh` maintained from the writes' marks. Seeded random
histories in five units of two streets: the schedule and visits, 六必到 events with duties (arrived
early, late, to the microsecond on the deadline, never, missed), 六必报 reports, meetings of every
status with seats ("+" members attending across meetings), passed and failed resolutions on shared
topics, actions open, done on time or late, superseded — timestamps around local midnight
(Asia/Shanghai) and around UTC midnight, so a day boundary taken in UTC moves rows to other days
and fails the comparison. The clock is frozen at 00:30 local (16:30 UTC the day before): the two dates differ."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone

from yizuyihui.insights import panel_rollups
from yizuyihui.insights.models import PanelDayTotal, PanelDayUnit, PanelDirty
from yizuyihui.meetings.models import (
    Action,
    ActionStatus,
    AgendaItem,
    Decision,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Participant,
    PlaceKind,
    Resolution,
    Topic,
    TopicSource,
)
from yizuyihui.people.models import Body, Household, HouseholdCategory
from yizuyihui.people.services import household_create
from yizuyihui.visits import services
from yizuyihui.visits.models import (
    Desk,
    Duty,
    DutyStatus,
    Event,
    EventType,
    Period,
    PlannedVisit,
    Report,
    ReportType,
)

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
CST = dt.timezone(dt.timedelta(hours=8))
SOURCES = ("duties", "meetings", "reports", "visits")
NOW = dt.datetime(2026, 3, 11, 0, 30, tzinfo=CST)
# Around local midnight, and around UTC midnight (08:00 local): each falls on another day in UTC.
TIMES = [dt.time(23, 59, 59, 999_999), dt.time(0, 0), dt.time(0, 0, 0, 1), dt.time(0, 40), dt.time(7, 59, 59),
         dt.time(8, 0), dt.time(15, 59, 59, 999_999), dt.time(16, 0), dt.time(23, 10)]


def _at(rng: random.Random, today: dt.date, back: int = 70) -> dt.datetime:
    return dt.datetime.combine(today - dt.timedelta(days=rng.randrange(back)), rng.choice(TIMES), tzinfo=CST)


def _visits(cast, rng, units, today) -> None:
    for i in range(rng.randrange(6, 10)):
        household_create(unit=rng.choice(units), address=f"随机{i}号", category=rng.choice(HouseholdCategory.values))
    services.schedule_generate(under=None, start=today - dt.timedelta(days=70), end=today + dt.timedelta(days=40))
    if rng.random() < 0.5:
        panel_rollups.refresh()
    households = list(Household.objects.all())
    for _ in range(rng.randrange(5, 12)):
        services.visit_log(household=rng.choice(households), actor=cast.users["grid_worker"], visited_at=_at(rng, today))
    open_slots = list(PlannedVisit.objects.filter(visit__isnull=True).select_related("household")[:100])
    services.visits_bulk_record(rows=[(s, dt.datetime.combine(s.due, rng.choice(TIMES), tzinfo=CST))
                                      for s in rng.sample(open_slots, min(6, len(open_slots)))])
    if rng.random() < 0.7:
        services.cadence_set(category=rng.choice(HouseholdCategory.values), period=rng.choice([Period.MONTH, Period.QUARTER]))


def _duties(cast, rng, units, today) -> None:
    people = [cast.users[p] for p in ("grid_worker", "unit_leader", "council_member", "building_head", "resident")]
    for _ in range(rng.randrange(8, 14)):
        reg = _at(rng, today)
        event = Event.objects.create(unit=rng.choice(units), event_type=rng.choice(EventType.values), description="x",
                                     registered_at=reg)
        for user in rng.sample(people, rng.randrange(1, 4)):
            due = reg + dt.timedelta(minutes=30)
            arrived = rng.choice([None, None, reg + dt.timedelta(minutes=5, seconds=59, microseconds=999_999), due,
                                  due + dt.timedelta(microseconds=1), reg + dt.timedelta(hours=rng.randrange(1, 30)),
                                  reg - dt.timedelta(seconds=1), reg + dt.timedelta(seconds=rng.randrange(10**6))])
            status = DutyStatus.ARRIVED if arrived else rng.choice([DutyStatus.PENDING, DutyStatus.MISSED])
            Duty.objects.create(event=event, assignee=user, due_at=due, arrived_at=arrived, status=status)
    # A check-in after the fact and an event moved to another day (its old bucket must be emptied).
    duty = Duty.objects.filter(arrived_at__isnull=True).first()
    duty.arrived_at, duty.status = duty.event.registered_at + dt.timedelta(minutes=17), DutyStatus.ARRIVED
    duty.save()


def _reports(cast, rng, units, today) -> None:
    for _ in range(rng.randrange(8, 15)):
        Report.objects.create(unit=rng.choice(units), report_type=rng.choice(ReportType.values), desk=Desk.REGISTRY,
                              description="r", reported_at=_at(rng, today))
    Report.objects.order_by("?").first().delete()


def _meetings(cast, rng, units, today) -> None:
    people = list(cast.residents.values())
    topics = [Topic.objects.create(unit=rng.choice(units), source=TopicSource.PROPOSAL, title=f"议题{i}", created_at=NOW)
              for i in range(5)]
    for i in range(rng.randrange(8, 14)):
        status = rng.choice([MeetingStatus.HELD] * 5 + [MeetingStatus.PLANNED])
        held = _at(rng, today) if status == MeetingStatus.HELD else None
        meeting = Meeting.objects.create(unit=rng.choice(units), kind=rng.choice(MeetingKind.values), status=status,
                                         title=f"会{i}", place_kind=PlaceKind.SERVICE_CENTRE, scheduled_at=held or NOW,
                                         held_at=held, created_at=NOW)
        for person in rng.sample(people, rng.randrange(0, len(people))):
            Participant.objects.create(meeting=meeting, person=person, body=rng.choice(Body.values),
                                       attended=rng.choice([True, True, False, None]))
        for topic in rng.sample(topics, rng.randrange(0, 3)):
            item = AgendaItem.objects.create(meeting=meeting, topic=topic)
            passed = rng.random() < 0.8
            res = Resolution.objects.create(item=item, meeting=meeting, unit=meeting.unit, topic=topic, text="方案",
                                            decided_by=Decision.CONSENSUS if passed else Decision.VOTE, passed=passed,
                                            adopted_at=held or NOW)
            for k in range(rng.randrange(0, 4)):
                due = (held or NOW).astimezone(CST).date() + dt.timedelta(days=rng.randrange(-3, 30))
                st = rng.choice([ActionStatus.OPEN, ActionStatus.DONE, ActionStatus.DONE, ActionStatus.SUPERSEDED])
                done = None
                if st == ActionStatus.DONE:
                    done = rng.choice([None, dt.datetime.combine(due + dt.timedelta(days=rng.choice([-1, 0, 1])),
                                                                 rng.choice(TIMES), tzinfo=CST)])
                Action.objects.create(resolution=res, unit=meeting.unit, title=f"事{k}", owner=rng.choice(people),
                                      due=due, status=st, done_at=done, created_at=NOW)
    # A meeting moved to another day after it was held; a seat deleted.
    moved = Meeting.objects.filter(status=MeetingStatus.HELD).order_by("?").first()
    moved.held_at = moved.held_at - dt.timedelta(days=rng.randrange(1, 20), hours=rng.choice([0, 8, 16]))
    moved.save(update_fields=["held_at"])
    seat = Participant.objects.filter(meeting__status=MeetingStatus.HELD).order_by("?").first()
    if seat is not None:
        seat.delete()


def _snapshot(nonzero: bool = False):
    fields = ("n1", "n2", "n3", "n4", "hist")
    totals = {(r.source, r.path, r.grain, r.day, r.key): tuple(getattr(r, f) for f in fields)
              for r in PanelDayTotal.objects.all() if not nonzero or any(getattr(r, f) for f in fields)}
    units = {(r.source, r.node_id, r.day, r.key): (r.path, *(getattr(r, f) for f in fields))
             for r in PanelDayUnit.objects.all() if not nonzero or any(getattr(r, f) for f in fields)}
    return totals, units


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_sql_rebuild_equals_the_python_rebuild_and_refresh(cast, time_machine, seed):
    time_machine.move_to(NOW, tick=False)
    rng = random.Random(seed)
    today = timezone.localdate()
    assert today != timezone.now().astimezone(dt.UTC).date()  # the local and UTC dates differ now
    units = [cast.unit_a, cast.unit_b, cast.unit_c, cast.unit_d, cast.unit_e]
    _visits(cast, rng, units, today)
    _duties(cast, rng, units, today)
    _reports(cast, rng, units, today)
    _meetings(cast, rng, units, today)
    assert {s for s in SOURCES if PanelDirty.objects.filter(source=s).exists()} == set(SOURCES)
    panel_rollups.refresh()
    assert not PanelDirty.objects.exists()
    incremental = _snapshot(nonzero=True)

    for name in SOURCES:
        panel_rollups.rebuild_source(name, sql=False)
    python = _snapshot()
    for name in SOURCES:
        panel_rollups.rebuild_source(name, sql=True)
    sql = _snapshot()
    assert sql[1] == python[1]  # the unit buckets, paths and maps included
    assert sql[0] == python[0]  # the totals, every prefix, day and month
    assert python == incremental

    # The histories exercise what the SQL must get right.
    totals, units_ = sql
    assert {s for s, *_ in units_} == set(SOURCES)
    assert len({n for _s, n, _d, _k in units_}) >= 4  # several units
    lengths = {len(p) for _s, p, *_ in totals}
    assert lengths == set(range(0, max(lengths) + 1, 4)) and max(lengths) >= 16  # every level of the tree
    assert any(v[4] and max(v[4].values()) > 1 for (s, _p, g, _d, _k), v in totals.items() if g == "d")  # maps merged
    local_vs_utc = [at for at in Report.objects.values_list("reported_at", flat=True)
                    if timezone.localtime(at).date() != at.astimezone(dt.UTC).date()]
    assert local_vs_utc  # rows a UTC day boundary would move to the day before
    assert Duty.objects.filter(arrived_at__isnull=False).count() >= 3


def test_the_sql_rebuild_of_an_empty_history_and_twice_in_a_transaction(cast):
    """Rebuilding twice in one transaction (the temporary level tables are dropped) and an empty
    history (no rows, no levels) both work; the dirty queue of the source is emptied."""
    panel_rollups.mark("reports", [(cast.unit_a.node_id, dt.date(2026, 3, 1))])
    assert panel_rollups.rebuild_source("reports", sql=True) == 0
    assert panel_rollups.rebuild_source("reports", sql=True) == 0
    assert not PanelDirty.objects.exists() and not PanelDayTotal.objects.exists()
    Report.objects.create(unit=cast.unit_d, report_type=ReportType.values[0], desk=Desk.REGISTRY,
                          reported_at=dt.datetime(2026, 3, 1, 0, 0, tzinfo=CST))  # 2026-02-28 in UTC
    said = []
    assert panel_rollups.rebuild_source("reports", progress=said.append, sql=True) == 1
    assert [m.split(",")[0] for m in said] == ["reports: old rows deleted", "reports: 1 unit buckets", "reports: day totals",
                                               "reports: month totals"]
    days = set(PanelDayTotal.objects.filter(grain="d").values_list("path", "day"))
    path = cast.unit_d.node.path
    assert days == {(path[:i], dt.date(2026, 3, 1)) for i in range(0, len(path) + 1, 4)}
    assert set(PanelDayTotal.objects.filter(grain="m").values_list("day", flat=True)) == {dt.date(2026, 3, 1)}
