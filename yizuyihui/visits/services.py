"""Writes for 三必访, 六必到 and 六必报. Pages, jobs, the demo and the benchmark all call these."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yizuyihui.core.dates import when_text
from yizuyihui.core.errors import ServiceError
from yizuyihui.org.models import TIER2_LEVELS, OrgNode, Unit
from yizuyihui.people.models import Household, HouseholdCategory, Post
from yizuyihui.people.selectors import user_label
from yizuyihui.visits import rollups
from yizuyihui.visits.models import (
    DEFAULT_CADENCE,
    DEFAULT_URGENT_EVENTS,
    NORMAL_MINUTES,
    REPORT_DESK,
    URGENT_MINUTES,
    CadencePolicy,
    ConfidentialNote,
    Desk,
    Duty,
    DutyPolicy,
    DutyStatus,
    Event,
    EventType,
    Finding,
    FollowUpStatus,
    HealthFollowUp,
    Inflow,
    PlannedVisit,
    Rental,
    Report,
    ReportType,
    Visit,
    VisitorAssignment,
)
from yizuyihui.visits.periods import period_bounds, periods_between

log = logging.getLogger(__name__)

# How far ahead the rolling generation keeps the schedule filled.
HORIZON_DAYS = getattr(settings, "VISITS_HORIZON_DAYS", 92)
GENERATE_LOCK = 4_2022_05  # pg advisory lock key: one schedule generator at a time


class VisitsError(ServiceError):
    pass


def _today() -> dt.date:
    return timezone.localdate()


# --- 三必访: cadence ---------------------------------------------------------------------------------


def cadence_map() -> dict[str, str]:
    """category → period, the stored policy over the paper's defaults."""
    out = {str(k): str(v) for k, v in DEFAULT_CADENCE.items()}
    out.update(dict(CadencePolicy.objects.values_list("category", "period")))
    return out


def cadence_set(*, category: str, period: str, actor=None) -> CadencePolicy:
    """Change how often a category is visited. Open slots of that category from today on are
    dropped and planned again under the new period; done and past slots stay as the record."""
    if category not in HouseholdCategory.values:
        raise VisitsError(_("Unknown household category: %s") % category)
    with transaction.atomic():
        policy, _created = CadencePolicy.objects.update_or_create(category=category, defaults={"period": period})
        today = _today()
        stale = PlannedVisit.objects.filter(category=category, visit__isnull=True, due__gte=today)
        end = stale.aggregate(m=Max("due"))["m"] or today + dt.timedelta(days=HORIZON_DAYS)
        rollups.mark_slots(stale)
        stale.delete()
        _generate(start=today, end=max(end, today + dt.timedelta(days=HORIZON_DAYS)), categories=[category])
    return policy


# --- 三必访: schedule -------------------------------------------------------------------------------


def _generate(
    *, start: dt.date, end: dt.date, under: OrgNode | None = None, unit_ids: Sequence[int] | None = None,
    household_ids: Sequence[int] | None = None, categories: Iterable[str] | None = None,
    shard: tuple[int, int] | None = None,
) -> int:
    """Insert the missing slots for households × periods overlapping [start, end], set-based.

    One INSERT … SELECT per category: households cross-joined with a VALUES list of that
    category's periods, ON CONFLICT DO NOTHING on (household, period_start). Nothing travels
    through Python per household, which is what lets 1.1 M households get a year of slots in
    seconds on PostgreSQL. Running it twice inserts nothing the second time.
    """
    pv, hh, nodes = PlannedVisit._meta.db_table, Household._meta.db_table, OrgNode._meta.db_table
    pg = connection.vendor == "postgresql"
    cadences = cadence_map()
    inserted = 0
    filters, base_params = [], []
    if under is not None:
        # Households sit on unit-level nodes; the scope is a path prefix (ARCHITECTURE "Scope").
        filters.append(f"h.node_id IN (SELECT n.id FROM {nodes} n WHERE n.path LIKE %s)")
        base_params.append(under.path + "%")
    if unit_ids is not None:
        if not unit_ids:
            return 0
        filters.append(f"h.unit_id IN ({', '.join(['%s'] * len(unit_ids))})")
        base_params.extend(unit_ids)
    if household_ids is not None:
        if not household_ids:
            return 0
        filters.append(f"h.id IN ({', '.join(['%s'] * len(household_ids))})")
        base_params.extend(household_ids)
    if shard is not None:
        filters.append("h.id %% %s = %s")
        base_params.extend([shard[1], shard[0]])
    where_extra = "".join(f" AND {f}" for f in filters)
    with transaction.atomic(), connection.cursor() as cursor:
        if pg:
            # Shards of one run touch disjoint households and share the lock; anything else
            # (a re-plan, the nightly roll) waits for it.
            lock = "pg_advisory_xact_lock_shared" if shard is not None else "pg_advisory_xact_lock"
            cursor.execute(f"SELECT {lock}(%s)", [GENERATE_LOCK])
        for category in categories or HouseholdCategory.values:
            periods = periods_between(cadences[category], start, end)
            if not periods:
                continue
            values, params = [], []
            for first, last in periods:
                values.append("(%s::date, %s::date)" if pg else "(%s, %s)")
                params.extend([first, last] if pg else [first.isoformat(), last.isoformat()])
            select = (
                f"SELECT h.id, h.category, p.column1, p.column2 FROM {hh} h "
                f"CROSS JOIN (VALUES {', '.join(values)}) AS p WHERE h.category = %s{where_extra}"
            )
            # ON CONFLICT costs a speculative insertion per new row (it halved the rate on
            # PostgreSQL). When none of these households has a slot in the range yet — the usual
            # case for the yearly run — a plain INSERT is safe: generators hold the advisory lock.
            fresh = False
            if pg:
                cursor.execute(
                    f"SELECT 1 FROM {pv} x JOIN {hh} h ON h.id = x.household_id WHERE h.category = %s{where_extra} "
                    "AND x.period_start BETWEEN %s AND %s LIMIT 1",
                    [category, *base_params, periods[0][0], periods[-1][0]],
                )
                fresh = cursor.fetchone() is None
            sql = f"INSERT INTO {pv} (household_id, category, period_start, due) {select}"
            if not fresh:
                sql += " ON CONFLICT DO NOTHING"  # SQLite needs the WHERE above before an upsert clause
            cursor.execute(sql, [*params, category, *base_params])
            inserted += max(cursor.rowcount, 0)
            if cursor.rowcount:  # queue the dashboard rollup buckets (node, due day) of the new slots
                rollups.mark_sql_planned(
                    f"SELECT h.node_id AS node_id, p.column2 AS day FROM {hh} h CROSS JOIN (VALUES {', '.join(values)}) "
                    f"AS p WHERE h.category = %s{where_extra}", [*params, category, *base_params])
    return inserted


def schedule_generate(*, under: OrgNode | None, start: dt.date, end: dt.date, workers: int = 1) -> int:
    """Plan the visits due between `start` and `end` for every household under `under` (None:
    everywhere). Idempotent; returns the number of slots added.

    `workers` > 1 (PostgreSQL, outside a transaction) splits the households by id over that many
    connections: the INSERT is CPU-bound in one backend, so the city-wide run scales with cores."""
    if end < start:
        raise VisitsError(_("The end comes before the start"))
    if workers <= 1 or connection.vendor != "postgresql" or connection.in_atomic_block:
        return _generate(start=start, end=end, under=under)
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    def run(i: int) -> int:
        try:
            return _generate(start=start, end=end, under=under, shard=(i, workers))
        finally:
            connections.close_all()  # this thread's connection

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return sum(pool.map(run, range(workers)))


def schedule_roll(*, today: dt.date | None = None) -> int:
    """The rolling job: keep the next HORIZON_DAYS planned everywhere."""
    today = today or _today()
    return schedule_generate(under=None, start=today, end=today + dt.timedelta(days=HORIZON_DAYS))


def schedule_replan(
    *, households: Sequence[Household] | None = None, unit: Unit | None = None, today: dt.date | None = None
) -> int:
    """Re-plan after a category change: open slots from today on whose category no longer matches
    the household's are dropped, and the new cadence is planned from the current period up to the
    horizon already planned. Done and past slots stay (they are the compliance record)."""
    today = today or _today()
    if households is None and unit is None:
        raise VisitsError("schedule_replan needs households or a unit")
    scope = PlannedVisit.objects.all()
    if unit is not None:
        scope = scope.filter(household__unit_id=unit.pk)
    if households is not None:
        scope = scope.filter(household_id__in=[h.pk for h in households])
    with transaction.atomic():
        horizon = scope.filter(visit__isnull=True).aggregate(m=Max("due"))["m"]
        end = max(horizon or today, today + dt.timedelta(days=HORIZON_DAYS))
        stale = scope.filter(visit__isnull=True, due__gte=today).exclude(category=F("household__category"))
        # A join inside DELETE: collect the ids first (a few hundred for a unit).
        stale_ids = list(stale.values_list("pk", flat=True))
        if stale_ids:
            rollups.mark_slots(PlannedVisit.objects.filter(pk__in=stale_ids))
            PlannedVisit.objects.filter(pk__in=stale_ids).delete()
        return _generate(
            start=today, end=end,
            unit_ids=[unit.pk] if unit is not None else None,
            household_ids=[h.pk for h in households] if households is not None else None,
        )


def visitor_assign(*, households: Iterable[Household], visitor, actor=None) -> int:
    """Make `visitor` responsible for visiting `households`."""
    n = 0
    with transaction.atomic():
        for household in households:
            VisitorAssignment.objects.update_or_create(household=household, defaults={"visitor": visitor})
            n += 1
    return n


def visitors_for_unit(unit: Unit):
    """Users who may be given households of the unit: its grid workers and unit members with an
    account (Party group, council), the people the paper names as visitors."""
    from django.contrib.auth import get_user_model

    from yizuyihui.visits.rules import VISITOR_ROLES

    User = get_user_model()
    return (
        User.objects.filter(posts__active=True, posts__node=unit.node, posts__role__in=VISITOR_ROLES)
        | User.objects.filter(person__memberships__unit=unit, person__memberships__ended__isnull=True)
    ).distinct().order_by("username")


def visitor_assign_round_robin(*, unit: Unit, actor=None) -> int:
    """Spread the unit's unassigned households over its visitors, special and key ones first."""
    visitors = list(visitors_for_unit(unit))
    if not visitors:
        return 0
    order = {HouseholdCategory.SPECIAL: 0, HouseholdCategory.KEY_ASSISTANCE: 1, HouseholdCategory.ORDINARY: 2}
    todo = sorted(unit.household_set.filter(visitor_assignment__isnull=True), key=lambda h: (order.get(h.category, 3), h.pk))
    rows = [VisitorAssignment(household=h, visitor=visitors[i % len(visitors)]) for i, h in enumerate(todo)]
    VisitorAssignment.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


# --- 三必访: logging a visit -----------------------------------------------------------------------


def _slot_for(household: Household, on: dt.date) -> PlannedVisit | None:
    open_slots = PlannedVisit.objects.select_for_update().filter(household=household, visit__isnull=True)
    current = open_slots.filter(period_start__lte=on, due__gte=on).order_by("due").first()
    return current or open_slots.filter(due__lt=on).order_by("-due").first()


def visit_log(
    *, household: Household, actor, visited_at: dt.datetime | None = None, note: str = "", photo=None,
    latitude: float | None = None, longitude: float | None = None, findings: Sequence[str] = (),
    file_findings: bool = False, planned: PlannedVisit | None = None,
) -> Visit:
    """Log a visit. It fulfils the chosen slot, else the current period's open slot, else the most
    recent overdue one; with none open it is an extra visit. `file_findings` files every finding
    as a matter at once (the one tap)."""
    visited_at = visited_at or timezone.now()
    with transaction.atomic():
        visit = Visit.objects.create(
            household=household, unit_id=household.unit_id, visitor=actor, visited_at=visited_at, note=note,
            photo=photo or "", latitude=latitude, longitude=longitude,
        )
        if planned is not None:
            slot = PlannedVisit.objects.select_for_update().filter(pk=planned.pk, household=household, visit__isnull=True).first()
        else:
            slot = None
        slot = slot or _slot_for(household, timezone.localdate(visited_at))
        if slot is not None:
            slot.visit = visit
            slot.save(update_fields=["visit"])
        for text in findings:
            text = text.strip()
            if not text:
                continue
            finding = Finding.objects.create(visit=visit, text=text)
            if file_findings:
                finding_file(finding=finding, actor=actor)
    return visit


def finding_file(*, finding: Finding, actor):
    """Turn a finding into a matter of the closed loop (origin 'visit'). Filing twice is a no-op."""
    from yizuyihui.cases.services import case_file

    with transaction.atomic():
        finding = Finding.objects.select_for_update().select_related("visit__household", "visit__unit").get(pk=finding.pk)
        if finding.case_id:
            return finding
        visit = finding.visit
        case = case_file(
            unit=visit.unit, actor=actor, title=_first_line(finding.text), description=finding.text,
            channel="visit", place=visit.household.address, origin="visit", origin_ref=f"visit:{visit.pk}",
        )
        finding.case_id, finding.filed_at = case.pk, timezone.now()
        finding.save(update_fields=["case_id", "filed_at"])
    return finding


def _first_line(text: str, limit: int = 60) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


# --- 六必到: events and attendance duties -----------------------------------------------------------


def duty_policy(event_type: str) -> tuple[bool, int]:
    """(urgent, deadline minutes) for an event type: the stored policy over the defaults."""
    row = DutyPolicy.objects.filter(event_type=event_type).first()
    if row is not None:
        return row.urgent, row.deadline_minutes
    urgent = event_type in DEFAULT_URGENT_EVENTS
    return urgent, URGENT_MINUTES if urgent else NORMAL_MINUTES


def duty_policy_set(*, event_type: str, urgent: bool, deadline_minutes: int, actor=None) -> DutyPolicy:
    if event_type not in EventType.values:
        raise VisitsError(_("Unknown event type: %s") % event_type)
    if deadline_minutes < 1:
        raise VisitsError(_("The deadline must be at least one minute"))
    row, _created = DutyPolicy.objects.update_or_create(
        event_type=event_type, defaults={"urgent": urgent, "deadline_minutes": deadline_minutes}
    )
    return row


def branch_of(unit: Unit) -> OrgNode:
    """The community or administrative village whose Party branch leads the unit."""
    return unit.node.ancestor_at(TIER2_LEVELS) or unit.node.get_parent() or unit.node


def default_responders(unit: Unit, *, urgent: bool):
    """Who must be on site when nobody is named: the unit's grid workers and leader; for an
    urgent event also the cadres of the community/village."""
    from django.contrib.auth import get_user_model

    roles = ["grid_worker", "unit_leader"]
    posts = Post.objects.filter(active=True, node=unit.node, role__in=roles)
    if urgent or not posts.exists():
        posts = posts | Post.objects.filter(active=True, node=branch_of(unit), role="community_cadre")
    return list(get_user_model().objects.filter(pk__in=posts.values("user_id")).order_by("username"))


def event_register(
    *, unit: Unit, event_type: str, actor, description: str, place: str = "", household: Household | None = None,
    urgent: bool | None = None, named: Sequence | None = None, at: dt.datetime | None = None, file_matter: bool = False,
) -> Event:
    """Register a 六必到 event: one attendance duty per named person, each with the deadline of
    the event type (urgent 2 h, others 24 h by default). Urgent marking tightens, never loosens."""
    from yizuyihui.notifications.services import notify

    if event_type not in EventType.values:
        raise VisitsError(_("Unknown event type: %s") % event_type)
    policy_urgent, minutes = duty_policy(event_type)
    urgent = policy_urgent if urgent is None else urgent
    if urgent and not policy_urgent:
        minutes = min(minutes, URGENT_MINUTES)
    at = at or timezone.now()
    responders = list(named) if named else default_responders(unit, urgent=urgent)
    with transaction.atomic():
        event = Event.objects.create(
            unit=unit, event_type=event_type, urgent=urgent, description=description, place=place,
            household=household, registered_by=actor if getattr(actor, "pk", None) else None, registered_at=at,
        )
        due = at + dt.timedelta(minutes=minutes)
        Duty.objects.bulk_create([Duty(event=event, assignee=u, due_at=due) for u in responders], ignore_conflicts=True)
        rollups.mark_event(event)
        url = reverse("visits:event_detail", args=[event.pk])
        for user in responders:
            notify(
                user=user,
                subject=_("Be on site: %(type)s at %(unit)s") % {"type": event.get_event_type_display(), "unit": unit.name},
                body=_("Arrive by %(due)s. %(text)s") % {"due": when_text(due), "text": description[:100]},
                url=url,
            )
        if file_matter:
            from yizuyihui.cases.services import case_file

            case = case_file(
                unit=unit, actor=actor, title=f"{event.get_event_type_display()}：{_first_line(description, 40)}",
                description=description, channel="internal", urgency="urgent" if urgent else "normal", place=place,
                origin="duty", origin_ref=f"event:{event.pk}", now=at,  # filed when the event was registered
            )
            event.case_id = case.pk
            event.save(update_fields=["case_id"])
    return event


def duty_check_in(
    *, duty: Duty, actor, at: dt.datetime | None = None, latitude: float | None = None, longitude: float | None = None
) -> Duty:
    """Record arrival on site. A late arrival after escalation is still recorded (and stays late)."""
    at = at or timezone.now()
    with transaction.atomic():
        duty = Duty.objects.select_for_update().get(pk=duty.pk)
        if duty.arrived_at is not None:
            return duty
        if duty.assignee_id != actor.pk:
            raise VisitsError(_("Only the person on duty checks in"))
        duty.arrived_at, duty.status = at, DutyStatus.ARRIVED
        duty.latitude, duty.longitude = latitude, longitude
        duty.save(update_fields=["arrived_at", "status", "latitude", "longitude"])
    return duty


def duty_sweep(*, now: dt.datetime | None = None) -> int:
    """Escalate missed duties like overdue matters: open supervision (督办) at the level above the
    unit and tell the supervisors and the person on duty. Idempotent: a duty escalates once (its
    status leaves 'pending'; supervision_open is unique per subject as well)."""
    from yizuyihui.notifications.services import notify
    from yizuyihui.supervision.services import supervision_open

    now = now or timezone.now()
    escalated = 0
    missed = Duty.objects.filter(status=DutyStatus.PENDING, due_at__lt=now).values_list("pk", flat=True)
    for pk in list(missed[:5000]):
        with transaction.atomic():
            # skip_locked: two sweeps (or a check-in) racing on one duty never double-escalate.
            duty = (
                Duty.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("event__unit__node", "assignee__person")
                .filter(pk=pk, status=DutyStatus.PENDING)
                .first()
            )
            if duty is None:
                continue
            unit = duty.event.unit
            above = branch_of(unit)
            reason = _("%(person)s was not on site for %(type)s at %(unit)s by %(due)s") % {
                "person": user_label(duty.assignee), "type": duty.event.get_event_type_display(), "unit": unit.name,
                "due": timezone.localtime(duty.due_at).strftime("%Y-%m-%d %H:%M"),
            }
            supervision = supervision_open(subject=duty, node=above, reason=reason, kind="overdue")
            duty.status, duty.escalated_at = DutyStatus.MISSED, now
            duty.supervision_id = getattr(supervision, "pk", None)
            duty.save(update_fields=["status", "escalated_at", "supervision_id"])
            url = reverse("visits:event_detail", args=[duty.event_id])
            notify(user=duty.assignee, subject=_("Missed on-site duty under supervision"), body=reason, url=url)
            for cadre in Post.objects.filter(active=True, node=above, role="community_cadre").select_related("user"):
                notify(user=cadre.user, subject=_("督办: missed on-site duty"), body=reason, url=url)
            escalated += 1
    return escalated


# --- 六必报: reports routed to their desks -----------------------------------------------------------


def report_file(
    *, unit: Unit, report_type: str, actor, description: str = "", place: str = "", household: Household | None = None,
    at: dt.datetime | None = None, person_name: str = "", gender: str = "", came_from: str = "", tenants: int = 1,
    since: dt.date | None = None,
) -> Report:
    """File a 六必报 report and route it to its desk (DOMAIN §5):
    damaged facility → matter; safety hazard → urgent matter; outsider inflow → a new household
    member and the inflow registry; rental → the rental registry; new pregnancy → a health
    follow-up for the community; instability → a confidential note to the Party branch only."""
    if report_type not in ReportType.values:
        raise VisitsError(_("Unknown report type: %s") % report_type)
    at = at or timezone.now()
    desk = REPORT_DESK[report_type]
    confidential = report_type == ReportType.INSTABILITY
    if report_type in (ReportType.RENTAL, ReportType.NEW_PREGNANCY) and household is None:
        raise VisitsError(_("Choose the household"))
    if report_type == ReportType.OUTSIDER_INFLOW and not person_name:
        raise VisitsError(_("Give the newcomer's name"))
    if confidential and not description.strip():
        raise VisitsError(_("Describe the instability factor"))
    since = since or timezone.localdate(at)
    actor_user = actor if getattr(actor, "pk", None) else None
    with transaction.atomic():
        report = Report.objects.create(
            unit=unit, report_type=report_type, desk=desk, description="" if confidential else description,
            place=place, household=household, reported_by=actor_user, reported_at=at,
        )
        if desk == Desk.MATTER:
            from yizuyihui.cases.services import case_file

            hazard = report_type == ReportType.SAFETY_HAZARD
            case = case_file(
                unit=unit, actor=actor, title=f"{report.get_report_type_display()}：{_first_line(description, 40)}",
                description=description, channel="internal", urgency="urgent" if hazard else "normal",
                place=place or (household.address if household else ""), origin="report", origin_ref=f"report:{report.pk}",
                now=at,  # filed when the report was made (a phone may sync later)
            )
            report.case_id = case.pk
            report.save(update_fields=["case_id"])
        elif report_type == ReportType.OUTSIDER_INFLOW:
            from yizuyihui.people.services import person_create

            person = person_create(
                name=person_name, gender=gender or "M", node=unit.node, household=household, is_migrant=True
            )
            if household is not None:
                Household.objects.filter(pk=household.pk).update(size=F("size") + 1)
            Inflow.objects.create(person=person, unit=unit, arrived=since, came_from=came_from, report=report)
        elif report_type == ReportType.RENTAL:
            Rental.objects.create(
                household=household, unit=unit, tenant_name=person_name, tenants=max(tenants, 1), started=since, report=report
            )
        elif report_type == ReportType.NEW_PREGNANCY:
            HealthFollowUp.objects.create(
                community=branch_of(unit), unit=unit, household=household, note=description, opened=at, report=report
            )
        elif confidential:
            ConfidentialNote.objects.create(
                branch=branch_of(unit), unit=unit, body=description, author=actor_user, created=at, report=report
            )
            _tell_branch(unit=unit, report=report)
    return report


def _tell_branch(*, unit: Unit, report: Report) -> None:
    """The branch learns that a note arrived; the text itself stays in the app."""
    from yizuyihui.notifications.services import notify

    for post in Post.objects.filter(active=True, node=branch_of(unit), role="community_cadre").select_related("user"):
        notify(
            user=post.user, subject=_("Confidential note from %(unit)s") % {"unit": unit.name},
            body=_("Open it in the app."), url=reverse("visits:note_list"),
        )


def followup_close(*, followup: HealthFollowUp, actor, note: str = "") -> HealthFollowUp:
    if followup.status == FollowUpStatus.DONE:
        return followup
    followup.status, followup.closed = FollowUpStatus.DONE, timezone.now()
    if note:
        followup.note = f"{followup.note}\n{note}".strip()
    followup.save(update_fields=["status", "closed", "note"])
    return followup


def rental_end(*, rental: Rental, ended: dt.date | None = None, actor=None) -> Rental:
    rental.ended = ended or _today()
    rental.save(update_fields=["ended"])
    return rental


__all__ = [
    "cadence_map", "cadence_set", "schedule_generate", "schedule_roll", "schedule_replan", "visitor_assign",
    "visitor_assign_round_robin", "visit_log", "finding_file", "duty_policy", "duty_policy_set", "event_register",
    "duty_check_in", "duty_sweep", "report_file", "followup_close", "rental_end", "period_bounds",
]


def visits_bulk_record(*, rows: Sequence[tuple[PlannedVisit, dt.datetime]], visitor=None, note: str = "") -> int:
    """Record many past visits at once (imports of paper records, the demo city): one Visit per
    open slot, linked in bulk. Slots already done are skipped."""
    open_ids = set(
        PlannedVisit.objects.filter(pk__in=[s.pk for s, _at in rows], visit__isnull=True).values_list("pk", flat=True)
    )
    rows = [(s, at) for s, at in rows if s.pk in open_ids]
    if not rows:
        return 0
    with transaction.atomic():
        visits = Visit.objects.bulk_create(
            [Visit(household_id=s.household_id, unit_id=s.household.unit_id, visitor=visitor, visited_at=at, note=note)
             for s, at in rows],
            batch_size=2000,
        )
        for (slot, _at), visit in zip(rows, visits, strict=True):
            slot.visit_id = visit.pk
        PlannedVisit.objects.bulk_update([s for s, _at in rows], ["visit"], batch_size=2000)
        rollups.mark("visits", {(s.household.node_id, s.due) for s, _at in rows})
    return len(rows)
