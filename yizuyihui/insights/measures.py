"""Measures of the closed loop computed from the matters' history (DOMAIN §10): 三率, medians, tier
shares (小事不出组 / 大事不出村), reopen rate, overdue — for any scope and period.

`case_measures` reads every matter of the period: it is the reference the rollups are tested
against (tests/insights/test_rollups.py). Pages read `insights.rollups.rollup_measures`."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from yizuyihui.accounts.scope import scope_q
from yizuyihui.cases.models import OPEN_STATUSES, Case, CaseStatus, Rating


@dataclass
class CaseMeasures:
    total: int = 0
    responded_in_time: int = 0
    resolved: int = 0
    rated: int = 0
    satisfied: int = 0
    settled_tier1: int = 0
    settled_tier2: int = 0
    reopened: int = 0
    overdue_open: int = 0
    was_overdue: int = 0
    median_response_hours: float | None = None
    median_resolution_hours: float | None = None
    p90_response_hours: float | None = None
    p90_resolution_hours: float | None = None
    monthly: list[dict] = field(default_factory=list)
    tiers: dict[int, int] = field(default_factory=dict)

    def _rate(self, part: int, whole: int) -> float | None:
        return round(part / whole, 4) if whole else None

    @property
    def response_rate(self):
        return self._rate(self.responded_in_time, self.total)

    @property
    def resolution_rate(self):
        return self._rate(self.resolved, self.total)

    @property
    def satisfaction_rate(self):
        return self._rate(self.satisfied, self.rated)

    @property
    def tier1_share(self):  # 小事不出组
        return self._rate(self.settled_tier1, self.resolved)

    @property
    def tier2_share(self):  # 大事不出村
        return self._rate(self.settled_tier1 + self.settled_tier2, self.resolved)

    @property
    def reopen_rate(self):
        """重办率: matters the resident reopened (dissatisfied) among those the residents rated."""
        return self._rate(self.reopened, self.rated)


def _hours(pairs) -> float | None:
    values = [(b - a).total_seconds() / 3600 for a, b in pairs if a and b and b >= a]
    return round(statistics.median(values), 1) if values else None


def case_measures(*, user, node=None, start: dt.datetime, end: dt.datetime, now=None) -> CaseMeasures:
    now = now or timezone.now()
    qs = Case.objects.filter(scope_q(user, "unit__node"), filed_at__gte=start, filed_at__lt=end).exclude(
        status__in=[CaseStatus.MERGED, CaseStatus.RETURNED])
    if node is not None:
        qs = qs.filter(unit__node__path__startswith=node.path)
    agg = qs.aggregate(**_aggregates(now))
    m = CaseMeasures(**agg)
    # Medians over at most 200 k rows: exact for a street, a sample for the whole city.
    m.median_response_hours = _hours(qs.order_by().values_list("filed_at", "responded_at")[:200_000])
    m.median_resolution_hours = _hours(
        qs.filter(resolved_at__isnull=False).order_by().values_list("filed_at", "resolved_at")[:200_000])
    m.monthly = [
        {"month": row["month"].strftime("%Y-%m"), "filed": row["filed"], "resolved": row["resolved"]}
        for row in qs.annotate(month=TruncMonth("filed_at")).values("month").order_by("month")
        .annotate(filed=Count("pk"), resolved=Count("pk", filter=Q(resolved_at__isnull=False)))
    ]
    m.tiers = dict(qs.filter(resolved_at__isnull=False).values_list("settled_tier").annotate(n=Count("pk")).order_by())
    return m


@dataclass
class LeagueRow:
    node: object
    m: CaseMeasures


def _aggregates(now):
    return dict(
        total=Count("pk"),
        responded_in_time=Count("pk", filter=Q(responded_at__isnull=False, responded_at__lte=F("respond_due"))),
        resolved=Count("pk", filter=Q(resolved_at__isnull=False)),
        rated=Count("pk", filter=~Q(rating__in=["", Rating.UNRATED])),
        satisfied=Count("pk", filter=Q(rating__in=[Rating.SATISFIED, Rating.BASIC])),
        settled_tier1=Count("pk", filter=Q(resolved_at__isnull=False, settled_tier=1)),
        settled_tier2=Count("pk", filter=Q(resolved_at__isnull=False, settled_tier=2)),
        reopened=Count("pk", filter=Q(reopen_count__gt=0)),
        overdue_open=Count("pk", filter=Q(status__in=OPEN_STATUSES, resolve_due__lt=now) & ~Q(status=CaseStatus.SUSPENDED)),
        was_overdue=Count("pk", filter=Q(was_overdue=True)),
    )


def league_table(*, user, nodes, start: dt.datetime, end: dt.datetime, now=None) -> list[LeagueRow]:
    """The measures for each of `nodes` (the children of the node shown: districts → streets →
    communities → units), in one grouped query over the materialised path's prefix."""
    from django.db.models.functions import Substr

    nodes = list(nodes)
    if not nodes:
        return []
    now = now or timezone.now()
    length = len(nodes[0].path)
    by_path = {n.path: n for n in nodes if len(n.path) == length}
    qs = (Case.objects.filter(scope_q(user, "unit__node"), filed_at__gte=start, filed_at__lt=end)
          .exclude(status__in=[CaseStatus.MERGED, CaseStatus.RETURNED])
          .filter(reduce(or_, (Q(unit__node__path__startswith=p) for p in by_path)))
          .annotate(prefix=Substr("unit__node__path", 1, length)).values("prefix").order_by("prefix")
          .annotate(**_aggregates(now)))
    found = {row.pop("prefix"): CaseMeasures(**row) for row in qs}
    return [LeagueRow(node=n, m=found.get(p, CaseMeasures())) for p, n in sorted(by_path.items())]
