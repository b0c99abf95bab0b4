"""What every step of the closed loop shares: errors, the permission check, the guarded state
change that writes one `CaseEvent`, and telling the resident."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from yizuyihui.accounts import roles
from yizuyihui.cases.lifecycle import STEPS
from yizuyihui.cases.models import Case, CaseEvent, CaseStatus
from yizuyihui.core.errors import ServiceError, ServiceForbidden
from yizuyihui.notifications.services import notify


class CaseError(ServiceError):
    """A step that cannot be taken (wrong state, missing reason, bad input)."""


class CaseForbidden(ServiceForbidden):
    """The actor may not take this step on this matter."""


class CaseConflict(CaseError):
    """Someone else changed the matter first (e.g. another handler claimed it)."""


def _now(now):
    return now or timezone.now()


def _require(actor, perm: str, obj) -> None:
    if actor is None:  # the system itself (sweep, generated matters)
        return
    if not actor.has_perm(perm, obj):
        raise CaseForbidden(_("You may not do this on this matter"))


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise CaseError(_("Give a reason"))
    return reason



def _tell_resident(case: Case, subject: str, body: str = "") -> None:
    from django.urls import reverse

    # Who is told decides first: staff filing for a unit are told nothing (no URL built for them).
    if case.reporter_id:
        whom = {"person": case.reporter}
    elif case.filed_by_id and not roles.is_staff(case.filed_by):
        whom = {"user": case.filed_by}
    else:
        return
    notify(**whom, subject=subject, body=body or case.title, url=reverse("cases:my_case", args=[case.public_id]))


def _reload(case: Case) -> None:
    """Reload the row in place. Not `refresh_from_db()`: django-fsm's version flips the field's
    `protected` flag class-wide, which races under threaded servers (seen in the 24-claimer test)."""
    fresh = Case.objects.get(pk=case.pk)
    for f in case._meta.concrete_fields:
        case.__dict__[f.attname] = fresh.__dict__[f.attname]
    case._state.fields_cache.clear()
    case._update_initial_state()



def _step(case: Case, step: str, *, actor, now, target: str | None = None, action: str = "", reason: str = "",
          public: bool = True, data: dict | None = None, **fields) -> CaseEvent:
    """Take the declared `step` (lifecycle.STEPS) on `case`: its transition to `target` (the step's
    only one when not given), `fields` applied, one event written — atomically.

    The save is an UPDATE … WHERE status = <status we loaded>: if another request moved the
    matter meanwhile (two handlers claiming at once) the second save raises and rolls back."""
    before = case.status
    declared = STEPS[step]
    if declared.guard is not None and before in declared.sources and not declared.guard(case, now):
        raise CaseError(_("This step is not possible for this matter now"))
    try:
        with transaction.atomic():
            getattr(case, declared.transition(target))()
            for name, value in fields.items():
                setattr(case, name, value)
            case.save()
            return CaseEvent.objects.create(
                case=case, action=action or step, actor=actor, from_status=before, to_status=case.status,
                tier=case.tier, reason=reason, at=now, public=public, data=data or {},
            )
    except TransitionNotAllowed as exc:
        _reload(case)
        raise CaseError(_("This step is not possible while the matter is “%(status)s”")
                        % {"status": CaseStatus(before).label}) from exc
    except ConcurrentTransition as exc:
        _reload(case)
        raise CaseConflict(_("Someone else changed this matter first; reload and try again")) from exc


def _first_response(case: Case, now) -> dict:
    return {} if case.responded_at else {"responded_at": now}


def _feedback_givers(case: Case):
    """待反馈: who tells the resident the result — the unit's council (its head and members) and,
    above tier 1, the Party group / branch where the matter sits."""
    from django.contrib.auth import get_user_model

    q = Q(posts__node__path=case.unit.node.path, posts__role__in=roles.COUNCIL_ROLES)
    if case.node_id != case.unit.node_id:
        q |= Q(posts__node__path=case.node.path, posts__role__in=roles.NEARBY_MANAGER_ROLES)
    return get_user_model().objects.filter(q, posts__active=True).distinct()[:20]


def _managers(case: Case):
    """The Party group / branch told about a matter at its responsible level (and the one above)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(posts__active=True, posts__role__in=roles.NEARBY_MANAGER_ROLES,
                                           posts__node__path__in=case.node.ancestor_paths()[-2:]).distinct()[:20]
