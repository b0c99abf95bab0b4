"""The audit log (等保 2.0 安全审计): append-only, each row chained to the one before by a hash.

`hash = sha256(prev_hash || canonical JSON of the row)`. Editing a row breaks its own hash;
deleting a row breaks the next row's `prev_hash`; deleting the newest rows is caught by the
head (the count and hash of the last row), which every append moves. `yzyh audit verify` walks
the chain. Rows are never updated or deleted by the application (save() and delete() refuse),
and nothing prunes them: the law asks for at least six months.
"""

from __future__ import annotations

import hashlib
import json

from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS = "0" * 64


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Login")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", _("Logout")
    KEY_CREATED = "key_created", _("API key created")
    KEY_REVOKED = "key_revoked", _("API key revoked")
    POST_CHANGED = "post_changed", _("Post granted or changed")
    POST_REMOVED = "post_removed", _("Post removed")
    PERMISSION_CHANGED = "permission_changed", _("Permissions changed")
    PERSONAL_DATA_SHOWN = "personal_data_shown", _("Personal data shown in full")
    EXPORT = "export", _("Export")
    CONFIDENTIAL_READ = "confidential_read", _("Confidential note read")
    ROSTER_CHANGED = "roster_changed", _("Roster or post changed")
    CONFIG_CHANGED = "config_changed", _("Configuration changed")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("at"), db_index=True)
    action = models.CharField(_("action"), max_length=30, choices=AuditAction.choices, db_index=True)
    # The actor as text too: the row must read the same after the account is gone.
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    ip = models.CharField(_("IP address"), max_length=45, blank=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-pk"]

    @property
    def detail_text(self) -> str:
        """The detail as the page shows it: JSON with Chinese as written (the dict's Python repr was shown)."""
        return json.dumps(self.detail, ensure_ascii=False, sort_keys=True) if self.detail else ""

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise RuntimeError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("audit events are append-only")


class AuditHead(models.Model):
    """One row: how many events there are and the hash of the newest (catches a cut-off tail)."""

    count = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)


def canonical(*, at, action, actor_id, actor_name, ip, object_type, object_id, detail) -> bytes:
    return json.dumps([at.isoformat(timespec="microseconds"), action, actor_id, actor_name, ip, object_type,
                       object_id, detail], ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def chain_hash(prev_hash: str, payload: bytes) -> str:
    return hashlib.sha256(prev_hash.encode() + payload).hexdigest()
