"""API keys, hashed at rest.

A key is shown once, when it is made; the database keeps only its SHA-256 digest (a key is 256
random bits, so a plain digest is as good as a slow hash and costs nothing per request) and a
short prefix to tell keys apart in lists. A database dump cannot be used to call the API.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def key_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiKey(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys",
                             verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class SmsPurpose(models.TextChoices):
    SIGNUP = "signup", _("Sign-up code")
    LOGIN = "login", _("Login code")


class SmsCode(models.Model):
    """A one-time SMS code (accounts/smscodes.py). Neither the number nor the code is stored in
    clear: the number as its lookup hash (people/crypto.py), the code as a keyed HMAC, so a
    database dump neither lists who signed up nor lets anyone try the six digits offline."""

    phone_hash = models.CharField(max_length=64)
    purpose = models.CharField(max_length=10, choices=SmsPurpose.choices)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("SMS code")
        verbose_name_plural = _("SMS codes")
        indexes = [models.Index(fields=["phone_hash", "purpose", "-created_at"], name="smscode_latest")]
