"""Reads for visits, duties and reports, always from the viewer's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from yizuyihui.accounts.scope import active_posts, paths_q, role_paths, scope_q
from yizuyihui.org.models import OrgNode, Unit
from yizuyihui.people.models import Household, HouseholdCategory
from yizuyihui.visits.models import (
    ConfidentialNote,
    Duty,
    DutyStatus,
    Event,
    HealthFollowUp,
    PlannedVisit,
    Rental,
    Report,
    ReportType,
)
from yizuyihui.visits.rules import BRANCH_ROLES, HEALTH_ROLES


def resident_unit(user) -> Unit | None:
    """The unit where a resident (or anyone) holds a resident post, for filing from the phone."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not any(role == "resident" for role, _path in active_posts(user)):
        return None  # the cached posts say so: no query (the report pickers ask on every keystroke)
    post = user.posts.filter(active=True, role="resident").select_related("node__unit").first()
    if post is not None and hasattr(post.node, "unit"):
        return post.node.unit
    return None


def filing_units(user) -> QuerySet[Unit]:
    """Units a user may register events and reports for: their scope, or their own unit."""
    from yizuyihui.org.selectors import units_visible_to

    units = units_visible_to(user)
    own = resident_unit(user)
    if own is not None:
        units = units | Unit.objects.filter(pk=own.pk).select_related("node")
    return units.distinct().order_by("node__path")


# --- 三必访 -------------------------------------------------------------------------------------


def planned_visible_to(user) -> QuerySet[PlannedVisit]:
    return PlannedVisit.objects.filter(scope_q(user, "household__node")).select_related(
        "household", "household__unit", "household__visitor_assignment__visitor"
    )


def due_list(*, user, today: dt.date | None = None, mine: bool = False) -> QuerySet[PlannedVisit]:
    """Open slots whose period has started (due now) or ended (overdue), most urgent first.
    `mine`: only households assigned to the user, plus unassigned ones in the scope."""
    today = today or timezone.localdate()
    qs = planned_visible_to(user).filter(visit__isnull=True, period_start__lte=today)
    if mine:
        qs = qs.filter(Q(household__visitor_assignment__visitor=user) | Q(household__visitor_assignment__isnull=True))
    # A household once, with its oldest open slot (one visit now settles what is due): 2–4 rows per
    # household (one per missed period) were noise.
    oldest = (PlannedVisit.objects.filter(household=OuterRef("household"), visit__isnull=True, period_start__lte=today)
              .order_by("due", "pk").values("pk")[:1])
    # household__node: the page asks visits.log_visit of every row (rules read household.node).
    return (qs.filter(pk=Subquery(oldest)).select_related("household__node")
            .order_by("due", "household__address", "pk"))


def households_for_visiting(*, user, unit: Unit) -> QuerySet[Household]:
    return Household.objects.filter(scope_q(user, "node"), unit=unit).select_related("visitor_assignment__visitor").order_by("address")


# --- 六必到 -------------------------------------------------------------------------------------


def events_visible_to(user) -> QuerySet[Event]:
    return Event.objects.filter(scope_q(user, "unit__node")).select_related("unit", "registered_by")


# A missed duty stays on its person's list this long after its deadline, so a late arrival can still
# be recorded (services.duty_check_in); older ones are supervision's business (duty_sweep opened 督办)
# and would only bury today's "be on site" under events long over.
LATE_ARRIVAL_DAYS = 3


def my_open_duties(user, *, now: dt.datetime | None = None) -> QuerySet[Duty]:
    since = (now or timezone.now()) - dt.timedelta(days=LATE_ARRIVAL_DAYS)
    return (
        Duty.objects.filter(assignee=user, arrived_at__isnull=True, due_at__gte=since)
        .select_related("event", "event__unit")
        .order_by("due_at")
    )


# --- 六必报 -------------------------------------------------------------------------------------


def reports_visible_to(user) -> QuerySet[Report]:
    # Instability reports carry no text (it lives in the note), so listing them leaks nothing.
    return Report.objects.filter(scope_q(user, "unit__node")).select_related("unit", "reported_by")


def notes_visible_to(user) -> QuerySet[ConfidentialNote]:
    """Only the Party branch and the levels above: the paths where the user holds a branch role."""
    return ConfidentialNote.objects.filter(paths_q(role_paths(user, BRANCH_ROLES), "branch")).select_related("unit", "branch")


def followups_visible_to(user) -> QuerySet[HealthFollowUp]:
    return HealthFollowUp.objects.filter(paths_q(role_paths(user, HEALTH_ROLES), "unit__node")).select_related(
        "unit", "household"
    )


def rentals_visible_to(user) -> QuerySet[Rental]:
    return Rental.objects.filter(scope_q(user, "unit__node")).select_related("unit", "household")


# --- compliance -----------------------------------------------------------------------------------


@dataclass
class CategoryCoverage:
    category: str
    label: str
    done: int = 0
    due: int = 0
    overdue: int = 0
    upcoming: int = 0

    @property
    def rate(self) -> float | None:
        """Done among slots whose period has started (done + due + overdue)."""
        started = self.done + self.due + self.overdue
        return round(self.done / started, 3) if started else None


@dataclass
class Compliance:
    coverage: list[CategoryCoverage]
    duties: dict = field(default_factory=dict)
    reports: list[tuple[str, int]] = field(default_factory=list)
    by_unit: list[dict] = field(default_factory=list)


def _under(qs, field_path: str, node: OrgNode | None):
    return qs if node is None else qs.filter(**{f"{field_path}__path__startswith": node.path})


def visit_coverage(*, user, node: OrgNode | None, start: dt.date, end: dt.date, today: dt.date | None = None):
    """done / due / overdue / upcoming slots per category for periods overlapping [start, end]."""
    today = today or timezone.localdate()
    qs = _under(PlannedVisit.objects.filter(scope_q(user, "household__node")), "household__node", node)
    qs = qs.filter(period_start__lte=end, due__gte=start)
    rows = qs.values("category").annotate(
        done=Count("pk", filter=Q(visit__isnull=False)),
        overdue=Count("pk", filter=Q(visit__isnull=True, due__lt=today)),
        due=Count("pk", filter=Q(visit__isnull=True, due__gte=today, period_start__lte=today)),
        upcoming=Count("pk", filter=Q(visit__isnull=True, period_start__gt=today)),
    )
    found = {r["category"]: r for r in rows}
    out = []
    for value, label in HouseholdCategory.choices:
        r = found.get(value, {})
        out.append(CategoryCoverage(value, str(label), r.get("done", 0), r.get("due", 0), r.get("overdue", 0), r.get("upcoming", 0)))
    return out


def coverage_by_unit(*, user, node: OrgNode | None, start: dt.date, end: dt.date, today=None, limit: int = 50):
    """Units with the most overdue slots first (where to look)."""
    today = today or timezone.localdate()
    qs = _under(PlannedVisit.objects.filter(scope_q(user, "household__node")), "household__node", node)
    qs = qs.filter(period_start__lte=min(end, today), due__gte=start)
    rows = (
        qs.values("household__unit_id", "household__unit__name")
        .annotate(
            done=Count("pk", filter=Q(visit__isnull=False)),
            overdue=Count("pk", filter=Q(visit__isnull=True, due__lt=today)),
            due=Count("pk", filter=Q(visit__isnull=True, due__gte=today)),
        )
        .order_by("-overdue", "household__unit__name")[:limit]
    )
    return [
        {"unit_id": r["household__unit_id"], "unit": r["household__unit__name"], "done": r["done"], "due": r["due"],
         "overdue": r["overdue"]}
        for r in rows
    ]


def duty_figures(*, user, node: OrgNode | None, start: dt.datetime, end: dt.datetime) -> dict:
    """Arrival times of 六必到 duties: count, arrived, on time, missed, median minutes to arrive."""
    qs = _under(Duty.objects.filter(scope_q(user, "event__unit__node")), "event__unit__node", node)
    qs = qs.filter(event__registered_at__gte=start, event__registered_at__lt=end)
    total = qs.count()
    arrived = list(qs.filter(arrived_at__isnull=False).values_list("arrived_at", "event__registered_at", "due_at"))
    minutes = sorted(int((a - r).total_seconds() // 60) for a, r, _d in arrived)
    on_time = sum(1 for a, _r, d in arrived if a <= d)
    median = minutes[len(minutes) // 2] if minutes else None
    return {
        "total": total,
        "arrived": len(arrived),
        "on_time": on_time,
        "missed": qs.filter(status=DutyStatus.MISSED).count(),
        "pending": qs.filter(status=DutyStatus.PENDING).count(),
        "median_minutes": median,
        "on_time_rate": round(on_time / total, 3) if total else None,
    }


def report_counts(*, user, node: OrgNode | None, start: dt.datetime, end: dt.datetime) -> list[tuple[str, int]]:
    qs = _under(Report.objects.filter(scope_q(user, "unit__node")), "unit__node", node)
    found = dict(
        qs.filter(reported_at__gte=start, reported_at__lt=end).values("report_type").annotate(n=Count("pk")).values_list("report_type", "n")
    )
    return [(str(label), found.get(value, 0)) for value, label in ReportType.choices]


def compliance(*, user, node: OrgNode | None, start: dt.date, end: dt.date) -> Compliance:
    tz = timezone.get_current_timezone()
    start_dt = dt.datetime.combine(start, dt.time(), tzinfo=tz)
    end_dt = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    return Compliance(
        coverage=visit_coverage(user=user, node=node, start=start, end=end),
        duties=duty_figures(user=user, node=node, start=start_dt, end=end_dt),
        reports=report_counts(user=user, node=node, start=start_dt, end=end_dt),
        by_unit=coverage_by_unit(user=user, node=node, start=start, end=end),
    )
