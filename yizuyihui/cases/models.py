"""The closed loop of a matter (问题闭环, 六单工作法: DOMAIN §4).

One state machine (django-fsm-2, protected field, optimistic concurrency) declared once on `Case`;
every transition goes through one function in `cases.services` and writes one `CaseEvent`.
The events are the history behind the measures (三率, medians, tiers) and the outbox of
notifications.
"""

from __future__ import annotations

import functools
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMFieldMixin, transition

from yizuyihui.cases.lifecycle import (  # noqa: F401  (the status groups are part of this module's interface)
    DONE_STATUSES,
    FINAL_STATUSES,
    OPEN_STATUSES,
    RECEIVABLE,
    TRIAGE_STATUSES,
    WORKING_STATUSES,
    CaseStatus,
    EventAction,
    transitions,
)
from yizuyihui.org.models import OrgNode, Unit


# --- taxonomy -------------------------------------------------------------------------------------
class Category(models.Model):
    """Three-level taxonomy of government affairs (label_tree.csv), editable by administrators.

    `handler_types` holds the default handler types per tier, e.g.
    {"1": ["unit"], "2": ["community"], "3": ["department:城管执法"]}.
    """

    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    level = models.PositiveSmallIntegerField(_("level"), default=1)
    name = models.CharField(_("name"), max_length=60)
    code = models.CharField(_("code"), max_length=20, unique=True)
    handler_types = models.JSONField(_("default handler types per tier"), default=dict, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="category_unique_name_per_parent")]

    def __str__(self) -> str:
        return self.name

    @property
    def top(self) -> Category:
        node = self
        while node.parent_id is not None:
            node = node.parent
        return node


# --- working-day calendar and deadline policy ------------------------------------------------------
class WorkingDay(models.Model):
    """An exception to the Monday–Friday rule: a public holiday on a weekday (is_working=False) or
    a make-up working day on a weekend (调休, is_working=True). Seeded from `chinesecalendar`,
    editable by administrators when the State Council publishes a new year's schedule."""

    date = models.DateField(_("date"), unique=True)
    is_working = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'work' if self.is_working else 'holiday'}"

    def clean(self):
        # An exception must differ from the Monday–Friday rule, or it says nothing (and a
        # "holiday" on a Saturday would hide a typo in the date).
        if self.date is not None and (self.date.weekday() < 5) == bool(self.is_working):
            raise ValidationError(
                _("%(date)s is already a working day") if self.is_working else _("%(date)s is already a day off"),
                params={"date": self.date})


class Urgency(models.TextChoices):
    NORMAL = "normal", pgettext_lazy("urgency", "Ordinary")  # not the household category 一般户
    URGENT = "urgent", _("Urgent")
    COMPLEX = "complex", _("Complex")


class Mode(models.TextChoices):
    CALM = "calm", _("Calm")
    URGENT = "urgent", _("Urgent mode")


class DeadlinePolicy(models.Model):
    """Deadlines by category × tier × urgency × mode. Blank category/tier match any; the most
    specific row wins (category beats tier beats the generic row)."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, null=True, blank=True, related_name="policies")
    tier = models.PositiveSmallIntegerField(_("tier"), null=True, blank=True)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.CALM)
    respond_hours = models.FloatField(_("respond within (hours)"))
    resolve_hours = models.FloatField(_("resolve within (hours)"), default=0)
    resolve_working_days = models.FloatField(_("resolve within (working days)"), default=0)
    # Urgent matters run on the wall clock; ordinary ones count only working days.
    working_time = models.BooleanField(_("count working days only"), default=True)
    auto_escalate = models.BooleanField(_("escalate automatically when overdue"), default=True)
    # 议单 → meeting: while a matter waits on the council's agenda its clock stands still, because
    # the meeting's resolution sets the deadline when it dispatches. The seeded urgent rows count
    # the time (an urgent matter does not wait for a meeting).
    agenda_pauses_clock = models.BooleanField(_("time on the council's agenda does not count"), default=True)

    class Meta:
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")
        indexes = [models.Index(fields=["urgency", "mode"], name="policy_lookup")]

    def __str__(self) -> str:
        return f"{self.category or '*'} t{self.tier or '*'} {self.urgency} {self.mode}"

    def clean(self):
        errors = {}
        if self.tier is not None and not 1 <= self.tier <= 3:
            errors["tier"] = _("The tier is 1, 2 or 3 (blank: any)")
        if self.respond_hours is not None and self.respond_hours <= 0:
            errors["respond_hours"] = _("Give a positive number of hours")
        for field in ("resolve_hours", "resolve_working_days"):
            if (getattr(self, field) or 0) < 0:
                errors[field] = _("A duration cannot be negative")
        if not errors and not (self.resolve_hours or 0) > 0 and not (self.resolve_working_days or 0) > 0:
            errors["resolve_hours"] = _("Give the time to resolve, in hours or in working days")
        if not errors:
            same = DeadlinePolicy.objects.filter(category=self.category, tier=self.tier, urgency=self.urgency,
                                                 mode=self.mode).exclude(pk=self.pk)
            if same.exists():
                errors["urgency"] = _("A policy for this category, tier, urgency and mode exists already")
        if errors:
            raise ValidationError(errors)


# --- the matter ------------------------------------------------------------------------------------
# The statuses and the steps between them are declared once, in lifecycle.py.
S = CaseStatus


class Channel(models.TextChoices):
    PHONE_PAGE = "web", _("Resident page")
    VISIT = "visit", _("Visit")
    PHONE = "phone", _("Phone call")
    WALK_IN = "walk_in", _("Walk-in")
    API = "api", _("API")
    OPEN311 = "open311", _("Open311")
    INTERNAL = "internal", _("Internal")


class Origin(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    VISIT = "visit", _("Visit (三必访)")
    REPORT = "report", _("Report (六必报)")
    DUTY = "duty", _("On-site duty (六必到)")
    MEETING = "meeting", _("Meeting")
    STAFF = "staff", _("Staff")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASIC = "basic", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")
    UNRATED = "unrated", _("Not rated")  # 未评价: closed after the waiting period without a rating


# What a resident may choose (未评价 is recorded by the close step, never chosen).
RESIDENT_RATINGS = [(v, label) for v, label in Rating.choices if v != Rating.UNRATED]


def _make_transition(field, name: str, sources, target):
    def step(self):
        """A transition of the life cycle (see lifecycle.py)."""

    step.__name__ = name
    return transition(field=field, source=list(sources), target=target)(step)


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def done(self):
        return self.filter(status__in=DONE_STATUSES)


@functools.cache
def _state_fields(model) -> tuple:
    return tuple(f for f in model._meta.fields if isinstance(f, FSMFieldMixin))


class Case(ConcurrentTransitionMixin, models.Model):
    """A matter (事项). `node` is the level currently responsible: the unit's node at tier 1, the
    community/village at tier 2, the street/township at tier 3; scope queries go through it."""

    @property
    def state_fields(self):
        # django-fsm filters all ~45 fields through a lambda on every load and save (twice per
        # matter read into a worklist, ~5 % of an API filing's CPU); the answer never changes.
        return _state_fields(type(self))

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="cases", verbose_name=_("unit"))
    node = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="cases", verbose_name=_("responsible level"))
    tier = models.PositiveSmallIntegerField(_("tier"), default=1)
    status = FSMField(_("status"), max_length=15, choices=CaseStatus.choices, default=CaseStatus.FILED, protected=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, null=True, blank=True, related_name="cases",
                                 verbose_name=_("category"))
    # Routing suggestion (triage app) kept apart so overrides can be counted.
    suggested_category = models.ForeignKey(Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    suggestion_confidence = models.FloatField(null=True, blank=True)
    category_overridden = models.BooleanField(default=False)
    # Filed and waiting for the routing job (cases.services.case_suggest_pending routes every waiting
    # matter in one batch). A database default too, so an INSERT that does not name it still works.
    suggestion_pending = models.BooleanField(default=False, db_default=False)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.CALM)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices, default=Origin.RESIDENT)
    origin_ref = models.CharField(_("origin reference"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    lat = models.FloatField(null=True, blank=True)
    long = models.FloatField(null=True, blank=True)
    reporter = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="reported_cases", verbose_name=_("reporter"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="filed_cases")
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="handled_cases", verbose_name=_("handler"))
    merged_into = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged")
    on_agenda = models.BooleanField(_("on the meeting agenda"), default=False)
    idempotency_key = models.CharField(max_length=100, blank=True)
    # Timings (written by the services; the measures read them, the events prove them).
    filed_at = models.DateTimeField(_("filed at"), db_index=True)
    responded_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    respond_due = models.DateTimeField(_("respond by"), null=True, blank=True)
    resolve_due = models.DateTimeField(_("resolve by"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    fed_back_at = models.DateTimeField(_("fed back at"), null=True, blank=True)
    # Since when the matter waits on the council's agenda (议单 with on_agenda).
    agenda_at = models.DateTimeField(null=True, blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    extension_until = models.DateTimeField(_("extension requested until"), null=True, blank=True)
    resolved_on_spot = models.BooleanField(_("resolved on the spot"), default=False)
    settled_tier = models.PositiveSmallIntegerField(null=True, blank=True)
    result = models.TextField(_("result"), blank=True)
    feedback = models.TextField(_("feedback"), blank=True)
    rating = models.CharField(_("rating"), max_length=15, choices=Rating.choices, blank=True)
    rating_comment = models.CharField(max_length=300, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    was_overdue = models.BooleanField(_("was overdue"), default=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("matter")
        verbose_name_plural = _("matters")
        indexes = [
            models.Index(fields=["status", "resolve_due"], name="case_sweep_resolve"),
            models.Index(fields=["status", "respond_due"], name="case_sweep_respond"),
            models.Index(fields=["node", "status"], name="case_node_status"),
            models.Index(fields=["unit", "filed_at"], name="case_unit_filed"),
            models.Index(fields=["handler", "status"], name="case_handler_status"),
            # Worklists (issue 17): the open matters are ~1 % of the table. Partial indexes per worklist
            # status set, by node and in the list's order, keep the inbox and the feedback list small.
            models.Index(fields=["node", "respond_due", "id"], name="case_triage_node",
                         condition=models.Q(status__in=["filed", "received", "deliberating", "reopened"])),
            # The same in the list's order alone: a city- or district-wide list walks it and stops at 100.
            models.Index(fields=["respond_due", "id"], name="case_triage_due",
                         condition=models.Q(status__in=["filed", "received", "deliberating", "reopened"])),
            models.Index(fields=["resolved_at", "id"], name="case_resolved_due", condition=models.Q(status="resolved")),
            # The dispatch board (with handlers, by resolve_due) and the not-rated list (fed back, by
            # fed_back_at) in their order: with 40 000 such matters a city's board sorted 8 000 rows
            # for its top 21 (15–19 ms of PostgreSQL per worklist view; docs/scale.md).
            models.Index(fields=["resolve_due", "id"], name="case_working_due",
                         condition=models.Q(status__in=["dispatched", "claimed", "in_progress", "suspended"])),
            models.Index(fields=["fed_back_at", "id"], name="case_fedback_due", condition=models.Q(status="fed_back")),
            # The routing job's queue: the few matters filed since its last run.
            models.Index(fields=["id"], name="case_suggestion_pending", condition=models.Q(suggestion_pending=True)),
        ]
        constraints = [
            models.UniqueConstraint(fields=["filed_by", "idempotency_key"], condition=~models.Q(idempotency_key=""),
                                    name="case_idempotency_key"),
            models.CheckConstraint(condition=models.Q(tier__gte=1, tier__lte=3), name="case_tier_1_to_3"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    def get_status_display(self) -> str:
        """The status's label in the active language. Django's generic get_FOO_display builds a
        dict of all the field's lazy choices on every call (translating each of the ~15 labels):
        a fifth of the CPU of a worklist of 200 matters."""
        try:
            return str(CaseStatus(self.status).label)
        except ValueError:
            return self.status

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("cases:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    # The state machine, built from lifecycle.py: `t_<step>` for every declared step (services call
    # these; nothing else assigns `status`).
    for _name, _sources, _target in transitions():
        vars()[_name] = _make_transition(status, _name, _sources, _target)
    del _name, _sources, _target


class Assignment(models.Model):
    """派单: one handler asked to take the matter, with a deadline. The first to claim leads."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be claimed")
        LEAD = "lead", _("Leading")
        ASSISTING = "assisting", _("Assisting")
        SENT_BACK = "sent_back", _("Sent back")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_assignments")
    due = models.DateTimeField(_("due"))
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["handler", "state"], name="assignment_handler_state")]


class CaseEvent(models.Model):
    """One row per transition: the history behind the timeline and every measure."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=EventAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    from_status = models.CharField(max_length=15, blank=True)
    to_status = models.CharField(max_length=15)
    tier = models.PositiveSmallIntegerField()
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("at"), db_index=True)
    # Public = may appear on the unit's public board and the resident's timeline.
    public = models.BooleanField(default=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"], name="caseevent_case_at")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} {self.from_status}→{self.to_status}"

    # The timeline shows labels, never codes.
    @property
    def from_label(self) -> str:
        return CaseStatus(self.from_status).label if self.from_status in CaseStatus.values else self.from_status

    @property
    def to_label(self) -> str:
        return CaseStatus(self.to_status).label if self.to_status in CaseStatus.values else self.to_status


PHOTO_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif"}


def attachment_path(instance, filename: str) -> str:
    # Stored under the extension of the type detected from the content, never the client's name.
    ext = PHOTO_EXTENSIONS.get(instance.content_type, "bin")
    return f"cases/{instance.case_id}/{uuid.uuid4().hex}.{ext}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(CaseEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    uploaded_at = models.DateTimeField()
