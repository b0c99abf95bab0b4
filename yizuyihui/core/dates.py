"""Dates as people read them: the year only when it is not this year (Asia/Shanghai, the site's zone).

One rule for the whole site — a past 六必到 deadline of last December must not read as this
December. Pages use the `day` and `when` filters (`{% load dates %}`); text written in services
(notification bodies, reasons) uses `day_text` / `when_text`. Documents (PDFs) and the audit log
keep the full date on purpose."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.dateformat import format as date_format

# style → (this year, another year), in django's date-format letters
FORMATS = {
    "day": ("m-d", "Y-m-d"),
    "when": ("m-d H:i", "Y-m-d H:i"),
    "day_long": ("n月j日", "Y年n月j日"),
    "when_long": ("n月j日 H:i", "Y年n月j日 H:i"),
}


def _local(value):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value) if timezone.is_aware(value) else value
    return value


def formatted(value, style: str = "day", *, today: dt.date | None = None) -> str:
    """`value` (a date or a datetime) in `style`, with its year when that is not the current year."""
    if value in (None, ""):
        return ""
    if not isinstance(value, dt.date):
        return str(value)
    value = _local(value)
    if style.startswith("day") and isinstance(value, dt.datetime):
        value = value.date()
    elif style.startswith("when") and not isinstance(value, dt.datetime):
        style = style.replace("when", "day")  # a date has no hour to show
    with_year = value.year != (today or timezone.localdate()).year
    fast = _FAST.get(style)
    if fast is not None:  # what FORMATS says, without django's DateFormat (a worklist formats 80 of these)
        return fast(value, with_year)
    this_year, other_year = FORMATS[style]
    return date_format(value, other_year if with_year else this_year)


def _ymd(v, with_year: bool) -> str:
    return f"{v.year:04d}-{v.month:02d}-{v.day:02d}" if with_year else f"{v.month:02d}-{v.day:02d}"


def _long(v, with_year: bool) -> str:
    return f"{v.year:04d}年{v.month}月{v.day}日" if with_year else f"{v.month}月{v.day}日"


_FAST = {
    "day": _ymd,
    "when": lambda v, y: f"{_ymd(v, y)} {v.hour:02d}:{v.minute:02d}",
    "day_long": _long,
    "when_long": lambda v, y: f"{_long(v, y)} {v.hour:02d}:{v.minute:02d}",
}


def day_text(value) -> str:
    return formatted(value, "day")


def when_text(value) -> str:
    return formatted(value, "when")
