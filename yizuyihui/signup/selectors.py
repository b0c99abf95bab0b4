"""Reads of join requests, each from the reader's scope."""

from __future__ import annotations

from yizuyihui.accounts.roles import PERSONAL_DATA_ROLES
from yizuyihui.accounts.scope import paths_q, role_paths
from yizuyihui.people.crypto import lookup_hash
from yizuyihui.signup.models import OPEN_STATUSES, JoinRequest, JoinStatus


def join_requests_to_review(*, user):
    """Requests waiting for a decision in units where the user may decide them."""
    paths = role_paths(user, PERSONAL_DATA_ROLES)
    if not paths:
        return JoinRequest.objects.none()
    return (JoinRequest.objects.filter(status=JoinStatus.PENDING).filter(paths_q(paths, "unit__node"))
            .select_related("unit").order_by("created_at", "pk"))


def open_join_request(*, user):
    """The user's own request while it is still open (choosing a unit, or waiting)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (JoinRequest.objects.filter(user=user, status__in=OPEN_STATUSES).select_related("unit")
            .order_by("-created_at", "-pk").first())


def waiting_accounts_with_phone(phone: str) -> list:
    """Active accounts whose open request uses this number (the `phone_accounts` provider)."""
    value = lookup_hash(phone)
    if not value:
        return []
    rows = (JoinRequest.objects.filter(phone_hash=value, status__in=OPEN_STATUSES, user__is_active=True)
            .select_related("user"))
    return [r.user for r in rows]
