"""The user's inbox."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from yizuyihui.notifications.models import Notification


def inbox_for(*, user, limit: int = 50) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)[:limit]


def unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def inbox_mark_read(*, user, now=None) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=now or timezone.now())
