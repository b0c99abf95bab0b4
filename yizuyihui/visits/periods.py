"""Calendar periods of the visit cadence: weeks start on Monday, months, quarters and half-years
follow the calendar, so "this month's visit" means the same to everyone."""

from __future__ import annotations

import calendar
import datetime as dt

from yizuyihui.visits.models import Period


def period_bounds(period: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The (first, last) day of the `period` containing `day`."""
    if period == Period.WEEK:
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    months = {Period.MONTH: 1, Period.QUARTER: 3, Period.HALF_YEAR: 6, Period.YEAR: 12}[period]
    first_month = (day.month - 1) // months * months + 1
    last_month = first_month + months - 1
    return dt.date(day.year, first_month, 1), dt.date(day.year, last_month, calendar.monthrange(day.year, last_month)[1])


def periods_between(period: str, start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Every period that overlaps [start, end], in order."""
    out = []
    day = start
    while day <= end:
        first, last = period_bounds(period, day)
        out.append((first, last))
        day = last + dt.timedelta(days=1)
    return out
