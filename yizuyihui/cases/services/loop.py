"""The closed loop after filing (收单, 议单, 派单, 领单, 办单, 反馈, 评单): one function per step of
lifecycle.STEPS. Each checks who may take it, moves the state machine, writes one CaseEvent and
tells the people concerned after commit."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yizuyihui.accounts import roles
from yizuyihui.accounts.scope import in_scope
from yizuyihui.cases import deadlines
from yizuyihui.cases.lifecycle import STEPS, rating_wait
from yizuyihui.cases.models import RESIDENT_RATINGS, Assignment, Case, CaseEvent, CaseStatus, Rating, Urgency
from yizuyihui.cases.services._base import (
    CaseError,
    CaseForbidden,
    _feedback_givers,
    _first_response,
    _managers,
    _now,
    _require,
    _require_reason,
    _step,
    _tell_resident,
)
from yizuyihui.cases.services.categories import case_recategorize
from yizuyihui.cases.services.escalation import escalation_notices, escalation_plan
from yizuyihui.cases.services.filing import attachment_add
from yizuyihui.core.plugins import provider_call
from yizuyihui.notifications.services import notify, notify_many
from yizuyihui.people.selectors import user_label

LIVE_ASSIGNMENTS = ("pending", "lead", "assisting")


def case_receive(*, case: Case, actor, now=None) -> Case:
    now = _now(now)
    _require(actor, "cases.receive_case", case)
    _step(case, "receive", actor=actor, now=now, **_first_response(case, now))
    _tell_resident(case, _("Your matter was received"))
    return case


def case_return(*, case: Case, actor, reason: str, now=None) -> Case:
    now = _now(now)
    _require(actor, "cases.manage_case", case)
    reason = _require_reason(reason)
    _step(case, "return", actor=actor, now=now, reason=reason, closed_at=now,
          **_first_response(case, now))
    _tell_resident(case, _("Your matter was returned"), reason)
    return case


def case_merge(*, case: Case, actor, into: Case, reason: str = "", now=None) -> Case:
    now = _now(now)
    _require(actor, "cases.manage_case", case)
    if into.pk == case.pk or into.merged_into_id == case.pk or into.status in (CaseStatus.MERGED, CaseStatus.RETURNED):
        raise CaseError(_("Merge into another live matter"))
    _require(actor, "cases.view_case", into)
    _step(case, "merge", actor=actor, now=now, reason=reason or _("Same matter as #%s") % into.pk,
          merged_into=into, closed_at=now, data={"into": into.pk}, **_first_response(case, now))
    _tell_resident(case, _("Your matter is handled together with an earlier one"), into.title)
    return case


def case_resolve_on_spot(*, case: Case, actor, note: str, now=None) -> Case:
    """现场解决: a small matter settled at once by a member — the fastest path, and it counts."""
    now = _now(now)
    _require(actor, "cases.resolve_on_spot", case)
    note = _require_reason(note)
    _step(case, "resolve_on_spot", actor=actor, now=now, reason=note,
          resolved_on_spot=True, resolved_at=now, settled_tier=case.tier, result=note, handler=actor,
          **_first_response(case, now))
    _tell_resident(case, _("Your matter was settled on the spot"), note)
    return case


def case_deliberate(*, case: Case, actor, urgency: str | None = None, on_agenda: bool = True, reason: str = "",
                    now=None) -> Case:
    """议单: the Party group deliberates first (组在前，会在后); what can't be solved at once goes on
    the unit's meeting agenda."""
    now = _now(now)
    _require(actor, "cases.manage_case", case)
    # The clock's pause on the agenda starts at the first 议单 that puts it there.
    fields = {"on_agenda": on_agenda, "agenda_at": (case.agenda_at or now) if on_agenda else None}
    if urgency and urgency != case.urgency:
        if urgency not in Urgency.values:
            raise CaseError(_("Unknown urgency"))
        fields["urgency"] = urgency
        fields["respond_due"], fields["resolve_due"] = deadlines.due_dates(
            start=case.filed_at, category=case.category, tier=case.tier, urgency=urgency, mode=case.mode)
    _step(case, "deliberate", actor=actor, now=now, reason=reason, public=False,
          data={"urgency": fields.get("urgency", case.urgency), "on_agenda": on_agenda}, **fields)
    return case


def case_dispatch(*, case: Case, actor, handlers, due: dt.datetime | None = None, reason: str = "", now=None) -> Case:
    """派单 (交办): one or more handlers, each with a deadline; the first to claim leads."""
    now = _now(now)
    _require(actor, "cases.manage_case", case)
    handlers = list({h.pk: h for h in handlers}.values())
    if not handlers:
        raise CaseError(_("Choose at least one handler"))
    for handler in handlers:
        if not roles.is_staff(handler) or not (
            in_scope(handler, case.unit.node) or in_scope(handler, case.node)
        ):
            raise CaseError(_("%(name)s cannot handle matters of this unit") % {"name": user_label(handler)})
    if due is not None and due <= now:
        raise CaseError(_("Give a deadline in the future"))
    # The deadline a person sets (at dispatch, or a meeting's resolution dispatching its actions) is
    # the matter's deadline: the overdue sweep reads resolve_due. Without one, the policy deadline
    # stands, moved by the time spent on the council's agenda when the policy says it doesn't count.
    if due is None:
        due = case.resolve_due
        if case.agenda_at is not None and deadlines.agenda_pauses_clock(case=case):
            due = _shift_due(case, due, case.agenda_at, now)
    with transaction.atomic():
        case.assignments.filter(state="pending").update(state=Assignment.State.WITHDRAWN)
        event = _step(case, "dispatch", actor=actor, now=now, reason=reason, handler=None, resolve_due=due,
                      agenda_at=None, data={"handlers": [h.pk for h in handlers], "due": due.isoformat() if due else None},
                      **_first_response(case, now))
        Assignment.objects.bulk_create([Assignment(case=case, handler=h, due=due, created_at=now) for h in handlers])
    for h in handlers:
        notify(user=h, subject=_("New matter to claim: %s") % case.title, body=event.reason,
               url=reverse("cases:detail", args=[case.pk]))
    _tell_resident(case, _("Your matter was assigned to a handler"))
    return case


# --- handling (领单, 办单) -------------------------------------------------------------------------
def case_claim(*, case: Case, actor, now=None) -> Case:
    """领单. Two handlers claiming at once: the state-guarded UPDATE lets exactly one win; the
    other gets CaseConflict."""
    now = _now(now)
    _require(actor, "cases.claim_case", case)
    with transaction.atomic():
        _step(case, "claim", actor=actor, now=now, handler=actor)
        case.assignments.filter(handler=actor, state="pending").update(state=Assignment.State.LEAD)
        case.assignments.filter(state="pending").update(state=Assignment.State.ASSISTING)
    _tell_resident(case, _("A handler took your matter"))
    return case


def case_send_back(*, case: Case, actor, reason: str, now=None) -> Case:
    """退单: a handler sends the matter back with a reason, for re-dispatch."""
    now = _now(now)
    reason = _require_reason(reason)
    if actor is not None and not actor.has_perm("cases.send_back_case", case):
        raise CaseForbidden(_("Only a handler of this matter may send it back"))
    with transaction.atomic():
        if case.status == CaseStatus.DISPATCHED and case.assignments.filter(state="pending").exclude(handler=actor).exists():
            # Other handlers may still claim it: only this handler steps out, the matter stays dispatched.
            case.assignments.filter(handler=actor, state="pending").update(state=Assignment.State.SENT_BACK)
            CaseEvent.objects.create(case=case, action="send_back", actor=actor, from_status=case.status,
                                     to_status=case.status, tier=case.tier, reason=reason, at=now, public=False)
            return case
        _step(case, "send_back", actor=actor, now=now, reason=reason, handler=None, public=False)
        case.assignments.filter(state__in=LIVE_ASSIGNMENTS).update(state=Assignment.State.SENT_BACK)
    for user in _managers(case):
        notify(user=user, subject=_("Matter sent back: %s") % case.title, body=reason,
               url=reverse("cases:detail", args=[case.pk]))
    return case


def case_progress(*, case: Case, actor, note: str, photos=(), now=None) -> CaseEvent:
    """办单: a progress note (with photos) by the handler."""
    now = _now(now)
    _require(actor, "cases.handle_case", case)
    note = _require_reason(note)
    with transaction.atomic():
        event = _step(case, "progress", actor=actor, now=now, reason=note)
        for photo in photos:
            attachment_add(case=case, actor=actor, file=photo, event=event, now=now)
    return event


def case_suspend(*, case: Case, actor, reason: str, now=None) -> Case:
    """挂起: the clock stops until the matter resumes."""
    now = _now(now)
    _require(actor, "cases.handle_case", case)
    reason = _require_reason(reason)
    _step(case, "suspend", actor=actor, now=now, reason=reason, suspended_at=now)
    _tell_resident(case, _("Your matter is suspended"), reason)
    return case


def _shift_due(case: Case, due: dt.datetime | None, paused_from: dt.datetime, now: dt.datetime) -> dt.datetime | None:
    if due is None:
        return None
    policy = deadlines.policy_for(category=case.category, tier=case.tier, urgency=case.urgency, mode=case.mode)
    working = policy.working_time if policy is not None else case.urgency != Urgency.URGENT
    if due <= paused_from:
        return due
    if working:
        left = deadlines.working_time_between(paused_from, due)
        return deadlines.add_working_time(now, hours=left.total_seconds() / 3600)
    return now + (due - paused_from)


def case_resume(*, case: Case, actor, now=None) -> Case:
    now = _now(now)
    _require(actor, "cases.resume_case", case)
    paused_from = case.suspended_at or now
    _step(case, "resume", actor=actor, now=now, suspended_at=None,
          resolve_due=_shift_due(case, case.resolve_due, paused_from, now),
          data={"paused_seconds": int((now - paused_from).total_seconds())})
    return case


def case_request_extension(*, case: Case, actor, until: dt.datetime, reason: str, now=None) -> Case:
    now = _now(now)
    _require(actor, "cases.handle_case", case)
    reason = _require_reason(reason)
    if case.resolve_due and until <= case.resolve_due:
        raise CaseError(_("Ask for a date after the present deadline"))
    _step(case, "request_extension", actor=actor, now=now, reason=reason, public=False,
          extension_until=until, data={"until": until.isoformat()})
    return case


def case_decide_extension(*, case: Case, actor, approve: bool, reason: str = "", now=None) -> Case:
    now = _now(now)
    _require(actor, "cases.approve_extension", case)
    if case.extension_until is None:
        raise CaseError(_("No extension was requested"))
    fields = {"extension_until": None}
    if approve:
        fields["resolve_due"] = case.extension_until
        fields["was_overdue"] = case.was_overdue
    _step(case, "decide_extension", action="approve_extension" if approve else "refuse_extension", actor=actor, now=now,
          reason=reason, public=False, data={"until": case.extension_until.isoformat()}, **fields)
    if case.handler_id:
        notify(user=case.handler, subject=(_("Extension approved") if approve else _("Extension refused")) + f": {case.title}",
               body=reason)
    return case


def case_escalate(*, case: Case, actor, reason: str, now=None) -> Case:
    """Tier up (矛盾纠纷分级调处): the community/village, then the street/township receives the matter
    afresh, with the deadlines of its tier counted from now (the plan the sweep uses too)."""
    now = _now(now)
    _require(actor, "cases.manage_case", case)
    reason = _require_reason(reason)
    if case.tier >= 3:
        raise CaseError(_("This matter is already at the street/township"))
    plan = next(iter(escalation_plan([case], now=now)), None)
    if plan is None:
        raise CaseError(_("No level above this unit"))
    with transaction.atomic():
        _step(case, "escalate", actor=actor, now=now, reason=reason, tier=plan.tier, node=plan.target, handler=None,
              respond_due=plan.respond_due, resolve_due=plan.resolve_due, suspended_at=None, on_agenda=False,
              data={"to_node": plan.target.pk})
        case.assignments.filter(state__in=LIVE_ASSIGNMENTS).update(state=Assignment.State.WITHDRAWN)
        notify_many(escalation_notices([plan], reason=reason))
    return case


def case_resolve(*, case: Case, actor, result: str, now=None) -> Case:
    now = _now(now)
    _require(actor, "cases.handle_case", case)
    result = _require_reason(result)
    _step(case, "resolve", actor=actor, now=now, reason=result, result=result, resolved_at=now,
          settled_tier=case.tier, was_overdue=case.was_overdue or bool(case.resolve_due and now > case.resolve_due))
    # 待反馈: the matter now waits for the council to tell the resident (feedback_due lists it).
    url = reverse("cases:detail", args=[case.pk])
    for user in _feedback_givers(case):
        if user.pk != getattr(actor, "pk", None):
            notify(user=user, subject=_("Resolved, waiting for your feedback to the resident: %s") % case.title,
                   body=result, url=url)
    return case


def case_feed_back(*, case: Case, actor, feedback: str, now=None) -> Case:
    """反馈: the council tells the resident and the stakeholders the result."""
    now = _now(now)
    _require(actor, "cases.feed_back_case", case)
    feedback = _require_reason(feedback)
    _step(case, "feed_back", actor=actor, now=now, reason=feedback, feedback=feedback, fed_back_at=now)
    _tell_resident(case, _("Your matter has a result — please rate it"), feedback)
    provider_call("case_fed_back", case, feedback=feedback, now=now)  # stakeholders (incentives)
    return case


def case_rate(*, case: Case, actor, rating: str, comment: str = "", now=None) -> Case:
    """评单: satisfied / basically satisfied close the matter; dissatisfied reopens it (重办)."""
    now = _now(now)
    _require(actor, "cases.rate_case", case)
    if rating not in dict(RESIDENT_RATINGS):
        raise CaseError(_("Unknown rating"))
    if rating == Rating.DISSATISFIED:
        respond_due, resolve_due = deadlines.due_dates(start=now, category=case.category, tier=case.tier,
                                                       urgency=case.urgency, mode=case.mode)
        _step(case, "rate", target=CaseStatus.REOPENED, actor=actor, now=now, reason=comment, rating=rating,
              rating_comment=comment[:300], reopen_count=case.reopen_count + 1, handler=None, resolved_at=None,
              settled_tier=None, resolve_due=resolve_due, data={"rating": rating})
        for user in _managers(case):
            notify(user=user, subject=_("Resident dissatisfied, matter reopened: %s") % case.title, body=comment)
    else:
        _step(case, "rate", target=CaseStatus.CLOSED, actor=actor, now=now, reason=comment, rating=rating,
              rating_comment=comment[:300], closed_at=now, data={"rating": rating})
    return case


def case_close(*, case: Case, actor, reason: str = "", now=None) -> Case:
    """Close a fed-back matter the resident did not rate within the waiting period (未评价)."""
    now = _now(now)
    _require(actor, "cases.manage_case", case)
    if case.status == CaseStatus.FED_BACK and not STEPS["close"].allowed(case, now):
        raise CaseError(_("The resident may rate until %(date)s; close it unrated after that")
                        % {"date": f"{timezone.localtime((case.fed_back_at or now) + rating_wait()):%Y-%m-%d %H:%M}"})
    _step(case, "close", actor=actor, now=now, reason=reason or _("Not rated"), closed_at=now, rating=Rating.UNRATED,
          data={"rating": Rating.UNRATED})
    return case



# --- one entry for pages and the API ---------------------------------------------------------------
def case_take_step(*, step: str, case: Case, actor, inputs: dict, now=None):
    """Take the declared `step` with the inputs a page or the API collected (lifecycle.Step.inputs,
    renamed by Step.kwargs for the service). Unknown steps and missing inputs are CaseErrors."""
    declared = STEPS.get(step)
    if declared is None:
        raise CaseError(_("Unknown step"))
    for name in declared.required:
        if name != "reason" and not inputs.get(name):
            raise CaseError(_("Missing: %(field)s") % {"field": name})
    kwargs = {declared.kwargs.get(name, name): inputs[name] for name in declared.inputs if inputs.get(name) is not None}
    return _SERVICES[declared.service](case=case, actor=actor, now=now, **kwargs)


_SERVICES = {step.service: globals().get(step.service) for step in STEPS.values()}
_SERVICES["case_recategorize"] = case_recategorize
assert all(_SERVICES.values()), [k for k, v in _SERVICES.items() if v is None]
