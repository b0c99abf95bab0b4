"""Linked-resource measures for the insights dashboard (see core/plugins.py), with drill-down."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from yizuyihui.accounts.scope import user_scope
from yizuyihui.core.panels import Panel
from yizuyihui.resources.selectors import measures


def dashboard_panels(request, *, node, start, end) -> list[Panel]:
    if not user_scope(request.user).covers(node.path):
        return []
    m = measures(path=node.path, start=start, end=end)
    per = "—" if m.plus_per_matter is None else f"{m.plus_per_matter:.1f}"
    delay = "—" if m.hours_to_match is None else f"{m.hours_to_match:.1f}"
    return [Panel(
        title=_("Linked resources (“+”)"),
        items=[
            (_("“+” members drawn in"), m.plus_members),
            (_("“+” members per matter"), per),
            (_("Volunteer teams"), m.teams),
            (_("Volunteers"), m.volunteers),
            (_("Volunteer hours"), f"{m.hours:.1f}"),
            (_("Needs matched"), f"{m.needs_matched}/{m.needs}"),
            (_("Hours from need to match"), delay),
            (_("三报到 confirmed"), m.registrations),
            (_("Urban–rural matches fulfilled"), f"{m.board_fulfilled}/{m.board_matches}"),
            (_("Urban–rural value (yuan)"), f"{m.board_value:.0f}"),
        ],
        note=_("Volunteers, professionals, 三报到 and the urban–rural board"),
        url=reverse("resources:measures") + f"?node={node.pk}",
        order=45,
    )]
