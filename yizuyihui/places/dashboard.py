"""The choropleth's entry on the measures dashboard (see core/plugins.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from yizuyihui.places.models import Boundary


@dataclass
class Panel:
    title: str
    items: list[tuple[str, str | int]] = field(default_factory=list)
    note: str = ""
    url: str = ""
    order: int = 15


def dashboard_panels(request, *, node, start, end) -> list[Panel]:
    mapped = Boundary.objects.filter(node__path__startswith=node.path, node__unit__isnull=False).count()
    if not mapped:
        return []
    base = reverse("places:measures_map")
    return [Panel(title=_("Map of the three rates by unit"), url=base,
                  items=[(_("Units on the map"), mapped)],
                  note=_("Responded in time, resolved and overdue, unit by unit"))]
