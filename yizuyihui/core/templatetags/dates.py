"""{% load dates %}: `{{ d|day }}` → 12-05 (2025-12-05 in another year), `{{ t|when }}` → 12-05 14:30
(2025-12-05 14:30); `|day:"long"` / `|when:"long"` → 12月5日 / 2025年12月5日. See core/dates.py."""

from django import template

from yizuyihui.core.dates import formatted

register = template.Library()


@register.filter
def day(value, style: str = "") -> str:
    return formatted(value, "day_long" if style == "long" else "day")


@register.filter
def when(value, style: str = "") -> str:
    return formatted(value, "when_long" if style == "long" else "when")
