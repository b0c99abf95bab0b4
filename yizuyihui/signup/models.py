"""A resident's own sign-up (居民自助注册): matched to the register by ID number, or confirmed by
the grid worker of the unit they name. The row stays as the record of how the account came to be."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yizuyihui.org.models import Unit
from yizuyihui.people.crypto import EncryptedNumberField, lookup_hash
from yizuyihui.people.models import Person


class JoinStatus(models.TextChoices):
    CHOOSING = "choosing", _("Choosing the unit")
    PENDING = "pending", _("Waiting for the grid worker")
    MATCHED = "matched", _("Matched by ID number")
    CONFIRMED = "confirmed", _("Confirmed by the grid worker")
    REJECTED = "rejected", _("Turned down by the grid worker")


# A request that still holds its phone number and ID number against another sign-up.
OPEN_STATUSES = (JoinStatus.CHOOSING, JoinStatus.PENDING)


class JoinRequest(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests",
                             verbose_name=_("account"))
    name = models.CharField(_("name"), max_length=50)
    # Personal data, as on Person: encrypted at rest, found by keyed hash (people/crypto.py).
    id_number = EncryptedNumberField(_("ID card number"), max_length=18)
    phone = EncryptedNumberField(_("phone"), max_length=20)
    id_number_hash = models.CharField(max_length=64, db_index=True, editable=False)
    phone_hash = models.CharField(max_length=64, db_index=True, editable=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="join_requests",
                             verbose_name=_("unit"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=JoinStatus.choices, default=JoinStatus.CHOOSING)
    person = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("person"))
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "unit"], name="joinrequest_status_unit")]

    def save(self, *args, **kwargs):
        self.id_number_hash, self.phone_hash = lookup_hash(self.id_number), lookup_hash(self.phone)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.name} · {self.get_status_display()}"
