"""Points for residents (积分, DOMAIN §9): rules as data, an append-only ledger derived from the
record, rewards with stock and their redemptions.

The ledger (`PointEntry`) is only ever appended to: an award is keyed by the event it comes from
(`source`), so deriving twice adds nothing, and a redemption is a negative entry keyed by the
redemption. `PointAccount` is the rollup the phone page and the redemption lock read.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yizuyihui.org.models import OrgNode
from yizuyihui.people.models import Person


class PointEvent(models.TextChoices):
    MATTER_ACCEPTED = "matter_accepted", _("Matter filed and accepted")
    VISIT_HOSTED = "visit_hosted", _("Visit hosted")
    VOLUNTEER_HOURS = "volunteer_hours", _("Volunteer hours")
    PLUS_MEETING = "plus_meeting", _("Meeting attended as a “+” member")
    USEFUL_REPORT = "useful_report", _("Useful 六必报 report")


class CapPeriod(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class PointRule(models.Model):
    """How many points one event (or one volunteer hour) earns, and the most a person may earn
    from that kind of event in one period. Edited by the city's administrators; a rule without a
    cap is refused (services.rule_save), so no event type can award unbounded points."""

    event = models.CharField(_("event"), max_length=20, choices=PointEvent.choices, unique=True)
    points = models.PositiveIntegerField(_("points per event (per hour for volunteer hours)"))
    cap = models.PositiveIntegerField(_("cap per period"))
    period = models.CharField(_("period"), max_length=10, choices=CapPeriod.choices, default=CapPeriod.MONTH)
    active = models.BooleanField(_("active"), default=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("points rule")
        ordering = ["event"]
        constraints = [models.CheckConstraint(condition=models.Q(cap__gt=0) & models.Q(points__gt=0)
                                              & models.Q(points__lte=models.F("cap")), name="point_rule_bounded")]

    def __str__(self) -> str:
        return f"{self.event} {self.points}/{self.cap}"


class EntryKind(models.TextChoices):
    AWARD = "award", _("Award")
    REDEMPTION = "redemption", _("Redemption")


class PointEntry(models.Model):
    """One line of a person's ledger. Never updated or deleted."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="point_entries")
    kind = models.CharField(max_length=10, choices=EntryKind.choices)
    event = models.CharField(_("event"), max_length=20, choices=PointEvent.choices, blank=True)
    # The recorded event it comes from ("case:12", "hours:7", "redeem:3"): unique per person, so a
    # second derivation (or a double-submitted redemption) cannot add a line twice.
    source = models.CharField(max_length=40)
    period = models.CharField(max_length=8, blank=True)  # "2026-03", "2026Q1", "2026": the cap's window
    points = models.IntegerField(_("points"))
    at = models.DateTimeField(_("at"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["person", "source"], name="point_entry_once")]
        indexes = [models.Index(fields=["person", "-at"], name="point_entry_person_at")]


class PointAccount(models.Model):
    """The rollup of a person's ledger; the row a redemption locks (select_for_update)."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, primary_key=True, related_name="point_account")
    earned = models.IntegerField(default=0)
    spent = models.IntegerField(default=0)

    @property
    def balance(self) -> int:
        return self.earned - self.spent


class Reward(models.Model):
    """A reward a community offers for points, with its stock."""

    node = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="rewards", verbose_name=_("community"))
    name = models.CharField(_("reward"), max_length=100)
    cost = models.PositiveIntegerField(_("points"))
    stock = models.PositiveIntegerField(_("in stock"))
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cost", "pk"]
        constraints = [models.CheckConstraint(condition=models.Q(cost__gt=0), name="reward_cost_positive")]

    def __str__(self) -> str:
        return self.name


class Redemption(models.Model):
    reward = models.ForeignKey(Reward, on_delete=models.PROTECT, related_name="redemptions")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="redemptions")
    points = models.PositiveIntegerField()
    at = models.DateTimeField()
    handed_over = models.BooleanField(_("handed over"), default=False)

    class Meta:
        ordering = ["-at"]
        # One of each reward per person: a double tap, or two phones at once, cannot take two.
        constraints = [models.UniqueConstraint(fields=["reward", "person"], name="redeem_once_per_person")]


class StakeholderKind(models.TextChoices):
    SUPPORTER = "supporter", _("Supporter (附议)")
    PLUS = "plus", _("“+” member")


class FeedbackSent(models.Model):
    """Register of 反馈 beyond the reporter: who was told the result of a matter, and why.
    One row per person and matter, so a matter fed back again (after 重办) tells nobody twice
    about the same round (`round` = the number of feed-back events so far)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=StakeholderKind.choices)
    round = models.PositiveSmallIntegerField(default=1)
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "person", "round"], name="feedback_once_per_round")]


class PublicNotice(models.Model):
    """For a matter a council decided: the result posted on the unit's public board (no personal
    data: the text goes through people.masking.redact_text)."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="public_notices")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    text = models.TextField()
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["unit", "-at"], name="notice_unit_at")]


# Honours, thank-you letters and the community's assessments (recognition.py) and staff performance
# (考核, performance_models.py) live in their own modules; imported here so Django registers their models.
from yizuyihui.incentives.performance_models import (  # noqa: E402,F401
    Appeal,
    AppealState,
    Measure,
    PerformanceScore,
    PerformanceWeight,
    SubjectKind,
)
from yizuyihui.incentives.recognition import (  # noqa: E402,F401
    AssessmentGrade,
    Honour,
    HonourMeasure,
    HonourPeriod,
    HonourStatus,
    HonourTitle,
    OfficialAssessment,
    ThankYouLetter,
)
