"""Residents who attach themselves to an existing matter instead of filing it again.

While a matter is filed, the page shows likely duplicates among the unit's open matters; a
resident (or a member on a resident's behalf) may support/follow one of them. Each such choice is
one `CaseSupport` row: it counts as support when widespread problems are ranked (DOMAIN §4).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CaseSupport(models.Model):
    """“I have the same problem”: one person (or one account, when the person is unknown) per matter."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="supports", verbose_name=_("matter"))
    # The resident who supports the matter (unknown when a member clicks without a phone number).
    person = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("resident"))
    # The account that recorded it: the resident themself, or the member filing for them.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("support for a matter")
        verbose_name_plural = _("support for matters")
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], condition=Q(person__isnull=False),
                                    name="casesupport_once_per_person"),
            models.UniqueConstraint(fields=["case", "user"], condition=Q(person__isnull=True),
                                    name="casesupport_once_per_account"),
        ]
        indexes = [models.Index(fields=["case"], name="casesupport_case")]

    def __str__(self) -> str:
        return f"support {self.case_id}"


class WidespreadScan(models.Model):
    """The last clustering of the open matters under one node (民众普遍性问题), written by the
    periodic job (or, for a small scope, by the page): the page reads it and never clusters a big
    scope on the request. A table, not the cache: the job runs in the worker process, the page in
    the web processes, and without Redis their caches are not shared."""

    node = models.OneToOneField("org.OrgNode", on_delete=models.CASCADE, related_name="+", verbose_name=_("scope"))
    computed_at = models.DateTimeField(_("worked out at"))
    # The open matters at that time: how many, and a fingerprint (count, last id, last filing)
    # that tells whether they changed since.
    open_matters = models.PositiveIntegerField(default=0)
    fingerprint = models.CharField(max_length=80, default="")

    class Meta:
        verbose_name = _("widespread-problem scan")
        verbose_name_plural = _("widespread-problem scans")

    def __str__(self) -> str:
        return f"scan {self.node_id}"


class WidespreadCluster(models.Model):
    """One candidate widespread problem of a scan, in rank order (the page reads a page of them)."""

    scan = models.ForeignKey(WidespreadScan, on_delete=models.CASCADE, related_name="clusters")
    rank = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=200)
    member_ids = models.JSONField(default=list)
    size = models.PositiveIntegerField(default=0)
    spread = models.PositiveIntegerField(default=0)
    score = models.FloatField(default=0)
    support = models.PositiveIntegerField(default=0)
    first_time = models.DateTimeField(null=True, blank=True)
    last_time = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("candidate widespread problem")
        verbose_name_plural = _("candidate widespread problems")
        constraints = [models.UniqueConstraint(fields=["scan", "rank"], name="widespread_cluster_rank")]
        ordering = ["rank"]

    def __str__(self) -> str:
        return f"{self.rank}. {self.label}"
