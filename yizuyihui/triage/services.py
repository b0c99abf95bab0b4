"""Writes of the triage app: attaching to an existing matter, and escalating a widespread problem.

Escalation goes through `cases.services.case_escalate` (one call per tier step and matter), so
permissions, deadlines, events and notifications stay those of the closed loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yizuyihui.accounts.roles import is_staff
from yizuyihui.cases.models import Case
from yizuyihui.cases.services import CaseError, CaseForbidden, case_escalate
from yizuyihui.triage.models import CaseSupport
from yizuyihui.triage.rules import may_support

ESCALATION_REASON = "民众普遍性问题: %s"


def support_person_for(*, actor, case: Case, phone: str = ""):
    """Who is supporting: the resident themself, or (staff filing for a resident) the resident with
    that phone number in the matter's unit; None when unknown."""
    if not is_staff(actor):
        return getattr(actor, "person", None)
    phone = (phone or "").strip()
    if not phone:
        return None
    from yizuyihui.people.models import Person

    return Person.objects.with_phone(phone).filter(node__path__startswith=case.unit.node.path).first()


def case_support(*, case: Case, actor, person=None, now=None) -> tuple[CaseSupport, bool]:
    """“Same problem here”: attach a resident (or, unknown, the recording account) to an open matter
    instead of filing it again. Idempotent: returns (row, created)."""
    if not may_support(actor, case):
        if not actor.has_perm("cases.file_for_unit", case.unit):
            raise CaseForbidden(_("You may not do this on this matter"))
        raise CaseError(_("This matter is no longer open"))
    now = now or timezone.now()
    lookup = {"case": case, "person": person} if person is not None else {"case": case, "user": actor,
                                                                          "person__isnull": True}
    existing = CaseSupport.objects.filter(**lookup).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return CaseSupport.objects.create(case=case, person=person, user=actor, created_at=now), True
    except IntegrityError:  # a double click raced in
        return CaseSupport.objects.get(**lookup), False


@dataclass
class EscalationResult:
    escalated: list[int] = field(default_factory=list)  # matters now at tier 3
    already: list[int] = field(default_factory=list)  # were at tier 3 already
    failed: list[tuple[int, str]] = field(default_factory=list)  # (matter, why)


def problem_escalate(*, cases: list[Case], actor, label: str, now=None) -> EscalationResult:
    """Send every member matter of a widespread problem to the street/township (tier 3) with the
    reason "民众普遍性问题: <label>". `case_escalate` goes up one level per call (逐级上交): a tier-2
    matter takes one call, a tier-1 matter two (unit → village/community → street/township), each
    writing one event. A matter that cannot go up (wrong state, no permission, changed meanwhile)
    is reported and the others still go up."""
    now = now or timezone.now()
    reason = ESCALATION_REASON % (label or "").strip()
    result = EscalationResult()
    for case in cases:
        if case.tier >= 3:
            result.already.append(case.pk)
            continue
        try:
            while case.tier < 3:
                case_escalate(case=case, actor=actor, reason=reason, now=now)
        except (CaseError, CaseForbidden) as exc:
            result.failed.append((case.pk, str(exc)))
        else:
            result.escalated.append(case.pk)
    return result
