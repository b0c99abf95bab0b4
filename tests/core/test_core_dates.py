"""One rule for dates on every page: the year shows when the date is not in the current year
(Asia/Shanghai). A 六必到 deadline of last December must not read as this December."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from factories import file_matter

from yizuyihui.core.dates import day_text, formatted, when_text
from yizuyihui.visits import services as visits
from yizuyihui.visits.models import EventType

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 12, 2, 4, 0, tzinfo=dt.UTC)  # the suite's hour: noon in Shanghai


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def test_the_year_shows_only_outside_the_current_year(frozen):
    assert day_text(dt.date(2026, 3, 1)) == "03-01"
    assert day_text(dt.date(2025, 12, 5)) == "2025-12-05"
    assert day_text(dt.date(2027, 1, 4)) == "2027-01-04"
    assert when_text(dt.datetime(2026, 11, 30, 9, 5, tzinfo=SHANGHAI)) == "11-30 09:05"
    assert when_text(dt.datetime(2025, 12, 30, 9, 5, tzinfo=SHANGHAI)) == "2025-12-30 09:05"
    assert formatted(dt.date(2025, 12, 5), "day_long") == "2025年12月5日"
    assert formatted(dt.date(2026, 12, 5), "day_long") == "12月5日"
    assert day_text(None) == ""
    assert when_text(dt.date(2025, 12, 5)) == "2025-12-05"  # a date has no hour


def test_the_year_is_the_local_one(frozen):
    # 16:00 UTC on New Year's Eve is already 1 January in Shanghai: this year, no year shown
    assert when_text(dt.datetime(2025, 12, 31, 16, 30, tzinfo=dt.UTC)) == "01-01 00:30"
    assert day_text(dt.datetime(2025, 12, 31, 16, 30, tzinfo=dt.UTC)) == "01-01"
    # 15:00 UTC is still 2025 there
    assert when_text(dt.datetime(2025, 12, 31, 15, 0, tzinfo=dt.UTC)) == "2025-12-31 23:00"


def test_a_duty_of_last_year_shows_its_year_and_one_of_this_year_does_not(cast, login, time_machine):
    # New Year's Day: a duty missed on New Year's Eve is still on the list (late arrivals are
    # recorded for a few days) and must not read as this December.
    time_machine.move_to(dt.datetime(2027, 1, 1, 4, 0, tzinfo=dt.UTC), tick=False)
    old = visits.event_register(unit=cast.unit_a, event_type=EventType.NEIGHBOUR_DISPUTE, actor=cast.users["grid_worker"],
                                description="去年的纠纷", named=[cast.users["grid_worker"]],
                                at=dt.datetime(2026, 12, 30, 10, 0, tzinfo=SHANGHAI))
    new = visits.event_register(unit=cast.unit_a, event_type=EventType.NEIGHBOUR_DISPUTE, actor=cast.users["grid_worker"],
                                description="今年的纠纷", named=[cast.users["grid_worker"]],
                                at=dt.datetime(2027, 1, 1, 9, 0, tzinfo=SHANGHAI))
    client = login("grid_worker")
    page = client.get(reverse("visits:due"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    duties = page[page.index('data-testid="my-duties"'):page.index("</section>", page.index('data-testid="my-duties"'))]
    assert "2026-12-31 10:00" in duties  # due 24 h after last December's event
    assert re.search(r"(?<![\d-])01-02 09:00", duties)  # this year's: month and day only
    assert "2027-" not in duties
    assert "2026-12-31 10:00" in client.get(reverse("visits:event_detail", args=[old.pk])).content.decode()
    detail = client.get(reverse("visits:event_detail", args=[new.pk])).content.decode()
    assert "01-02 09:00" in detail and "2027-01-02" not in detail


def test_a_matter_of_last_year_shows_its_deadline_with_the_year(cast, login, time_machine):
    time_machine.move_to(dt.datetime(2025, 11, 3, 2, 0, tzinfo=dt.UTC), tick=False)
    old = file_matter(cast, title="去年的事")
    time_machine.move_to(NOW, tick=False)
    new = file_matter(cast, title="今年的事")
    client = login("grid_worker")
    old_due, new_due = old.resolve_due.astimezone(SHANGHAI), new.resolve_due.astimezone(SHANGHAI)
    assert old_due.year == 2025 and new_due.year == 2026
    assert f"<b>{old_due:%Y-%m-%d %H:%M}</b>" in client.get(reverse("cases:detail", args=[old.pk])).content.decode()
    assert f"<b>{new_due:%m-%d %H:%M}</b>" in client.get(reverse("cases:detail", args=[new.pk])).content.decode()


def test_an_arrival_on_another_day_shows_its_day(cast, login, frozen):
    """The duty table once showed the arrival's hour alone (已到场 11:00) for an arrival 25 hours on."""
    event = visits.event_register(unit=cast.unit_a, event_type=EventType.FAMILY_MISFORTUNE, actor=cast.users["grid_worker"],
                                  description="家中老人去世", named=[cast.users["grid_worker"]],
                                  at=dt.datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI))
    visits.duty_check_in(duty=event.duties.get(), actor=cast.users["grid_worker"],
                         at=dt.datetime(2026, 12, 2, 11, 0, tzinfo=SHANGHAI))
    page = login("grid_worker").get(reverse("visits:event_detail", args=[event.pk])).content.decode()
    assert re.search(r"已到场 12-02 11:00", page), re.findall(r"已到场[^<]*", page)


def test_the_fast_formats_write_what_the_format_letters_say():
    """core/dates formats without django's DateFormat; it must write exactly what FORMATS says."""
    import datetime as dt

    from django.utils.dateformat import format as date_format

    from yizuyihui.core.dates import _FAST, FORMATS

    assert set(_FAST) == set(FORMATS)
    for value in (dt.datetime(2026, 1, 5, 7, 3), dt.datetime(2025, 12, 31, 23, 59), dt.datetime(999, 10, 9, 0, 0)):
        for style, (this_year, other_year) in FORMATS.items():
            assert _FAST[style](value, False) == date_format(value, this_year), (style, value)
            assert _FAST[style](value, True) == date_format(value, other_year), (style, value)
