"""Reads for emergency mode: which nodes are urgent, coverage, roster, needs, reports.

Every list starts from an emergency the viewer may see (rules.can_view_emergency) and narrows to
the viewer's scope inside it; counts are aggregated in SQL (a district has ~350k households).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from yizuyihui.accounts.scope import paths_q, user_scope
from yizuyihui.cases.models import DONE_STATUSES, OPEN_STATUSES, Case
from yizuyihui.emergency.models import (
    REACHED,
    CommandLevel,
    CommandPost,
    CommandState,
    Emergency,
    EmergencyStatus,
    EmergencyTask,
    TaskKind,
    TaskStatus,
)
from yizuyihui.org.models import Level, OrgNode


def active_over(node) -> list[Emergency]:
    """Active emergencies covering `node` (switched at it or at an ancestor), outermost first."""
    return list(Emergency.objects.filter(status=EmergencyStatus.ACTIVE, node__path__in=node.ancestor_paths())
                .select_related("node").order_by("node__depth", "started_at"))


# The active scopes, cached per process: filing a matter asks node_mode, and the intake is kept to a
# fixed handful of queries (tests/cases/test_channels.py). A switch in this process resets the cache
# at once; other processes see it within MODE_CACHE_SECONDS, and the minute sweep
# (tasks.emergency_retime_sweep) re-times any matter filed in calm mode meanwhile.
MODE_CACHE_SECONDS = 10.0
_mode_cache: tuple[float, tuple[str, ...]] | None = None


def reset_mode_cache() -> None:
    global _mode_cache
    _mode_cache = None


def active_scope_paths() -> tuple[str, ...]:
    global _mode_cache
    import time

    cached = _mode_cache
    if cached is None or time.monotonic() - cached[0] > MODE_CACHE_SECONDS:
        paths = tuple(Emergency.objects.filter(status=EmergencyStatus.ACTIVE).values_list("node__path", flat=True))
        cached = _mode_cache = (time.monotonic(), paths)
    return cached[1]


def node_mode(node) -> str:
    """The `node_mode` provider (core/plugins.py): "urgent" while any active emergency covers `node`."""
    if node is None:
        return "normal"
    return "urgent" if any(node.path.startswith(p) for p in active_scope_paths()) else "normal"


def active_paths() -> list[str]:
    return list(Emergency.objects.filter(status=EmergencyStatus.ACTIVE).values_list("node__path", flat=True))


def visible_emergencies(user):
    """Emergencies whose scope meets the user's: over it or inside it."""
    scope = user_scope(user)
    qs = Emergency.objects.select_related("node", "parent__node", "authority")
    if scope.everything:
        return qs
    if not scope.paths:
        return qs.none()
    inside = paths_q(scope.paths, "node")
    # over the user's posts: the emergency's path is a prefix of one of the user's paths
    prefixes = {p[:i] for p in scope.paths for i in range(4, len(p) + 1, 4)}
    return qs.filter(inside | Q(node__path__in=prefixes))


# --- coverage -------------------------------------------------------------------------------------
@dataclass
class CoverageRow:
    node: OrgNode
    total: int = 0
    reached: int = 0
    done: int = 0

    @property
    def share(self) -> float | None:
        return self.reached / self.total if self.total else None


@dataclass
class Coverage:
    kind: str
    total: int = 0
    reached: int = 0
    done: int = 0
    rows: list[CoverageRow] = field(default_factory=list)

    @property
    def share(self) -> float | None:
        return self.reached / self.total if self.total else None


def _under(emergency: Emergency, node: OrgNode | None) -> OrgNode:
    return node if node is not None and node.path.startswith(emergency.node.path) else emergency.node


def coverages(*, emergency: Emergency, node: OrgNode | None = None) -> dict[str, Coverage]:
    """Households reached / tasks of each kind under `node` (default: the whole scope), with one row
    per child node of `node`. From the per-place counts (`CoverageCount`, kept by the services): one
    query that sums a few thousand rows grouped by the child's path prefix (the unit's path above
    the units, the place's at a unit or below) and returns a row per child and kind."""
    from django.db.models import Sum
    from django.db.models.functions import Substr

    from yizuyihui.emergency.models import CoverageCount
    from yizuyihui.org.models import UNIT_LEVELS

    node = _under(emergency, node)
    below_units = node.level in UNIT_LEVELS or node.level == Level.BUILDING
    path_field = "node__path" if below_units else "unit__node__path"
    base = CoverageCount.objects.filter(emergency=emergency)
    if node.pk != emergency.node_id or below_units:
        base = base.filter(**{f"{path_field}__startswith": node.path})
    width = len(node.path) + node.steplen
    grouped = list(base.annotate(prefix=Substr(path_field, 1, width)).values("prefix", "kind")
                   .annotate(total=Sum("total"), reached=Sum("reached"), done=Sum("done")).order_by())
    children = list(node.get_children()) if node.numchild else []
    out = {}
    for kind in TaskKind.values:
        cov = Coverage(kind=kind)
        rows = {c.path: CoverageRow(node=c) for c in children}
        for r in grouped:
            if r["kind"] != kind:
                continue
            cov.total += r["total"]
            cov.reached += r["reached"]
            cov.done += r["done"]
            row = rows.get(r["prefix"])
            if row is not None:
                row.total += r["total"]
                row.reached += r["reached"]
                row.done += r["done"]
        cov.rows = [r for r in rows.values() if r.total]
        out[kind] = cov
    return out


def coverage_by_unit(*, emergency: Emergency, node: OrgNode | None = None,
                     kind: str = TaskKind.DOOR_CHECK) -> dict[int, float]:
    """Share of households reached per unit under `node` (the map's choropleth, keyed by unit id as
    the places app's boundaries are). One grouped query over the kept counts."""
    from django.db.models import Sum

    from yizuyihui.emergency.models import CoverageCount

    node = _under(emergency, node)
    qs = CoverageCount.objects.filter(emergency=emergency, kind=kind)
    if node.pk != emergency.node_id:
        qs = qs.filter(unit__node__path__startswith=node.path)
    rows = qs.values("unit_id").annotate(total=Sum("total"), reached=Sum("reached")).order_by()
    return {r["unit_id"]: round(r["reached"] / r["total"], 4) for r in rows if r["total"]}


def coverage(*, emergency: Emergency, kind: str = TaskKind.DOOR_CHECK, node: OrgNode | None = None) -> Coverage:
    return coverages(emergency=emergency, node=node)[kind]


# Households not reached are listed where someone can go and knock: at a community or below.
LISTING_LEVELS = {Level.COMMUNITY, Level.VILLAGE, Level.GRID, Level.NATURAL_VILLAGE, Level.BUILDING}


def not_reached_by_place(*, emergency: Emergency, kind: str = TaskKind.DOOR_CHECK, node: OrgNode | None = None,
                         limit: int = 200) -> list[tuple[OrgNode, list]]:
    """Households not reached yet, listed per building (or per grid where there are no buildings)."""
    node = _under(emergency, node)
    if node.level not in LISTING_LEVELS:
        return []
    # (emergency, kind, node) index, in place order; a community has a few thousand households.
    tasks = (EmergencyTask.objects.filter(emergency=emergency, kind=kind, node__path__startswith=node.path)
             .exclude(result__in=REACHED).select_related("household", "node").order_by("node_id", "pk")[:limit])
    grouped: dict[int, tuple[OrgNode, list]] = {}
    for t in tasks:
        grouped.setdefault(t.node_id, (t.node, []))[1].append(t)
    return list(grouped.values())


# --- command roster -------------------------------------------------------------------------------
COMMAND_LEVEL_OF = {
    Level.COMMUNITY: CommandLevel.COMMUNITY, Level.VILLAGE: CommandLevel.COMMUNITY,
    Level.GRID: CommandLevel.GRID, Level.NATURAL_VILLAGE: CommandLevel.GRID,
    Level.BUILDING: CommandLevel.BUILDING,
}


@dataclass
class RosterNode:
    node: OrgNode
    confirmed: list = field(default_factory=list)
    proposed: list = field(default_factory=list)
    children: list = field(default_factory=list)

    @property
    def gap(self) -> bool:
        return not self.confirmed


def roster(*, emergency: Emergency, node: OrgNode | None = None, max_nodes: int = 400) -> tuple[list[RosterNode], int]:
    """The command tree community → grid → building under `node`, each place with its confirmed and
    proposed people; returns (top-level places, number of places with nobody confirmed)."""
    node = _under(emergency, node)
    places = list(OrgNode.objects.filter(path__startswith=node.path,
                                         level__in=list(COMMAND_LEVEL_OF)).order_by("path")[:max_nodes])
    posts = (CommandPost.objects.filter(emergency=emergency, node__path__startswith=node.path)
             .exclude(state=CommandState.REJECTED).select_related("person", "node").order_by("proposed_at"))
    by_node: dict[int, RosterNode] = {p.pk: RosterNode(node=p) for p in places}
    for post in posts:
        rn = by_node.get(post.node_id)
        if rn is not None:
            (rn.confirmed if post.state == CommandState.CONFIRMED else rn.proposed).append(post)
    tops: list[RosterNode] = []
    by_path = {rn.node.path: rn for rn in by_node.values()}
    for rn in sorted(by_node.values(), key=lambda r: r.node.path):
        parent = next((by_path[p] for p in reversed(rn.node.ancestor_paths()[:-1]) if p in by_path), None)
        (parent.children if parent is not None else tops).append(rn)
    gaps = sum(1 for rn in by_node.values() if rn.gap)
    return tops, gaps


def flatten(tops: list[RosterNode], depth: int = 0):
    for rn in tops:
        yield depth, rn
        yield from flatten(rn.children, depth + 1)


def candidates(*, unit) -> list[tuple]:
    """People who know the place (DOMAIN §8): the unit's Party group, council and "+" members and the
    staff posted at it (grid worker, building heads). (person, identity label) pairs."""
    from yizuyihui.people.models import Membership, Post

    out, seen = [], set()
    for m in (Membership.objects.filter(unit=unit, ended__isnull=True).select_related("person")
              .order_by("body", "role", "person__name")):
        if m.person_id not in seen:
            seen.add(m.person_id)
            out.append((m.person, m.get_body_display()))
    for post in (Post.objects.filter(active=True, node__path__startswith=unit.node.path,
                                     role__in=["grid_worker", "building_head", "unit_leader", "council_member"])
                 .select_related("user__person")):
        person = getattr(post.user, "person", None)
        if person is not None and person.pk not in seen:
            seen.add(person.pk)
            out.append((person, post.get_role_display()))
    return out


# --- tasks ----------------------------------------------------------------------------------------
def my_tasks(*, emergency: Emergency, user, kind: str | None = None, limit: int = 100):
    """The user's open tasks: those assigned to them through the command roster (a building head's
    building, a grid commander's grid), then the unassigned ones under the places they command or
    the units they work in (nobody confirmed there yet). A task assigned to someone else is theirs."""
    from yizuyihui.accounts.roles import BRANCH_ROLES, MEMBER_ROLES
    from yizuyihui.accounts.scope import role_paths

    paths = set(role_paths(user, MEMBER_ROLES | BRANCH_ROLES))
    person_id = getattr(getattr(user, "person", None), "pk", None)
    if person_id is not None:
        paths.update(CommandPost.objects.filter(emergency=emergency, person_id=person_id, state=CommandState.CONFIRMED)
                     .values_list("node__path", flat=True))
    mine = Q(assignee_id=person_id) if person_id is not None else Q(pk__in=[])
    unassigned = Q(assignee__isnull=True) & paths_q(tuple(sorted(paths)), "node") if paths else Q(pk__in=[])
    qs = EmergencyTask.objects.filter(emergency=emergency, status=TaskStatus.OPEN).filter(mine | unassigned)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related("household", "node", "assignee").order_by("node__path", "household__address", "kind")[:limit]


def my_open_tasks(*, user) -> list[tuple[Emergency, int, EmergencyTask | None]]:
    """For the phone's home page: per active emergency, the open tasks assigned to the user (count,
    first one). One grouped query on the (assignee, status) index."""
    person_id = getattr(getattr(user, "person", None), "pk", None)
    if person_id is None:
        return []
    counts = dict(EmergencyTask.objects.filter(assignee_id=person_id, status=TaskStatus.OPEN,
                                               emergency__status=EmergencyStatus.ACTIVE)
                  .values_list("emergency_id").annotate(n=Count("pk")).order_by())
    if not counts:
        return []
    out = []
    for e in Emergency.objects.filter(pk__in=counts).select_related("node").order_by("started_at"):
        first = (EmergencyTask.objects.filter(emergency=e, assignee_id=person_id, status=TaskStatus.OPEN)
                 .select_related("household").order_by("node__path", "household__address", "kind").first())
        out.append((e, counts[e.pk], first))
    return out


def open_tasks_by_assignee(*, emergency: Emergency, person_ids) -> dict[int, int]:
    if not person_ids:
        return {}
    return dict(EmergencyTask.objects.filter(emergency=emergency, status=TaskStatus.OPEN, assignee_id__in=person_ids)
                .values_list("assignee_id").annotate(n=Count("pk")).order_by())


def commands_in(*, emergency: Emergency, user) -> bool:
    """A confirmed command post or an assigned task in this emergency (a "+" member or council member
    without a staff post sees their own tasks)."""
    person_id = getattr(getattr(user, "person", None), "pk", None)
    if person_id is None:
        return False
    return (CommandPost.objects.filter(emergency=emergency, person_id=person_id, state=CommandState.CONFIRMED).exists()
            or EmergencyTask.objects.filter(emergency=emergency, assignee_id=person_id).exists())


# --- needs ----------------------------------------------------------------------------------------
NEED_WORDS = {"medicine": ("药", "medicine"), "food": ("粮", "米", "菜", "食", "奶", "food"),
              "transport": ("就医", "送医", "急救", "透析", "transport")}


def need_kind_of(text: str) -> str:
    for kind, words in NEED_WORDS.items():
        if any(w in text for w in words):
            return kind
    return "other"


def needs(*, emergency: Emergency, user, state: str = "open", limit: int = 200):
    """The needs board: matters filed in the scope since the switch (urgent mode), most pressing first."""
    # Filed in the scope since the switch (urgent mode then): after the switch back the window still
    # finds them though the open ones are calm again.
    qs = Case.objects.filter(unit__node__path__startswith=emergency.node.path, filed_at__gte=emergency.started_at
                             ).filter(paths_q(user_scope(user).paths, "unit__node")
                                      if not user_scope(user).everything else Q())
    if emergency.ended_at:
        qs = qs.filter(filed_at__lte=emergency.ended_at)
    counts = qs.aggregate(open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
                          met=Count("pk", filter=Q(status__in=DONE_STATUSES)))
    rows = qs.filter(status__in=OPEN_STATUSES if state == "open" else DONE_STATUSES)
    rows = rows.select_related("unit").order_by("resolve_due", "pk")[:limit]
    for c in rows:
        c.need_kind = need_kind_of(c.title)
    return rows, counts


def needs_by_kind(rows) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for c in rows:
        out[c.need_kind] += 1
    return dict(out)
