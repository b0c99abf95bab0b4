"""The choropleth's entry on the measures dashboard (see core/plugins.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from yizuyihui.core.panels import Panel
from yizuyihui.places.models import Boundary


def dashboard_panels(request, *, node, start, end) -> list[Panel]:
    mapped = Boundary.objects.filter(node__path__startswith=node.path, node__unit__isnull=False).count()
    if not mapped:
        return []
    base = reverse("places:measures_map")
    return [Panel(title=_("Map of the three rates by unit"), url=base,
                  items=[(_("Units on the map"), mapped)],
                  note=_("Responded in time, resolved and overdue, unit by unit"), order=15)]
