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
    this_year, other_year = FORMATS[style]
    year = (today or timezone.localdate()).year
    return date_format(value, this_year if value.year == year else other_year)


def day_text(value) -> str:
    return formatted(value, "day")


def when_text(value) -> str:
    return formatted(value, "when")
