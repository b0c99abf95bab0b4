"""Models of recognition (DOMAIN §9): honours (荣誉) proposed from the record and confirmed by the
community, thank-you letters (感谢信) to the employers of people from other units, and the
community's assessment in the reports to the organisation department (组织部门).

Imported by models.py (Django finds models there); kept apart so the points and the staff
performance models evolve without touching these.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yizuyihui.incentives.periods import period_parse
from yizuyihui.org.models import OrgNode, Unit
from yizuyihui.people.models import Household, Person


# --- honours ---------------------------------------------------------------------------------------
class HonourMeasure(models.TextChoices):
    HOUSEHOLD_POINTS = "household_points", _("Household's points in the period")
    POINTS = "points", _("Points earned in the period")
    VOLUNTEER_HOURS = "volunteer_hours", _("Volunteer hours in the period")
    COUNCIL_MEETINGS = "council_meetings", _("Council meetings attended in the period")


HOUSEHOLD_MEASURES = frozenset({HonourMeasure.HOUSEHOLD_POINTS})


class HonourPeriod(models.TextChoices):
    QUARTER = "quarter", _("Each quarter")
    YEAR = "year", _("Each year")


class HonourTitle(models.Model):
    """A title the city awards per period (星级文明户, 优秀志愿者, 优秀议事会成员 …), as data: which
    measure proposes it, the least a candidate needs, and how many per unit."""

    name = models.CharField(_("title of honour"), max_length=50, unique=True)
    measure = models.CharField(_("measure"), max_length=20, choices=HonourMeasure.choices)
    period = models.CharField(_("period"), max_length=10, choices=HonourPeriod.choices, default=HonourPeriod.YEAR)
    minimum = models.DecimalField(_("at least"), max_digits=8, decimal_places=1, default=1)
    per_unit = models.PositiveSmallIntegerField(_("per unit"), default=3)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("honour title")
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=Q(per_unit__gt=0) & Q(per_unit__lte=50) & Q(minimum__gt=0),
                                              name="honour_title_bounded")]

    def __str__(self) -> str:
        return self.name

    @property
    def for_households(self) -> bool:
        return self.measure in HOUSEHOLD_MEASURES


class HonourStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Awarded")
    REJECTED = "rejected", _("Not awarded")


class Honour(models.Model):
    """One candidate for one title in one period: proposed from the measure, then confirmed or
    rejected by the community. Only confirmed honours reach the unit's board."""

    title = models.ForeignKey(HonourTitle, on_delete=models.PROTECT, related_name="honours")
    period = models.CharField(_("period"), max_length=8)  # "2026Q3" or "2026"
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="honours")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, null=True, blank=True, related_name="honours")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, null=True, blank=True, related_name="honours")
    value = models.DecimalField(_("measure"), max_digits=10, decimal_places=1)
    rank = models.PositiveSmallIntegerField(_("rank"))
    status = models.CharField(_("status"), max_length=10, choices=HonourStatus.choices, default=HonourStatus.PROPOSED)
    proposed_at = models.DateTimeField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason not awarded"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("honour")
        ordering = ["title_id", "unit_id", "rank"]
        indexes = [models.Index(fields=["unit", "status", "period"], name="honour_unit_status")]
        constraints = [
            # Proposing the same period again updates the candidates, never adds them twice.
            models.UniqueConstraint(fields=["title", "period", "person"], condition=Q(person__isnull=False),
                                    name="honour_once_per_person"),
            models.UniqueConstraint(fields=["title", "period", "household"], condition=Q(household__isnull=False),
                                    name="honour_once_per_household"),
            models.CheckConstraint(condition=Q(person__isnull=True) ^ Q(household__isnull=True),
                                   name="honour_person_or_household"),
        ]


# --- thank-you letters -----------------------------------------------------------------------------
class ThankYouLetter(models.Model):
    """A letter to the employer of a "+" member or a registered official (三报到) from another
    unit, listing what they did in the quarter. `lines` is the record as it stood when the letter
    was issued (the letter sent is what the register keeps, even if the record changes later)."""

    node = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by"))
    quarter = models.CharField(_("quarter"), max_length=6)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="thank_you_letters")
    employer = models.CharField(_("employer"), max_length=100)
    number = models.CharField(_("number"), max_length=40)
    lines = models.JSONField(default=list)
    hours = models.DecimalField(_("hours served"), max_digits=7, decimal_places=1, default=0)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    issued_at = models.DateTimeField(_("issued at"))

    @property
    def quarter_label(self) -> str:
        return period_parse(self.quarter).label

    class Meta:
        verbose_name = _("thank-you letter")
        ordering = ["-quarter", "node_id", "number"]
        # Issuing a quarter twice adds nothing: one letter per person, issuer and quarter.
        constraints = [models.UniqueConstraint(fields=["node", "quarter", "person"], name="letter_once_per_quarter")]


# --- reports to the organisation department --------------------------------------------------------
class AssessmentGrade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    COMPETENT = "competent", _("Competent")
    BASIC = "basic", _("Basically competent")
    POOR = "poor", _("Not competent")


class OfficialAssessment(models.Model):
    """The community's assessment of an official sent down (下沉干部) or a registered Party member
    for one period, printed in the report to the organisation department."""

    node = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(_("period"), max_length=8)
    grade = models.CharField(_("grade"), max_length=10, choices=AssessmentGrade.choices, blank=True)
    text = models.TextField(_("assessment"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("community's assessment")
        constraints = [models.UniqueConstraint(fields=["node", "person", "period"], name="assessment_once")]
