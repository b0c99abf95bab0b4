"""督办: the level above supervises anything with a deadline (a matter, a 六必到 duty, a meeting
action …) through a generic relation. The table keeps the name it had when it lived in `cases`."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from yizuyihui.org.models import OrgNode


class SupervisionState(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class Supervision(models.Model):
    """督办 by the level above over anything with a deadline: a matter, a 六必到 duty, a meeting
    action. Unique per subject and kind, so the sweep may run any number of times.

    The subject may offer `node` (or `unit.node`): the level that answers, and `get_absolute_url`."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    node = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="supervisions", verbose_name=_("supervising level"))
    kind = models.CharField(_("kind"), max_length=40, default="overdue")
    reason = models.TextField(_("reason"))
    state = models.CharField(_("state"), max_length=10, choices=SupervisionState.choices, default=SupervisionState.OPEN)
    answer = models.TextField(_("answer"), blank=True)
    opened_at = models.DateTimeField(_("opened at"))
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        db_table = "cases_supervision"
        verbose_name = _("supervision")
        verbose_name_plural = _("supervisions")
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id", "kind"], name="one_supervision_per_subject_kind")]
        indexes = [models.Index(fields=["node", "state"], name="supervision_node_state")]

    def __str__(self) -> str:
        return f"督办 {self.kind} {self.content_type_id}:{self.object_id}"
