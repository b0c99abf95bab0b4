"""三必访 (must visit), 六必到 (must be on site) and 六必报 (must report) — DOMAIN.md §5.

三必访 has two tables: `PlannedVisit` is the schedule (one row per household and period, made in
bulk by `services.schedule_generate`), `Visit` is what a visitor logged. A planned visit is done
when it points to a visit. Keeping the two apart lets an extra visit be logged without a slot and
keeps the schedule table narrow: 1.1 M households make about 4 M slots a year.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yizuyihui.org.models import OrgNode, Unit
from yizuyihui.people.models import Household, HouseholdCategory, Person

# --- 三必访 -----------------------------------------------------------------------------------------


class Period(models.TextChoices):
    WEEK = "week", _("Weekly")
    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")
    HALF_YEAR = "half_year", _("Twice a year")
    YEAR = "year", _("Once a year")


# The paper's rule (DOMAIN §5): ordinary households twice a year, key-assistance monthly, special weekly.
DEFAULT_CADENCE = {
    HouseholdCategory.ORDINARY: Period.HALF_YEAR,
    HouseholdCategory.KEY_ASSISTANCE: Period.MONTH,
    HouseholdCategory.SPECIAL: Period.WEEK,
}


class CadencePolicy(models.Model):
    """How often a household of a category must be visited (editable by the city)."""

    category = models.CharField(_("household category"), max_length=10, choices=HouseholdCategory.choices, unique=True)
    period = models.CharField(_("visit at least"), max_length=10, choices=Period.choices)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("visit cadence")
        verbose_name_plural = _("visit cadences")

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.get_period_display()}"


class VisitorAssignment(models.Model):
    """Who visits a household: a unit member or grid worker with an account."""

    household = models.OneToOneField(Household, on_delete=models.CASCADE, related_name="visitor_assignment")
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="visit_assignments")
    assigned = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("visitor assignment")
        verbose_name_plural = _("visitor assignments")


class Visit(models.Model):
    """A visit as logged on the phone: who, when, where, what was found."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="visits", verbose_name=_("household"))
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="visits", verbose_name=_("unit"))
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="visits_made", verbose_name=_("visitor")
    )
    visited_at = models.DateTimeField(_("visited at"))
    note = models.TextField(_("note"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="visits/%Y/%m/", blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [models.Index(fields=["unit", "visited_at"])]

    def __str__(self) -> str:
        return f"{self.household} · {self.visited_at:%Y-%m-%d}"


class PlannedVisit(models.Model):
    """One slot of the schedule: household × period. Open until `visit` is set.

    Deliberately narrow (no unit, no timestamps): the rows are inserted set-based, millions at a
    time, and every extra column, index or foreign key costs seconds in the yearly generation.
    Scope goes through household → node.
    """

    # No database FK constraints and no single-column indexes here: deferred FK triggers and extra
    # b-trees tripled the yearly insert time on PostgreSQL. The rows are only ever made from
    # existing households by the generator; Django still cascades deletes; the unique key's
    # leading column serves lookups by household.
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="planned_visits", db_constraint=False, db_index=False
    )
    category = models.CharField(max_length=10, choices=HouseholdCategory.choices)
    period_start = models.DateField(_("from"))
    due = models.DateField(_("due"))
    # One visit fulfils at most one slot: services.visit_log locks the slot it fills.
    visit = models.ForeignKey(
        Visit, on_delete=models.SET_NULL, null=True, blank=True, related_name="slots", db_constraint=False, db_index=False
    )

    class Meta:
        verbose_name = _("planned visit")
        verbose_name_plural = _("planned visits")
        constraints = [
            # Makes generation idempotent: INSERT … ON CONFLICT DO NOTHING. The end is part of the key so
            # that slots of two cadences starting on the same day (July, H2) can both exist.
            models.UniqueConstraint(fields=["household", "period_start", "due"], name="one_planned_visit_per_period"),
        ]

    @property
    def is_done(self) -> bool:
        return self.visit_id is not None

    def state(self, today) -> str:
        if self.visit_id:
            return "done"
        if self.due < today:
            return "overdue"
        if self.period_start <= today:
            return "due"
        return "upcoming"


class Finding(models.Model):
    """Something seen on a visit; one tap turns it into a matter of the closed loop (DOMAIN §4)."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="findings")
    text = models.TextField(_("finding"))
    case_id = models.BigIntegerField(_("matter"), null=True, blank=True)  # cases.Case, kept loose on purpose
    filed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")


# --- 六必到 -----------------------------------------------------------------------------------------


class EventType(models.TextChoices):
    FAMILY_MISFORTUNE = "family_misfortune", _("Family misfortune")
    SUDDEN_HARDSHIP = "sudden_hardship", _("Sudden hardship")
    COMMUNITY_EMERGENCY = "community_emergency", _("Community emergency")
    NEIGHBOUR_DISPUTE = "neighbour_dispute", _("Neighbour dispute")
    GROUP_CONFLICT = "group_conflict", _("Group-interest conflict")
    PUBLIC_SECURITY = "public_security", _("Public-security incident")


URGENT_MINUTES = 120
NORMAL_MINUTES = 24 * 60
DEFAULT_URGENT_EVENTS = {EventType.COMMUNITY_EMERGENCY, EventType.GROUP_CONFLICT, EventType.PUBLIC_SECURITY}


class DutyPolicy(models.Model):
    """Deadline to be on site per event type (defaults: urgent 2 h, others 24 h; editable)."""

    event_type = models.CharField(_("event type"), max_length=20, choices=EventType.choices, unique=True)
    urgent = models.BooleanField(_("urgent"), default=False)
    deadline_minutes = models.PositiveIntegerField(_("be on site within (minutes)"))

    class Meta:
        verbose_name = _("attendance policy")
        verbose_name_plural = _("attendance policies")

    def __str__(self) -> str:
        return f"{self.get_event_type_display()}: {self.deadline_minutes} min"


class Event(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="events", verbose_name=_("unit"))
    event_type = models.CharField(_("event type"), max_length=20, choices=EventType.choices)
    urgent = models.BooleanField(_("urgent"), default=False)
    description = models.TextField(_("what happened"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    household = models.ForeignKey(Household, on_delete=models.SET_NULL, null=True, blank=True, related_name="events")
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="events_registered"
    )
    registered_at = models.DateTimeField(_("registered at"))
    case_id = models.BigIntegerField(_("matter"), null=True, blank=True)

    class Meta:
        verbose_name = _("六必到 event")
        verbose_name_plural = _("六必到 events")
        indexes = [models.Index(fields=["unit", "registered_at"])]

    def __str__(self) -> str:
        return f"{self.get_event_type_display()} · {self.unit}"


class DutyStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting arrival")
    ARRIVED = "arrived", _("Arrived")
    MISSED = "missed", _("Missed (supervised)")


class Duty(models.Model):
    """An attendance duty: a named person must be on site by `due_at`."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="duties")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="duties")
    due_at = models.DateTimeField(_("be on site by"))
    status = models.CharField(_("status"), max_length=10, choices=DutyStatus.choices, default=DutyStatus.PENDING)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    supervision_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("attendance duty")
        verbose_name_plural = _("attendance duties")
        constraints = [models.UniqueConstraint(fields=["event", "assignee"], name="one_duty_per_person_event")]
        indexes = [models.Index(fields=["due_at"], name="visits_duty_pending_due", condition=models.Q(status="pending"))]

    def __str__(self) -> str:
        return f"{self.event} → {self.assignee}"

    @property
    def arrival_minutes(self) -> int | None:
        if self.arrived_at is None:
            return None
        return int((self.arrived_at - self.event.registered_at).total_seconds() // 60)

    @property
    def on_time(self) -> bool:
        return self.arrived_at is not None and self.arrived_at <= self.due_at


# --- 六必报 -----------------------------------------------------------------------------------------


class ReportType(models.TextChoices):
    DAMAGED_FACILITY = "damaged_facility", _("Damaged public facility")
    OUTSIDER_INFLOW = "outsider_inflow", _("Inflow of outsiders")
    NEW_PREGNANCY = "new_pregnancy", _("Newly pregnant resident")
    RENTAL = "rental", _("Home rented out")
    SAFETY_HAZARD = "safety_hazard", _("Safety hazard")
    INSTABILITY = "instability", _("Instability factor")


class Desk(models.TextChoices):
    MATTER = "matter", _("Matter (closed loop)")
    REGISTRY = "registry", _("Registry")
    HEALTH = "health", _("Health follow-up")
    BRANCH = "branch", _("Confidential note to the Party branch")


REPORT_DESK = {
    ReportType.DAMAGED_FACILITY: Desk.MATTER,
    ReportType.SAFETY_HAZARD: Desk.MATTER,
    ReportType.OUTSIDER_INFLOW: Desk.REGISTRY,
    ReportType.RENTAL: Desk.REGISTRY,
    ReportType.NEW_PREGNANCY: Desk.HEALTH,
    ReportType.INSTABILITY: Desk.BRANCH,
}


class Report(models.Model):
    """A 六必报 report. For an instability factor the text is NOT kept here: it lives only in the
    ConfidentialNote, so no list of reports can leak it."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="reports", verbose_name=_("unit"))
    report_type = models.CharField(_("report type"), max_length=20, choices=ReportType.choices)
    desk = models.CharField(_("desk"), max_length=10, choices=Desk.choices)
    description = models.TextField(_("description"), blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    household = models.ForeignKey(Household, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="reports_made")
    reported_at = models.DateTimeField(_("reported at"))
    case_id = models.BigIntegerField(_("matter"), null=True, blank=True)

    class Meta:
        verbose_name = _("六必报 report")
        verbose_name_plural = _("六必报 reports")
        indexes = [models.Index(fields=["unit", "reported_at"])]


class Rental(models.Model):
    """Rental registry (居民房屋出租)."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="rentals", verbose_name=_("dwelling"))
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="rentals")
    tenant_name = models.CharField(_("tenant"), max_length=50, blank=True)
    tenants = models.PositiveSmallIntegerField(_("tenants"), default=1)
    started = models.DateField(_("rented since"))
    ended = models.DateField(_("until"), null=True, blank=True)
    report = models.OneToOneField(Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="rental")

    class Meta:
        verbose_name = _("rental")
        verbose_name_plural = _("rentals")


class Inflow(models.Model):
    """Registry of outsiders who arrived (外来人员流入); each becomes a member of a household."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="inflow")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="inflows")
    arrived = models.DateField(_("arrived"))
    came_from = models.CharField(_("came from"), max_length=100, blank=True)
    report = models.ForeignKey(Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="inflows")

    class Meta:
        verbose_name = _("inflow")
        verbose_name_plural = _("inflows")


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class HealthFollowUp(models.Model):
    """A health-service follow-up the community opens for a newly pregnant resident."""

    community = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="health_followups")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="health_followups")
    household = models.ForeignKey(Household, on_delete=models.SET_NULL, null=True, blank=True, related_name="health_followups")
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN)
    opened = models.DateTimeField(_("opened"))
    closed = models.DateTimeField(_("closed"), null=True, blank=True)
    report = models.OneToOneField(Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="followup")

    class Meta:
        verbose_name = _("health follow-up")
        verbose_name_plural = _("health follow-ups")


class ConfidentialNote(models.Model):
    """Instability factor (存有不稳定因素): readable only by the Party branch at the community or
    village and the levels above (rules.can_read_note). Not even the author reads it back."""

    branch = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="confidential_notes")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="confidential_notes")
    body = models.TextField(_("note"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created = models.DateTimeField(_("created"))
    report = models.OneToOneField(Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="note")

    class Meta:
        verbose_name = _("confidential note")
        verbose_name_plural = _("confidential notes")
