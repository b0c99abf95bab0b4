"""Deadlines on China's working-day calendar: public holidays stop the clock, make-up days run it."""

from __future__ import annotations

import datetime as dt

import pytest
from factories import file_matter

from yizuyihui.cases import services as s
from yizuyihui.cases.deadlines import (
    add_working_time,
    calendar_reset_cache,
    is_working_day,
    working_time_between,
)
from yizuyihui.cases.models import CaseStatus, WorkingDay
from yizuyihui.supervision.models import Supervision

pytestmark = pytest.mark.django_db
CST = dt.timezone(dt.timedelta(hours=8))


def at(*args):
    return dt.datetime(*args, tzinfo=CST)


def test_the_calendar_knows_2026_national_day_and_its_make_up_days():
    assert not is_working_day(dt.date(2026, 10, 1))  # Thursday, National Day
    assert is_working_day(dt.date(2026, 10, 10))  # Saturday, make-up working day
    assert is_working_day(dt.date(2026, 9, 20))  # Sunday, make-up working day
    assert not is_working_day(dt.date(2026, 2, 17))  # Spring Festival


def test_five_working_days_across_national_day():
    # Wed 30 Sep → Thu 8, Fri 9, Sat 10 (make-up), Mon 12, Tue 13 October
    assert add_working_time(at(2026, 9, 30, 10), working_days=5) == at(2026, 10, 13, 10)
    assert add_working_time(at(2026, 9, 30, 10), hours=24) == at(2026, 10, 8, 10)


def test_a_matter_filed_on_a_saturday_before_a_make_up_sunday_starts_counting_on_sunday():
    assert add_working_time(at(2026, 9, 19, 10), hours=24) == at(2026, 9, 21, 0)


def test_spring_festival_make_up_saturday_counts():
    # Fri 13 Feb → Sat 14 (make-up), then holiday to 23 Feb → 24, 25, 26, 27
    assert add_working_time(at(2026, 2, 13, 10), working_days=5) == at(2026, 2, 27, 10)


def test_working_time_between_skips_the_holiday():
    assert working_time_between(at(2026, 9, 30, 12), at(2026, 10, 8, 12)) == dt.timedelta(hours=24)


def test_the_calendar_is_editable_data():
    WorkingDay.objects.update_or_create(date=dt.date(2026, 3, 3), defaults={"is_working": False, "note": "local"})
    calendar_reset_cache()
    try:
        assert not is_working_day(dt.date(2026, 3, 3))
    finally:
        WorkingDay.objects.filter(date=dt.date(2026, 3, 3)).delete()
        calendar_reset_cache()


def test_a_matter_filed_before_national_day_gets_its_deadlines_after_it(cast, time_machine):
    time_machine.move_to(at(2026, 9, 30, 10), tick=False)
    case = file_matter(cast, title="路灯不亮", description="", channel="web")
    assert case.respond_due == at(2026, 10, 8, 10)
    assert case.resolve_due == at(2026, 10, 13, 10)


def test_urgent_matters_run_on_the_wall_clock_even_on_holidays(cast, time_machine):
    time_machine.move_to(at(2026, 10, 2, 10), tick=False)
    case = file_matter(cast, title="水管爆裂", description="", channel="web",
                       urgency="urgent")
    assert case.respond_due == at(2026, 10, 2, 12) and case.resolve_due == at(2026, 10, 3, 10)


def test_the_sweep_supervises_escalates_and_is_idempotent(cast, time_machine):
    time_machine.move_to(at(2026, 9, 30, 10), tick=False)
    case = file_matter(cast, title="路灯不亮", description="", channel="web")
    time_machine.move_to(at(2026, 10, 9, 10), tick=False)  # a day after the response deadline
    assert s.sweep_overdue()["respond_overdue"] == 1
    assert s.sweep_overdue() == {"respond_overdue": 0, "resolve_overdue": 0, "escalated": 0}
    s.case_receive(case=case, actor=cast.users["unit_leader"])
    time_machine.move_to(at(2026, 10, 14, 10), tick=False)  # past the resolution deadline
    first = s.sweep_overdue()
    assert first == {"respond_overdue": 0, "resolve_overdue": 1, "escalated": 1}
    case.refresh_from_db()
    assert (case.tier, case.node, case.status, case.was_overdue) == (2, cast.community, CaseStatus.RECEIVED, True)
    assert s.sweep_overdue() == {"respond_overdue": 0, "resolve_overdue": 0, "escalated": 0}
    sup = Supervision.objects.get(kind="overdue_resolve_t1")
    assert sup.node == cast.community and sup.state == "open"
    assert case.events.filter(action="auto_escalate").count() == 1


def test_suspended_matters_are_not_swept(cast, time_machine):
    time_machine.move_to(at(2026, 3, 2, 9), tick=False)
    u = cast.users
    case = s.case_file(unit=cast.unit_a, actor=u["resident"], title="x", description="", channel="web")
    s.case_receive(case=case, actor=u["unit_leader"])
    s.case_dispatch(case=case, actor=u["unit_leader"], handlers=[u["grid_worker"]])
    s.case_claim(case=case, actor=u["grid_worker"])
    s.case_suspend(case=case, actor=u["grid_worker"], reason="等待施工队")
    time_machine.move_to(at(2026, 4, 2, 9), tick=False)
    assert s.sweep_overdue()["resolve_overdue"] == 0


def test_the_huey_task_runs_the_sweep(cast):
    from yizuyihui.cases.tasks import sweep_overdue_task

    result = sweep_overdue_task.call_local()
    assert set(result) == {"respond_overdue", "resolve_overdue", "escalated"}
