"""The dashboard's visits panels read rollups (visits/rollups.py, insights/panel_rollups.py). Over
seeded random histories — households in several units, a schedule generated set-based, visits
logged one by one and in bulk, a cadence change and category changes (bulk deletes and re-plans),
六必到 events with check-ins and a sweep, 六必报 reports around local midnight — the rollup figures
equal the from-scratch selectors for personas × nodes × periods × clocks, and `rebuild` reproduces
the incrementally maintained tables."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone

from yizuyihui.insights import panel_rollups
from yizuyihui.insights.models import PanelDayTotal, PanelDayUnit, PanelDirty
from yizuyihui.people.models import Household, HouseholdCategory
from yizuyihui.people.services import household_create, household_set_category
from yizuyihui.visits import rollups, selectors, services
from yizuyihui.visits.models import Duty, EventType, Period, PlannedVisit, ReportType

pytestmark = pytest.mark.django_db
CST = dt.timezone(dt.timedelta(hours=8))
PERSONAS = ("city_admin", "district_official", "street_official", "community_cadre", "grid_worker", "outsider")


def _history(cast, rng: random.Random, today: dt.date) -> None:
    units = [cast.unit_a, cast.unit_b, cast.unit_c, cast.unit_d]
    for i in range(rng.randrange(6, 12)):
        household_create(unit=rng.choice(units), address=f"随机{i}号", category=rng.choice(HouseholdCategory.values))
    d0 = today - dt.timedelta(days=70)
    services.schedule_generate(under=None, start=d0, end=today + dt.timedelta(days=60))
    assert PanelDirty.objects.filter(source="visits").exists()  # the set-based INSERT queued its buckets
    panel_rollups.refresh()  # the minute job runs between the writes: stale buckets must be queued again
    households = list(Household.objects.select_related("unit"))
    for _ in range(rng.randrange(10, 25)):
        at = dt.datetime.combine(d0 + dt.timedelta(days=rng.randrange(75)), dt.time(rng.choice([0, 9, 23]), 50), tzinfo=CST)
        services.visit_log(household=rng.choice(households), actor=cast.users["grid_worker"], visited_at=at)
    open_slots = list(PlannedVisit.objects.filter(visit__isnull=True).select_related("household")[:200])
    services.visits_bulk_record(rows=[(s, dt.datetime.combine(s.due, dt.time(10), tzinfo=CST))
                                      for s in rng.sample(open_slots, min(8, len(open_slots)))])
    panel_rollups.refresh()
    if rng.random() < 0.7:
        services.cadence_set(category=rng.choice(HouseholdCategory.values), period=rng.choice([Period.MONTH, Period.QUARTER]))
    panel_rollups.refresh()
    for h in rng.sample(households, 2):
        household_set_category(household=h, category=rng.choice(HouseholdCategory.values))
        panel_rollups.refresh()
    people = [cast.users[p] for p in ("grid_worker", "unit_leader", "council_member", "building_head")]
    for _ in range(rng.randrange(4, 9)):
        at = dt.datetime.combine(d0 + dt.timedelta(days=rng.randrange(75)), dt.time(rng.choice([0, 15, 23]), 55), tzinfo=CST)
        event = services.event_register(unit=rng.choice(units), event_type=rng.choice(EventType.values), actor=None,
                                        description="x", named=rng.sample(people, rng.randrange(1, 3)), at=at)
        for duty in event.duties.all():
            if rng.random() < 0.6:
                services.duty_check_in(duty=duty, actor=duty.assignee,
                                       at=at + dt.timedelta(minutes=rng.choice([5, 30, 90, 200, 2000])))
        if rng.random() < 0.5:
            panel_rollups.refresh()
    services.duty_sweep(now=timezone.now())
    for _ in range(rng.randrange(4, 10)):
        at = dt.datetime.combine(d0 + dt.timedelta(days=rng.randrange(75)), dt.time(rng.choice([0, 12, 23]), 59), tzinfo=CST)
        unit = rng.choice(units)
        household = Household.objects.filter(unit=unit).first() or household_create(unit=unit, address="报")
        services.report_file(unit=unit, report_type=rng.choice(ReportType.values), actor=None, household=household,
                             description="r", at=at, person_name="张三", came_from="外地")


def _snapshot():
    fields = ("n1", "n2", "n3", "n4", "hist")
    totals = {(r.source, r.path, r.grain, r.day, r.key): tuple(getattr(r, f) for f in fields)
              for r in PanelDayTotal.objects.all() if any(getattr(r, f) for f in fields)}
    units = {(r.source, r.node_id, r.day, r.key): tuple(getattr(r, f) for f in fields)
             for r in PanelDayUnit.objects.all() if any(getattr(r, f) for f in fields)}
    return totals, units


def _check(user, node, start: dt.date, end: dt.date, today: dt.date) -> int:
    """[start, end] inclusive for the coverage, [start, end + 1) for duties and reports."""
    ref = selectors.visit_coverage(user=user, node=node, start=start, end=end, today=today)
    got = rollups.coverage(user=user, node=node, start=start, end=end, today=today)
    assert [(c.category, c.done, c.due, c.overdue, c.upcoming) for c in got] == \
        [(c.category, c.done, c.due, c.overdue, c.upcoming) for c in ref], (user.username, node, start, end, today)
    s = dt.datetime.combine(start, dt.time(), tzinfo=CST)
    e = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=CST)
    ref_d = selectors.duty_figures(user=user, node=node, start=s, end=e)
    ref_d.pop("pending")
    assert rollups.duty_figures(user=user, node=node, start=start, end=end + dt.timedelta(days=1)) == ref_d
    assert rollups.report_counts(user=user, node=node, start=start, end=end + dt.timedelta(days=1)) == \
        selectors.report_counts(user=user, node=node, start=s, end=e)
    return sum(c.done + c.due + c.overdue for c in ref) + ref_d["total"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_visits_panels_from_rollups_equal_the_from_scratch_figures(cast, seed):
    rng = random.Random(seed)
    today = timezone.localdate()
    _history(cast, rng, today)
    panel_rollups.refresh()
    assert not PanelDirty.objects.exists()
    nodes = [None, cast.city, cast.street, cast.community, cast.unit_a.node, cast.unit_c.node]
    seen = 0
    for persona in PERSONAS:
        user = cast.users[persona]
        for node in nodes:
            if node is not None and not user.has_perm("org.view_node", node):
                continue
            for start_off, length in ((-70, 140), (-31, 30), (-3, 5), (0, 0), (5, 60)):
                start = today + dt.timedelta(days=start_off)
                for clock in (today, today + dt.timedelta(days=45)):
                    seen += _check(user, node, start, start + dt.timedelta(days=length), clock)
    assert seen > 0
    assert Duty.objects.filter(arrived_at__isnull=False).exists()  # the histories are not trivial
    incremental = _snapshot()
    panel_rollups.rebuild()
    assert _snapshot() == incremental


def test_a_visit_logged_moves_a_slot_from_overdue_to_done(cast):
    today = timezone.localdate()
    household = household_create(unit=cast.unit_b, address="一号", category=HouseholdCategory.KEY_ASSISTANCE)
    services.schedule_generate(under=None, start=today - dt.timedelta(days=40), end=today)
    panel_rollups.refresh()
    user = cast.users["city_admin"]
    start = today - dt.timedelta(days=40)
    key = {c.category: c for c in rollups.coverage(user=user, node=cast.unit_b.node, start=start, end=today)}
    open_before = key["key"].overdue + key["key"].due
    assert key["key"].done == 0 and open_before >= 2  # monthly slots of two or three months
    services.visit_log(household=household, actor=cast.users["grid_worker"],
                       visited_at=dt.datetime.combine(start + dt.timedelta(days=1), dt.time(9), tzinfo=CST))
    panel_rollups.refresh()
    key = {c.category: c for c in rollups.coverage(user=user, node=cast.unit_b.node, start=start, end=today)}
    assert (key["key"].done, key["key"].overdue + key["key"].due) == (1, open_before - 1)


def test_the_dashboard_shows_the_panels_from_the_rollups(cast, client):
    today = timezone.localdate()
    household_create(unit=cast.unit_b, address="一号", category=HouseholdCategory.KEY_ASSISTANCE)
    services.schedule_generate(under=None, start=today - dt.timedelta(days=40), end=today)
    client.force_login(cast.users["city_admin"])
    response = client.get("/insights/")
    assert response.status_code == 200
    assert PanelDayTotal.objects.filter(source="visits").exists()  # the dashboard folded the queue in first
