"""三必访: cadence rules, idempotent generation, re-planning on a category change, assignment."""

import datetime as dt

import pytest
from django.utils import timezone

from yizuyihui.people.models import Household, HouseholdCategory
from yizuyihui.people.services import household_set_category
from yizuyihui.visits import services
from yizuyihui.visits.models import Period, PlannedVisit, VisitorAssignment
from yizuyihui.visits.periods import period_bounds, periods_between

YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def test_it_bounds_calendar_periods():
    assert period_bounds(Period.WEEK, dt.date(2026, 3, 18)) == (dt.date(2026, 3, 16), dt.date(2026, 3, 22))
    assert period_bounds(Period.MONTH, dt.date(2026, 2, 10)) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert period_bounds(Period.HALF_YEAR, dt.date(2026, 8, 1)) == (dt.date(2026, 7, 1), dt.date(2026, 12, 31))
    assert period_bounds(Period.QUARTER, dt.date(2026, 5, 1)) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert len(periods_between(Period.MONTH, *YEAR)) == 12
    assert len(periods_between(Period.HALF_YEAR, *YEAR)) == 2
    # 2026 starts on a Thursday: the week of 29 Dec 2025 overlaps it, and so does the week of 28 Dec 2026.
    assert len(periods_between(Period.WEEK, *YEAR)) == 53


def _counts(unit):
    rows = PlannedVisit.objects.filter(household__unit=unit)
    return {c: rows.filter(category=c).count() for c in HouseholdCategory.values}


def test_it_plans_a_year_by_the_papers_cadence(cast):
    added = services.schedule_generate(under=cast.community, start=YEAR[0], end=YEAR[1])
    unit_a = cast.unit_a
    per_category = {c: Household.objects.filter(unit=unit_a, category=c).count() for c in HouseholdCategory.values}
    counts = _counts(unit_a)
    assert counts["ordinary"] == per_category["ordinary"] * 2  # twice a year
    assert counts["key"] == per_category["key"] * 12  # monthly
    assert counts["special"] == per_category["special"] * 53  # weekly
    assert added == PlannedVisit.objects.count()
    # Nothing outside the scope was planned.
    assert not PlannedVisit.objects.filter(household__unit=cast.unit_d).exists()


def test_it_is_idempotent(cast):
    first = services.schedule_generate(under=None, start=YEAR[0], end=YEAR[1])
    assert first > 0
    assert services.schedule_generate(under=None, start=YEAR[0], end=YEAR[1]) == 0
    assert services.schedule_generate(under=cast.city, start=dt.date(2026, 6, 1), end=dt.date(2026, 9, 30)) == 0
    assert PlannedVisit.objects.count() == first


def test_it_follows_an_edited_cadence(cast):
    services.schedule_generate(under=None, start=YEAR[0], end=YEAR[1])
    services.cadence_set(category=HouseholdCategory.ORDINARY, period=Period.QUARTER)
    assert services.cadence_map()["ordinary"] == "quarter"
    services.schedule_generate(under=None, start=YEAR[0], end=YEAR[1])
    household = Household.objects.filter(unit=cast.unit_a, category="ordinary").first()
    starts = sorted(PlannedVisit.objects.filter(household=household).values_list("period_start", flat=True))
    today = timezone.localdate()
    # Past slots stay as they were planned; from today on the household is visited quarterly.
    assert all(s.month in (1, 4, 7, 10) for s in starts if s >= period_bounds("quarter", today)[0])


@pytest.mark.parametrize("new", ["special", "key"])
def test_it_replans_a_household_when_its_category_changes(cast, new, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 18, 9, 0, tzinfo=dt.UTC))
    services.schedule_generate(under=None, start=YEAR[0], end=YEAR[1])
    household = Household.objects.filter(unit=cast.unit_a, category="ordinary").first()
    assert PlannedVisit.objects.filter(household=household).count() == 2

    household_set_category(household=household, category=new)

    slots = PlannedVisit.objects.filter(household=household)
    # The open half-year slot covering today is dropped; the new cadence starts this period.
    assert not slots.filter(category="ordinary", due__gte=dt.date(2026, 3, 18)).exists()
    expected_first = period_bounds("week" if new == "special" else "month", dt.date(2026, 3, 18))[0]
    assert slots.filter(category=new).order_by("period_start").first().period_start == expected_first
    # Planned up to the horizon already planned (the end of the year).
    last = slots.filter(category=new).order_by("-due").first()
    assert last.period_start <= dt.date(2026, 12, 31) <= last.due


def test_replanning_keeps_done_and_past_slots(cast, time_machine):
    time_machine.move_to(dt.datetime(2026, 8, 3, 9, 0, tzinfo=dt.UTC))
    services.schedule_generate(under=None, start=YEAR[0], end=YEAR[1])
    household = Household.objects.filter(unit=cast.unit_a, category="key").first()
    services.visit_log(household=household, actor=cast.users["grid_worker"])  # fulfils August
    household_set_category(household=household, category="ordinary")
    slots = PlannedVisit.objects.filter(household=household)
    assert slots.filter(category="key", period_start__lt=dt.date(2026, 8, 1)).count() == 7  # Jan–Jul, missed: kept
    assert slots.get(period_start=dt.date(2026, 8, 1)).visit is not None  # done: kept
    assert not slots.filter(category="key", period_start__gt=dt.date(2026, 8, 1)).exists()
    # The half-year slot starting in July lives beside the July monthly slot (same start, other end).
    assert slots.filter(category="ordinary", period_start=dt.date(2026, 7, 1), due=dt.date(2026, 12, 31)).exists()


def test_replanning_a_unit_is_one_call(cast, django_assert_max_num_queries):
    services.schedule_generate(under=None, start=YEAR[0], end=YEAR[1])
    Household.objects.filter(unit=cast.unit_a).update(category="special")
    # constant, not per household (on PostgreSQL 17: the panels' rollup queue takes one INSERT … SELECT)
    with django_assert_max_num_queries(17):
        services.schedule_replan(unit=cast.unit_a)
    assert not PlannedVisit.objects.filter(household__unit=cast.unit_a, visit__isnull=True, due__gte=timezone.localdate()).exclude(
        category="special").exists()


def test_it_spreads_households_over_the_units_visitors(cast):
    n = services.visitor_assign_round_robin(unit=cast.unit_a)
    assert n == Household.objects.filter(unit=cast.unit_a).count()
    visitors = set(VisitorAssignment.objects.values_list("visitor__username", flat=True))
    assert "grid_worker" in visitors and "resident" not in visitors
    assert services.visitor_assign_round_robin(unit=cast.unit_a) == 0
