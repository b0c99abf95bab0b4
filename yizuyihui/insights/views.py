"""The measures dashboard: thin, reads insights.measures and the panels other apps provide."""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from yizuyihui.accounts.scope import user_scope
from yizuyihui.core.dbrouter import replica_aliases
from yizuyihui.core.plugins import app_modules
from yizuyihui.insights import freshness, panel_rollups, rollups
from yizuyihui.org.models import OrgNode
from yizuyihui.org.selectors import scope_root_nodes

log = logging.getLogger(__name__)


def _date(value: str, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


@login_required
def dashboard(request):
    scope = user_scope(request.user)
    if not scope.paths:
        raise PermissionDenied
    node = None
    if request.GET.get("node"):
        node = get_object_or_404(OrgNode, pk=request.GET["node"] if request.GET["node"].isdigit() else 0)
        if not request.user.has_perm("org.view_node", node):
            raise PermissionDenied
    today = timezone.localdate()
    end_day = _date(request.GET.get("end", ""), today)
    start_day = _date(request.GET.get("start", ""), end_day - dt.timedelta(days=365))
    # Rollups only (issue 17): a scope × period is a sum over at most (roots × days) rows. Buckets
    # queued since the job last ran are folded in before a page is drawn (a few, or none) — unless
    # the dashboard reads a replica: then a GET must not write, and the minute job keeps them fresh.
    key = freshness.page_key(user=request.user, scope_paths=scope.paths,
                             params=(node.pk if node else "", start_day, end_day))
    replica = bool(replica_aliases())

    def drain() -> None:
        rollups.refresh(limit=2000)
        panel_rollups.refresh(limit=2000)

    def draw() -> str:
        return render_to_string("insights/_dashboard_body.html",
                                _context(request, node=node, start_day=start_day, end_day=end_day), request)

    body = freshness.cached_page(key, draw, drain=None if replica else drain)
    return render(request, "insights/dashboard.html", {"body": mark_safe(body)})


def _context(request, *, node, start_day: dt.date, end_day: dt.date) -> dict:
    """Everything the dashboard shows: the measures, the league table by child node and the other
    apps' panels (read from the rollups; see freshness for what is live)."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(start_day, dt.time(), tzinfo=tz)
    end = dt.datetime.combine(end_day + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    m = rollups.rollup_measures(user=request.user, node=node, start=start_day, end=end_day + dt.timedelta(days=1))
    roots = scope_root_nodes(request.user)
    panels = []
    # Other apps' panels (visits, meetings …) for the chosen node, or for each root of the scope.
    for mod in app_modules("dashboard"):
        fn = getattr(mod, "dashboard_panels", None)
        if fn is None:
            continue
        for target in [node] if node is not None else roots[:3]:
            try:
                panels.extend(fn(request, node=target, start=start, end=end))
            except Exception:  # one app's broken panel must not take the dashboard down
                log.exception("dashboard panel of %s failed", mod.__name__)
    panels.sort(key=lambda p: getattr(p, "order", 50))
    # League table by child node (districts → streets → communities → units), each row drilling down.
    if node is not None:
        children = list(node.get_children())
    elif len(roots) == 1:
        children = list(roots[0].get_children())
    else:
        children = roots
    league = rollups.rollup_league(user=request.user, nodes=children[:200], start=start_day,
                                   end=end_day + dt.timedelta(days=1))
    parent = node.get_parent() if node is not None and node.depth > 1 else None
    if parent is not None and not request.user.has_perm("org.view_node", parent):
        parent = None
    chart = {"months": [r["month"] for r in m.monthly], "filed": [r["filed"] for r in m.monthly],
             "resolved": [r["resolved"] for r in m.monthly],
             "tiers": [{"name": f"{t}", "value": n} for t, n in sorted(m.tiers.items()) if t]}
    return {
        "m": m, "chart": chart, "node": node, "roots": roots,
        "start": start_day, "end": end_day, "panels": panels, "league": league, "parent": parent,
    }
