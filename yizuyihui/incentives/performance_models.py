"""Staff performance (考核, DOMAIN §9/§10): the city's weighting of the measures, the scores of a
period per grid worker, unit leader, unit, community and street, and the appeals against them.

Scores are computed in bulk (`performance.scores_compute`) and stored with their reasons (each
component's value, weight and contribution), so the league tables read rows, never re-derive the
measures per request, and an appeal refers to exactly what the assessed person was shown."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yizuyihui.org.models import OrgNode


class Measure(models.TextChoices):
    RESPONSE = "response", _("Response rate (响应率)")
    RESOLUTION = "resolution", _("Resolution rate (解决率)")
    SATISFACTION = "satisfaction", _("Satisfaction rate (满意率)")
    OVERDUE = "overdue", _("Matters never overdue")
    SUPERVISION = "supervision", _("Items without 督办")
    VISITS = "visits", _("Visit compliance (三必访)")
    DUTIES = "duties", _("Duties attended on time (六必到)")
    RESOLUTIONS = "resolutions", _("Resolutions carried out")


class SubjectKind(models.TextChoices):
    GRID_WORKER = "grid_worker", _("Grid worker (person)")
    UNIT_LEADER = "unit_leader", _("Unit leader (person)")
    UNIT = "unit", _("Unit (一组一会)")
    COMMUNITY = "community", _("Community / village")
    STREET = "street", _("Street / township")


WEIGHT_TOTAL = 100  # the weights of all measures add up to this: a score is out of 100


class PerformanceWeight(models.Model):
    """The city's weighting: one row per measure, edited together (services.performance_weights_save
    refuses negative weights or a total other than 100, and then changes nothing)."""

    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices, unique=True)
    weight = models.PositiveSmallIntegerField(_("weight"))
    updated = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("performance weight")
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=models.Q(weight__lte=WEIGHT_TOTAL), name="perf_weight_bounded")]


class PerformanceScore(models.Model):
    """One assessed subject's score in one period: a staff member at a unit (the person + the
    unit's node; `user` their login, if any), or a unit, community or street (node only). `peers` is the path of the parent scope:
    the rank is among the same kind under the same parent."""

    period = models.CharField(_("period"), max_length=7)  # "2026", "2026Q3", "2026-05"
    kind = models.CharField(_("assessed as"), max_length=12, choices=SubjectKind.choices)
    node = models.ForeignKey(OrgNode, on_delete=models.CASCADE, related_name="performance_scores")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="performance_scores")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="performance_scores")
    name = models.CharField(_("name"), max_length=100)  # the person's or the node's name when computed
    peers = models.CharField(max_length=255)
    peer_count = models.PositiveIntegerField(default=1)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    rank = models.PositiveIntegerField(_("rank"))
    # [{"measure", "num", "den", "value" (0..1 or null), "weight", "contribution"}], in Measure order.
    components = models.JSONField(default=list)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("performance score")
        ordering = ["period", "kind", "peers", "rank", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["period", "kind", "node", "person"], name="perf_score_once"),
            models.UniqueConstraint(fields=["period", "kind", "node"], condition=models.Q(person__isnull=True),
                                    name="perf_score_node_once"),
        ]
        indexes = [models.Index(fields=["period", "kind", "peers", "rank"], name="perf_score_league")]

    def __str__(self) -> str:
        return f"{self.period} {self.kind} {self.name} {self.score}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("incentives:performance_detail", args=[self.pk])


class AppealState(models.TextChoices):
    OPEN = "open", _("Awaiting an answer")
    ANSWERED = "answered", _("Appeal answered")


class Appeal(models.Model):
    """The assessed person's note against a score, and the cadre's answer (one open at a time)."""

    score = models.ForeignKey(PerformanceScore, on_delete=models.CASCADE, related_name="appeals")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("appeal"))
    filed_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=AppealState.choices, default=AppealState.OPEN)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        ordering = ["-filed_at"]
        constraints = [models.UniqueConstraint(fields=["score"], condition=models.Q(state="open"),
                                               name="one_open_appeal_per_score")]
