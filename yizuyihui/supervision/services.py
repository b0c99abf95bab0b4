"""Open, answer and close 督办 over any subject (the interface every app uses)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yizuyihui.core.errors import ServiceError, ServiceForbidden, require_text
from yizuyihui.supervision.models import Supervision, SupervisionState


class SupervisionError(ServiceError):
    pass


class SupervisionForbidden(ServiceForbidden):
    pass


def _require(actor, perm: str, obj) -> None:
    if actor is not None and not actor.has_perm(perm, obj):
        raise SupervisionForbidden(_("You may not do this on this matter"))


def supervision_open(*, subject, node, reason: str, kind: str = "overdue", now=None) -> Supervision:
    """Open 督办 by `node` over `subject`. Idempotent: the existing record for the same subject and
    kind is returned unchanged (whatever its state), so a sweep can run every minute."""
    now = now or timezone.now()
    ct = ContentType.objects.get_for_model(subject)
    existing = Supervision.objects.filter(content_type=ct, object_id=subject.pk, kind=kind).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Supervision.objects.create(content_type=ct, object_id=subject.pk, node=node, kind=kind,
                                              reason=reason, opened_at=now)
    except IntegrityError:
        return Supervision.objects.get(content_type=ct, object_id=subject.pk, kind=kind)


def supervisions_open_many(rows, *, content_type, kind: str, now) -> None:
    """Bulk form for sweeps: `rows` are (subject_id, node, reason); existing ones are left alone."""
    Supervision.objects.bulk_create([
        Supervision(content_type=content_type, object_id=subject_id, node=node, kind=kind, reason=reason, opened_at=now)
        for subject_id, node, reason in rows], ignore_conflicts=True)


def supervision_answer(*, supervision: Supervision, actor, answer: str, now=None) -> Supervision:
    """说明: the supervised level explains."""
    now = now or timezone.now()
    _require(actor, "supervision.answer_supervision", supervision)
    try:
        answer = require_text(answer, _("Give a reason"))
    except ServiceError as exc:
        raise SupervisionError(str(exc)) from exc
    if supervision.state == SupervisionState.CLOSED:
        raise SupervisionError(_("This supervision is closed"))
    supervision.answer, supervision.state = answer, SupervisionState.ANSWERED
    supervision.answered_at, supervision.answered_by = now, actor
    supervision.save(update_fields=["answer", "state", "answered_at", "answered_by"])
    return supervision


def supervision_close(*, supervision: Supervision, actor, now=None) -> Supervision:
    now = now or timezone.now()
    _require(actor, "supervision.close_supervision", supervision)
    if supervision.state == SupervisionState.CLOSED:
        return supervision
    supervision.state, supervision.closed_at, supervision.closed_by = SupervisionState.CLOSED, now, actor
    supervision.save(update_fields=["state", "closed_at", "closed_by"])
    return supervision
