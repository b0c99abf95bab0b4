"""Periods of honours, letters and reports: a quarter ("2026Q3") or a year ("2026"), as instants
(aware datetimes in the site's time zone) and as dates, for the record's instant and date fields."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

QUARTER_NAMES = ("一", "二", "三", "四")


def window_q(field: str, start, end) -> Q:
    """`field` in [start, end); an open side (None) is unbounded. Points in Python and in SQL
    (points.py, points_sql.py) filter their periods with this one definition."""
    q = Q()
    if start is not None:
        q &= Q(**{f"{field}__gte": start})
    if end is not None:
        q &= Q(**{f"{field}__lt": end})
    return q
_KEY = re.compile(r"^(\d{4})(?:Q([1-4]))?$")


@dataclass(frozen=True)
class Period:
    key: str
    first: dt.date  # first day
    after: dt.date  # the day after the last

    @property
    def is_quarter(self) -> bool:
        return "Q" in self.key

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.first, dt.time(), tzinfo=ZoneInfo(settings.TIME_ZONE))

    @property
    def end(self) -> dt.datetime:
        return dt.datetime.combine(self.after, dt.time(), tzinfo=ZoneInfo(settings.TIME_ZONE))

    @property
    def last(self) -> dt.date:
        return self.after - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        """2026年第三季度 / 2026年度 (a Chinese document's way, whatever the UI language)."""
        year = self.key[:4]
        if self.is_quarter:
            return f"{year}年第{QUARTER_NAMES[int(self.key[-1]) - 1]}季度"
        return f"{year}年度"

    def __str__(self) -> str:
        return self.key


class PeriodError(ValueError):
    pass


def period_parse(key: str) -> Period:
    m = _KEY.match((key or "").strip())
    if not m or not 2000 <= int(m.group(1)) <= 2100:
        raise PeriodError(_("Choose a quarter or a year"))
    year = int(m.group(1))
    if m.group(2):
        q = int(m.group(2))
        first = dt.date(year, 3 * q - 2, 1)
        after = dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
    else:
        first, after = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    return Period(m.group(0), first, after)


def quarter_of(day: dt.date) -> Period:
    return period_parse(f"{day.year}Q{(day.month - 1) // 3 + 1}")


def recent_quarters(n: int = 6, today: dt.date | None = None) -> list[Period]:
    """The current quarter and the n-1 before it, newest first."""
    today = today or timezone.localdate()
    out, p = [], quarter_of(today)
    for _i in range(n):
        out.append(p)
        p = quarter_of(p.first - dt.timedelta(days=1))
    return out


def recent_periods(today: dt.date | None = None) -> list[Period]:
    """For a chooser: recent quarters, then this year and the last."""
    today = today or timezone.localdate()
    return recent_quarters(5, today) + [period_parse(str(today.year)), period_parse(str(today.year - 1))]


def default_letter_quarter(today: dt.date | None = None) -> Period:
    """Letters are issued after a quarter ends: the quarter before today's."""
    today = today or timezone.localdate()
    return quarter_of(quarter_of(today).first - dt.timedelta(days=1))


def honour_periods(today: dt.date | None = None) -> list[Period]:
    """For the honours chooser: this year and the last first (most titles are yearly), then quarters."""
    today = today or timezone.localdate()
    return [period_parse(str(today.year)), period_parse(str(today.year - 1))] + recent_quarters(5, today)
