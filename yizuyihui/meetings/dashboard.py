"""Mobilisation measures for the insights dashboard (see core/plugins.py)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yizuyihui.accounts.scope import user_scope
from yizuyihui.core.panels import Panel
from yizuyihui.meetings import rollups
from yizuyihui.meetings.selectors import mobilisation


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def dashboard_panels(request, *, node, start, end) -> list[Panel]:
    """Meetings held, topics settled, "+" members involved and attendance under `node` (which the
    dashboard has checked is in the viewer's scope) for [start, end)."""
    if not user_scope(request.user).covers(node.path):
        return []
    if rollups.api() is not None:  # insights' rollups (meetings/rollups.py), not the meeting tables
        m = rollups.mobilisation(user=request.user, node=node, start=_as_date(start), end=_as_date(end))
    else:
        m = mobilisation(paths=(node.path,), start=start, end=end)
    return [Panel(
        title=_("Deliberation and mobilisation"),
        items=[
            (_("Council meetings held"), m.council_meetings),
            (_("Party-group pre-meetings"), m.group_meetings),
            (_("Topics settled"), m.topics_settled),
            (_("“+” members involved"), m.plus_members),
            (_("Attendance"), _pct(m.attendance_rate)),
            (_("Actions done on time"), _pct(m.on_time_rate)),
            (_("Actions overdue"), m.actions_overdue),
        ],
        note=_("组在前，会在后 · 不间断协商监督"),
        url=reverse("meetings:index"),
    )]
