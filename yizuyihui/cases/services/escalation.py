"""One escalation plan (矛盾纠纷分级调处) for the step a manager takes (`case_escalate`) and for the
overdue sweep: the level that receives the matter, its fresh deadlines, and who is told."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from yizuyihui.accounts import roles
from yizuyihui.cases import deadlines
from yizuyihui.org.models import TIER2_LEVELS, TIER3_LEVELS, OrgNode


@dataclass
class Escalation:
    case: object
    target: OrgNode
    tier: int  # the tier after escalation
    respond_due: object
    resolve_due: object


def nodes_by_path(paths) -> dict[str, OrgNode]:
    return {n.path: n for n in OrgNode.objects.filter(path__in=set(paths))} if paths else {}


def escalation_target(unit_node, tier: int, nodes: dict[str, OrgNode]) -> OrgNode | None:
    """The nearest level above the unit that handles the next tier (community/village, then
    street/township), found among `nodes` (the unit node's ancestors by path)."""
    levels = set(TIER2_LEVELS if tier == 1 else TIER3_LEVELS)
    return next((nodes[p] for p in reversed(unit_node.ancestor_paths()) if p in nodes and nodes[p].level in levels), None)


def escalation_plan(cases, *, now, nodes: dict[str, OrgNode] | None = None) -> list[Escalation]:
    """Where each matter goes and its deadlines at the new tier, counted from `now`. Matters at
    tier 3 or without a level above are left out. `nodes` may hold the ancestors already loaded."""
    if nodes is None:
        nodes = nodes_by_path({p for c in cases for p in c.unit.node.ancestor_paths()})
    memo: dict = {}
    plans = []
    for case in cases:
        if case.tier >= 3:
            continue
        target = escalation_target(case.unit.node, case.tier, nodes)
        if target is None:
            continue
        key = (case.category_id, case.tier, case.urgency, case.mode)
        if key not in memo:
            memo[key] = deadlines.due_dates(start=now, category=case.category_id, tier=case.tier + 1,
                                            urgency=case.urgency, mode=case.mode)
        plans.append(Escalation(case, target, case.tier + 1, *memo[key]))
    return plans


def escalation_notices(plans: list[Escalation], *, reason: str) -> list[tuple]:
    """`notify_many` items: the Party group / branch of the receiving level (and the one above it),
    and the resident ("your matter went up to …"). People are loaded in two queries."""
    from yizuyihui.people.models import Post

    if not plans:
        return []
    items = []
    paths = {p for e in plans for p in e.target.ancestor_paths()[-2:]}
    managers: dict[str, list] = {}
    for post in (Post.objects.filter(active=True, role__in=roles.NEARBY_MANAGER_ROLES, node__path__in=paths)
                 .select_related("user__person", "node").order_by("user_id")):
        managers.setdefault(post.node.path, []).append(post.user)
    filers = {e.case.filed_by_id for e in plans if not e.case.reporter_id and e.case.filed_by_id}
    staff = set(Post.objects.filter(user_id__in=filers, active=True, role__in=roles.STAFF_ROLES)
                .values_list("user_id", flat=True)) if filers else set()
    for e in plans:
        c = e.case
        url = reverse("cases:detail", args=[c.pk])
        seen = set()
        for p in e.target.ancestor_paths()[-2:]:
            for user in managers.get(p, []):
                if user.pk not in seen and len(seen) < 20:
                    seen.add(user.pk)
                    items.append((user, None, _("Matter escalated to you: %s") % c.title, reason, url))
        subject = _("Your matter went up to %(level)s") % {"level": e.target.name}
        my_url = reverse("cases:my_case", args=[c.public_id])
        if c.reporter_id:
            items.append((c.reporter.user if c.reporter.user_id else None, c.reporter, subject, reason, my_url))
        elif c.filed_by_id and c.filed_by_id not in staff and not c.filed_by.is_superuser:
            items.append((c.filed_by, getattr(c.filed_by, "person", None), subject, reason, my_url))
    return items
