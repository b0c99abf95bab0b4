"""Widespread problems (民众普遍性问题) on the measures dashboard (see core/plugins.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from yizuyihui.core.panels import Panel
from yizuyihui.triage.rules import may_view_widespread
from yizuyihui.triage.selectors import widespread_problems


def dashboard_panels(request, *, node, start, end) -> list[Panel]:
    """Candidate widespread problems among the matters open now under `node` (the period does not
    apply: they are a picture of the present). Only for the levels that handle them."""
    if not may_view_widespread(request.user, node):
        return []
    # Never clustered on a request (issue 17): the job (warm_widespread_task) computes it; until its
    # first run the panel shows nothing.
    problems = widespread_problems(user=request.user, node=node, compute=False) or []
    items = [
        (_("Candidate problems"), len(problems)),
        (_("Matters in them"), sum(p.size for p in problems)),
        (_("Units concerned"), len({c.unit_id for p in problems for c in p.members})),
        (_("Still below tier 3"), sum(p.below_tier3 for p in problems)),
    ]
    if problems:
        items.append((_("Largest"), problems[0].label))
    return [Panel(title=_("Widespread problems"), items=items, note=_("Similar open matters across units, now"),
                  url=f"{reverse('triage:widespread')}?node={node.pk}", order=45)]
