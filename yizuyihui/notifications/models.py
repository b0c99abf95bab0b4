"""The in-app inbox. The table keeps the name it had when it lived in `cases`."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Notification(models.Model):
    """In-app inbox row; e-mail and SMS copies go out after commit."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="notifications")
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "cases_notification"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]
