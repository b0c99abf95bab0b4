"""Staff performance (考核, DOMAIN §9): the measures of a period per unit, combined by the city's
weighting into a score and a rank within peers, for every grid worker, unit leader, unit, community
and street at once.

The measures (DOMAIN §10) and where they are read:
* 三率 and overdue — the insights rollups (`CaseDayUnit`: per unit and filing day, the cohort
  definitions of insights.measures), summed over the period in one grouped query;
* 督办 — supervisions opened in the period on the unit's matters, duties and meeting actions;
* visit compliance — 三必访 slots whose period overlaps (done among those started, as
  visits.selectors.visit_coverage), the grid worker's own households when they have some;
* duties attended — 六必到 duties that fell due, arrived on time (the person's own duties);
* resolutions carried out — meeting actions due in the period that are done.

Each is one grouped query for the whole city (no query per unit); communities and streets are the
sums of their units. A component whose denominator is zero (no matters, no duties …) does not
apply: its weight is shared among the others in proportion, so nobody gains or loses for work
that did not arise. score = Σ 100 × weight × value / Σ weights of the applicable components.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from yizuyihui.cases.models import Case
from yizuyihui.core.bulk import fast_insert, fast_update
from yizuyihui.incentives.performance_models import (
    Measure,
    PerformanceScore,
    PerformanceWeight,
    SubjectKind,
)
from yizuyihui.insights import rollups
from yizuyihui.insights.models import CaseDayUnit
from yizuyihui.meetings.models import Action, ActionStatus
from yizuyihui.org.models import UNIT_LEVELS, Level, OrgNode, Unit
from yizuyihui.people.models import Body, Identity, MemberRole, Membership, Post, Role
from yizuyihui.supervision.models import Supervision
from yizuyihui.visits.models import Duty, PlannedVisit

STEP = 4  # treebeard steplen of OrgNode
COMMUNITY_LEVELS = (Level.COMMUNITY, Level.VILLAGE)
STREET_LEVELS = (Level.STREET, Level.TOWNSHIP)
STAFF_KINDS = {Role.GRID_WORKER.value: SubjectKind.GRID_WORKER, Role.UNIT_LEADER.value: SubjectKind.UNIT_LEADER}
DEFAULT_WEIGHTS = {Measure.RESPONSE: 15, Measure.RESOLUTION: 15, Measure.SATISFACTION: 15, Measure.OVERDUE: 10,
                   Measure.SUPERVISION: 10, Measure.VISITS: 15, Measure.DUTIES: 10, Measure.RESOLUTIONS: 10}
CENT = Decimal("0.01")


# --- periods ---------------------------------------------------------------------------------------
_PERIOD = re.compile(r"^(\d{4})(?:Q([1-4])|-(0[1-9]|1[0-2]))?$")


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """'2026' → [2026-01-01, 2027-01-01); '2026Q3' → a quarter; '2026-05' → a month (local days)."""
    m = _PERIOD.match(period or "")
    if not m:
        raise ValueError(f"bad period {period!r}")
    year = int(m[1])
    if m[2]:
        first = 3 * (int(m[2]) - 1) + 1
        return dt.date(year, first, 1), (dt.date(year + 1, 1, 1) if first == 10 else dt.date(year, first + 3, 1))
    if m[3]:
        month = int(m[3])
        return dt.date(year, month, 1), (dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1))
    return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)


def valid_period(period: str) -> bool:
    try:
        period_bounds(period)
    except ValueError:
        return False
    return True


def current_period(today: dt.date | None = None) -> str:
    return str((today or timezone.localdate()).year)


def _instant(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=timezone.get_default_timezone())


# --- tallies and scores ----------------------------------------------------------------------------
@dataclass
class Tally:
    """The raw counts behind one subject's measures (sums of its units' counts)."""

    filed: int = 0
    responded_in_time: int = 0
    resolved: int = 0
    rated: int = 0
    satisfied: int = 0
    was_overdue: int = 0
    supervised: int = 0
    accountable: int = 0  # items with a deadline that 督办 could fall on: matters, duties, actions
    visits_done: int = 0
    visits_started: int = 0
    duties_on_time: int = 0
    duties_due: int = 0
    actions_done: int = 0
    actions_due: int = 0

    def add(self, other: Tally) -> Tally:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        return self

    def copy(self) -> Tally:
        return Tally(**{f.name: getattr(self, f.name) for f in fields(self)})

    def ratios(self) -> dict[str, tuple[int, int]]:
        """(numerator, denominator) of each measure; the value is their quotient (0..1)."""
        return {
            Measure.RESPONSE: (self.responded_in_time, self.filed),
            Measure.RESOLUTION: (self.resolved, self.filed),
            Measure.SATISFACTION: (self.satisfied, self.rated),
            Measure.OVERDUE: (self.filed - self.was_overdue, self.filed),
            Measure.SUPERVISION: (self.accountable - min(self.supervised, self.accountable), self.accountable),
            Measure.VISITS: (self.visits_done, self.visits_started),
            Measure.DUTIES: (self.duties_on_time, self.duties_due),
            Measure.RESOLUTIONS: (self.actions_done, self.actions_due),
        }


def score_of(tally: Tally, weights: dict[str, int]) -> tuple[Decimal, list[dict]]:
    """The score out of 100 and its reasons: per measure the value, the weight and the points it
    contributed. Components with nothing to measure (denominator 0) give their weight to the rest."""
    ratios = tally.ratios()
    applicable = sum(weights.get(m, 0) for m, (_n, den) in ratios.items() if den)
    total = Decimal(0)
    components = []
    for measure in Measure.values:
        num, den = ratios[measure]
        weight = weights.get(measure, 0)
        if den and applicable:
            exact = Decimal(100 * weight * num) / Decimal(den * applicable)
            total += exact
            value, contribution = (Decimal(num) / Decimal(den)).quantize(Decimal("0.0001"), ROUND_HALF_UP), exact
        else:
            value, contribution = None, None
        components.append({"measure": measure, "num": num, "den": den,
                           "value": None if value is None else str(value), "weight": weight,
                           "contribution": None if contribution is None else
                           str(contribution.quantize(CENT, ROUND_HALF_UP))})
    return total.quantize(CENT, ROUND_HALF_UP), components


def competition_ranks(scores: list[Decimal]) -> list[int]:
    """1, 2, 2, 4 …: equal scores share a rank (standard competition ranking), highest first."""
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    ranks = [0] * len(scores)
    for pos, i in enumerate(order):
        ranks[i] = ranks[order[pos - 1]] if pos and scores[i] == scores[order[pos - 1]] else pos + 1
    return ranks


def current_weights() -> dict[str, int]:
    """The city's weighting; the defaults until an administrator saved one."""
    stored = dict(PerformanceWeight.objects.values_list("measure", "weight"))
    return {m: stored.get(m, DEFAULT_WEIGHTS[m]) for m in Measure.values} if stored else dict(DEFAULT_WEIGHTS)


# --- the measures, in bulk -------------------------------------------------------------------------
def unit_tallies(start: dt.date, end: dt.date, *, now=None) -> tuple[dict[int, Tally], dict, dict]:
    """The tallies of every unit in [start, end) — one grouped query per measure for the city —
    and the personal parts of staff: {(user_id, unit_id): visits (done, started)} and duties."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    s, e = _instant(start), _instant(end)
    units: dict[int, Tally] = defaultdict(Tally)
    # 三率 and overdue from the rollups (fold in the buckets queued since the job last ran).
    rollups.refresh()
    for row in (CaseDayUnit.objects.filter(day__gte=start, day__lt=end).values("unit_id").order_by()
                .annotate(f=Sum("filed"), r=Sum("responded_in_time"), res=Sum("resolved"), ra=Sum("rated"),
                          sa=Sum("satisfied"), o=Sum("was_overdue"))):
        t = units[row["unit_id"]]
        t.filed, t.responded_in_time, t.resolved = row["f"] or 0, row["r"] or 0, row["res"] or 0
        t.rated, t.satisfied, t.was_overdue = row["ra"] or 0, row["sa"] or 0, row["o"] or 0
        t.accountable += t.filed
    # 督办 opened in the period on the unit's matters, duties and meeting actions.
    for model, unit_field in ((Case, "unit_id"), (Duty, "event__unit_id"), (Action, "unit_id")):
        subject_unit = model.objects.filter(pk=OuterRef("object_id")).values(unit_field)[:1]
        rows = (Supervision.objects.filter(content_type=ContentType.objects.get_for_model(model),
                                           opened_at__gte=s, opened_at__lt=e)
                .annotate(u=Subquery(subject_unit)).values("u").order_by().annotate(n=Count("pk")))
        for row in rows:
            if row["u"] is not None:
                units[row["u"]].supervised += row["n"]
    # 三必访: slots whose period overlaps and has started (done among them), per unit and per visitor.
    last_day = min(end - dt.timedelta(days=1), today)
    slots = PlannedVisit.objects.filter(period_start__lte=last_day, due__gte=start).order_by()
    visits_by_staff: dict[tuple[int, int], tuple[int, int]] = {}
    for u, visitor, done, started in (slots.values("household__unit_id", "household__visitor_assignment__visitor_id")
                                      .annotate(d=Count("pk", filter=Q(visit__isnull=False)), n=Count("pk"))
                                      .values_list("household__unit_id", "household__visitor_assignment__visitor_id",
                                                   "d", "n")):
        units[u].visits_done += done
        units[u].visits_started += started
        if visitor is not None:
            visits_by_staff[(visitor, u)] = (done, started)
    # 六必到: duties of events registered in the period that fell due (or were met), on time if arrived by due_at.
    duties = Duty.objects.filter(event__registered_at__gte=s, event__registered_at__lt=e).order_by()
    duties_by_staff: dict[tuple[int, int], tuple[int, int]] = {}
    for u, assignee, on_time, fell_due, every in (
            duties.values("event__unit_id", "assignee_id")
            .annotate(ok=Count("pk", filter=Q(arrived_at__isnull=False, arrived_at__lte=F("due_at"))),
                      due=Count("pk", filter=Q(arrived_at__isnull=False) | Q(due_at__lt=now)), n=Count("pk"))
            .values_list("event__unit_id", "assignee_id", "ok", "due", "n")):
        t = units[u]
        t.duties_on_time += on_time
        t.duties_due += fell_due
        t.accountable += every
        duties_by_staff[(assignee, u)] = (on_time, fell_due)
    # Resolutions carried out: the actions of council resolutions due in the period (up to today).
    actions = (Action.objects.filter(due__gte=start, due__lt=min(end, today + dt.timedelta(days=1)))
               .exclude(status=ActionStatus.SUPERSEDED).order_by())
    for u, done, due in (actions.values("unit_id").annotate(d=Count("pk", filter=Q(status=ActionStatus.DONE)),
                                                             n=Count("pk")).values_list("unit_id", "d", "n")):
        units[u].actions_done += done
        units[u].actions_due += due
        units[u].accountable += due
    return units, visits_by_staff, duties_by_staff


@dataclass
class Subject:
    kind: str
    node_id: int
    person_id: int | None
    user_id: int | None
    name: str
    peers: str
    tally: Tally


def _staff(start: dt.date, end: dt.date, by_node: dict) -> dict[tuple[str, int, int], tuple[str, int | None]]:
    """The staff of every unit: the Party group's leader (组长) and its grid workers by membership
    in the period, and whoever holds a grid-worker or unit-leader post at the unit (a login) —
    {(kind, unit node, person): (name, user)}, once per person."""
    out: dict[tuple[str, int, int], tuple[str, int | None]] = {}
    members = (Membership.objects.filter(body=Body.PARTY_GROUP)
               .filter(Q(role=MemberRole.LEADER) | Q(identity=Identity.GRID_WORKER))
               .filter(Q(started__isnull=True) | Q(started__lt=end), Q(ended__isnull=True) | Q(ended__gte=start))
               .values_list("role", "identity", "unit__node_id", "person_id", "person__name", "person__user__id")
               .order_by())
    for role, identity, node_id, person_id, name, user_id in members.iterator(chunk_size=20000):
        kind = SubjectKind.UNIT_LEADER if role == MemberRole.LEADER else SubjectKind.GRID_WORKER
        out[(kind, node_id, person_id)] = (name, user_id)
        if role == MemberRole.LEADER and identity == Identity.GRID_WORKER:
            out[(SubjectKind.GRID_WORKER, node_id, person_id)] = (name, user_id)
    posts = (Post.objects.filter(active=True, role__in=list(STAFF_KINDS), node__level__in=list(UNIT_LEVELS),
                                 user__person__isnull=False)
             .values_list("role", "node_id", "user__person__id", "user__person__name", "user_id").order_by())
    for role, node_id, person_id, name, user_id in posts:
        if node_id in by_node:
            out[(STAFF_KINDS[role], node_id, person_id)] = (name, user_id)
    return out


def subjects(start: dt.date, end: dt.date, *, now=None) -> list[Subject]:
    """Every assessed subject of the city with its tally."""
    units, visits_by_staff, duties_by_staff = unit_tallies(start, end, now=now)
    unit_rows = list(Unit.objects.values_list("pk", "node_id", "node__path", "node__name").order_by("node__path"))
    by_node = {node_id: (pk, path) for pk, node_id, path, _n in unit_rows}
    out: list[Subject] = []
    for pk, node_id, path, name in unit_rows:
        out.append(Subject(SubjectKind.UNIT, node_id, None, None, name, path[:-STEP], units.get(pk, Tally())))
    for (kind, node_id, person_id), (name, user_id) in _staff(start, end, by_node).items():
        pk, path = by_node[node_id]
        t = units.get(pk, Tally()).copy()
        # Personal parts: the person's own assigned households and own duties (by their login).
        if (user_id, pk) in visits_by_staff:
            t.visits_done, t.visits_started = visits_by_staff[(user_id, pk)]
        t.duties_on_time, t.duties_due = duties_by_staff.get((user_id, pk), (0, 0))
        out.append(Subject(kind, node_id, person_id, user_id, name, path[:-STEP], t))
    # Communities and streets: the sums of their units (one pass over the units by path prefix).
    sums: dict[str, Tally] = defaultdict(Tally)
    for pk, _node_id, path, _n in unit_rows:
        if pk in units:
            for cut in range(STEP, len(path), STEP):
                sums[path[:cut]].add(units[pk])
    for kind, levels in ((SubjectKind.COMMUNITY, COMMUNITY_LEVELS), (SubjectKind.STREET, STREET_LEVELS)):
        for node_id, path, name in OrgNode.objects.filter(level__in=levels).values_list("pk", "path", "name"):
            out.append(Subject(kind, node_id, None, None, name, path[:-STEP], sums.get(path, Tally())))
    return out


def scores_compute(*, period: str, now=None, weights: dict[str, int] | None = None) -> int:
    """Compute and store every subject's score and rank for `period` (idempotent: rows are updated
    in place, so appeals stay attached; subjects gone since are removed). Returns the rows stored."""
    now = now or timezone.now()
    start, end = period_bounds(period)
    weights = weights or current_weights()
    subs = subjects(start, end, now=now)
    scored = [(s, *score_of(s.tally, weights)) for s in subs]
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, (s, _score, _c) in enumerate(scored):
        groups[(s.kind, s.peers)].append(i)
    rank = [0] * len(scored)
    peer_count = [0] * len(scored)
    for members in groups.values():
        for i, r in zip(members, competition_ranks([scored[i][1] for i in members]), strict=True):
            rank[i], peer_count[i] = r, len(members)
    with transaction.atomic():
        existing = {(k, n, u): pk for pk, k, n, u in
                    PerformanceScore.objects.filter(period=period).values_list("pk", "kind", "node_id", "person_id")}
        updates, inserts, kept = [], [], set()
        for i, (s, score, components) in enumerate(scored):
            values = (s.user_id, s.name[:100], s.peers, peer_count[i], score, rank[i], json.dumps(components), now)
            pk = existing.get((s.kind, s.node_id, s.person_id))
            if pk is None:
                inserts.append((period, s.kind, s.node_id, s.person_id, *values))
            else:
                kept.add(pk)
                updates.append((pk, *values))
        columns = ("user_id", "name", "peers", "peer_count", "score", "rank", "components", "computed_at")
        fast_update(PerformanceScore, columns, updates)
        fast_insert(PerformanceScore, ("period", "kind", "node_id", "person_id", *columns), inserts)
        gone = set(existing.values()) - kept
        if gone:
            PerformanceScore.objects.filter(pk__in=list(gone)).delete()
    return len(scored)
