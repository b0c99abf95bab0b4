"""The 督办 board: supervisions opened by the levels in the user's scope."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, QuerySet

from yizuyihui.accounts.scope import scope_q
from yizuyihui.supervision.models import Supervision, SupervisionState


def supervision_board(*, user, state: str = "", level: str = "") -> QuerySet[Supervision]:
    """督办 opened by the levels in the user's scope, or over matters in it; by state and by the
    supervising level (street, community …). Subjects (the matter's title) come prefetched."""
    qs = Supervision.objects.filter(scope_q(user, "node")).select_related("node", "content_type")
    if state:
        qs = qs.filter(state=state)
    if level:
        qs = qs.filter(node__level=level)
    return qs.order_by("state", "-opened_at").prefetch_related("subject")


def supervision_open_count(*, user) -> int:
    return Supervision.objects.filter(scope_q(user, "node"), state=SupervisionState.OPEN).count()


def supervisions_of(subject) -> QuerySet[Supervision]:
    ct = ContentType.objects.get_for_model(subject)
    return Supervision.objects.filter(content_type=ct, object_id=subject.pk).order_by("opened_at")


def supervised_q(model, kind: str, pk_field: str = "pk"):
    """`Exists(...)` for "this row already has 督办 of `kind`" (sweeps exclude those)."""
    ct = ContentType.objects.get_for_model(model)
    return Exists(Supervision.objects.filter(content_type=ct, object_id=OuterRef(pk_field), kind=kind))
