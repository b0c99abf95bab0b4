"""Emergency coverage on the measures dashboard (see core/plugins.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from yizuyihui.accounts.scope import user_scope
from yizuyihui.core.panels import Panel
from yizuyihui.emergency.models import Emergency, EmergencyStatus, TaskKind
from yizuyihui.emergency.selectors import coverages


def _pct(c) -> str:
    return "—" if c.share is None else f"{c.share * 100:.1f}% ({c.reached}/{c.total})"


def dashboard_panels(request, *, node, start, end) -> list[Panel]:
    """One panel per active emergency over or under `node`: coverage of each task kind under `node`."""
    if not user_scope(request.user).covers(node.path):
        return []
    over = Emergency.objects.filter(status=EmergencyStatus.ACTIVE, node__path__in=node.ancestor_paths())
    under = Emergency.objects.filter(status=EmergencyStatus.ACTIVE, node__path__startswith=node.path)
    panels = []
    for e in (over | under).distinct().select_related("node").order_by("started_at")[:5]:
        view = node if node.path.startswith(e.node.path) else e.node
        covs = list(coverages(emergency=e, node=view).values())
        panels.append(Panel(
            title=_("Emergency coverage: %(place)s, %(kind)s") % {"place": e.node.name, "kind": e.get_kind_display()},
            items=[(label, _pct(c)) for label, c in zip(TaskKind.labels, covs, strict=True)],
            note=_("Households reached / tasks, under %(place)s") % {"place": view.name},
            url=reverse("emergency:detail", args=[e.pk]), order=5))
    return panels
