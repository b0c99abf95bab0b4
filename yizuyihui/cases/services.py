"""Every write of the closed loop (六单工作法, DOMAIN §4): one function per step.

Each step checks who may take it (cases.rules), moves the state machine declared on `Case`,
writes exactly one `CaseEvent` and tells the people concerned after commit. Pages, the API,
Open311, the sweep, the demo generator and other apps (visits, meetings) all call these.
Every function takes `now=` so the demo generator and tests can write history in the past.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import logging

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from yizuyihui.cases import deadlines
from yizuyihui.cases import rules as case_rules
from yizuyihui.cases.models import (
    OPEN_STATUSES,
    RECEIVABLE,
    Assignment,
    Case,
    CaseEvent,
    CaseStatus,
    Category,
    Channel,
    Mode,
    Origin,
    Rating,
    Supervision,
    SupervisionState,
    Urgency,
)
from yizuyihui.cases.notify import notify
from yizuyihui.org.models import TIER2_LEVELS, TIER3_LEVELS

log = logging.getLogger(__name__)


class CaseError(ValueError):
    """A step that cannot be taken (wrong state, missing reason, bad input)."""


class CaseForbidden(PermissionError):
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

    url = reverse("cases:my_case", args=[case.public_id])
    if case.reporter_id:
        notify(person=case.reporter, subject=subject, body=body or case.title, url=url)
    elif case.filed_by_id and not case_rules.is_staff(case.filed_by):
        notify(user=case.filed_by, subject=subject, body=body or case.title, url=url)


def _reload(case: Case) -> None:
    """Reload the row in place. Not `refresh_from_db()`: django-fsm's version flips the field's
    `protected` flag class-wide, which races under threaded servers (seen in the 24-claimer test)."""
    fresh = Case.objects.get(pk=case.pk)
    for f in case._meta.concrete_fields:
        case.__dict__[f.attname] = fresh.__dict__[f.attname]
    case._state.fields_cache.clear()
    case._update_initial_state()


def _step(case: Case, transition: str, *, action: str, actor, now, reason: str = "", public: bool = True,
          data: dict | None = None, **fields) -> CaseEvent:
    """Move `case` through `transition`, apply `fields`, write one event — atomically.

    The save is an UPDATE … WHERE status = <status we loaded>: if another request moved the
    matter meanwhile (two handlers claiming at once) the second save raises and rolls back."""
    before = case.status
    try:
        with transaction.atomic():
            getattr(case, transition)()
            for name, value in fields.items():
                setattr(case, name, value)
            case.save()
            return CaseEvent.objects.create(
                case=case, action=action, actor=actor, from_status=before, to_status=case.status, tier=case.tier,
                reason=reason, at=now, public=public, data=data or {},
            )
    except TransitionNotAllowed as exc:
        _reload(case)
        raise CaseError(_("This step is not possible while the matter is “%(status)s”")
                        % {"status": CaseStatus(before).label}) from exc
    except ConcurrentTransition as exc:
        _reload(case)
        raise CaseConflict(_("Someone else changed this matter first; reload and try again")) from exc


# --- categories -----------------------------------------------------------------------------------
def categories_load(*, path=None) -> int:
    """Load the default 3-level taxonomy (label_tree.csv). Idempotent; returns categories added."""
    import csv
    from pathlib import Path

    path = Path(path) if path else Path(__file__).parent / "data" / "label_tree.csv"
    existing = {(c.parent_id, c.name): c for c in Category.objects.all()}
    counters: dict[int | None, int] = {}
    for c in existing.values():
        counters[c.parent_id] = counters.get(c.parent_id, 0) + 1
    added = 0

    def get(parent, name, level):
        nonlocal added
        key = (parent.pk if parent else None, name)
        if key in existing:
            return existing[key]
        n = counters.get(key[0], 0) + 1
        counters[key[0]] = n
        code = f"{parent.code}.{n:02d}" if parent else f"{n:02d}"
        handler_types = {"1": ["unit"], "2": ["community"], "3": ["street"]} if level == 1 else {}
        cat = Category.objects.create(parent=parent, name=name, level=level, code=code, handler_types=handler_types)
        existing[key] = cat
        added += 1
        return cat

    with open(path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            top = get(None, row["一级分类"].strip(), 1)
            mid = get(top, row["二级分类"].strip(), 2) if row["二级分类"].strip() else top
            if row["三级分类"].strip():
                get(mid, row["三级分类"].strip(), 3)
    return added


def category_update(*, category: Category, actor, name: str | None = None, handler_types: dict | None = None,
                    active: bool | None = None) -> Category:
    from yizuyihui.accounts.rules import is_city_admin

    if actor is not None and not is_city_admin(actor):
        raise CaseForbidden(_("Only administrators edit the taxonomy"))
    if name is not None:
        category.name = name
    if handler_types is not None:
        category.handler_types = handler_types
    if active is not None:
        category.active = active
    category.save()
    return category


# --- filing -----------------------------------------------------------------------------------------
_emergency_mode_for = False  # False = not looked up yet; None = no emergency app


def _mode_for(node) -> str:
    """Urgent mode (平急转换) comes from the emergency app when it exists."""
    global _emergency_mode_for
    if _emergency_mode_for is False:
        fn = None
        if importlib.util.find_spec("yizuyihui.emergency") and importlib.util.find_spec("yizuyihui.emergency.selectors"):
            fn = getattr(importlib.import_module("yizuyihui.emergency.selectors"), "mode_for", None)
        _emergency_mode_for = fn
    fn = _emergency_mode_for
    if fn is not None:
        try:
            return Mode.URGENT if fn(node) in ("urgent", Mode.URGENT, True) else Mode.CALM
        except Exception:  # pragma: no cover - another app's failure must not stop filing
            log.exception("emergency.mode_for failed")
    return Mode.CALM


_routing_down_until = 0.0
_router = False  # False = not looked up yet; None = no triage app


def _suggest_category(text: str):
    """Ask the triage app (if installed) for a category: returns (Category | None, confidence | None).
    Advisory only: a failing router (e.g. no trained model) is skipped for 5 minutes, not retried
    on every filing (it cost 200 ms a matter in the intake benchmark)."""
    global _routing_down_until
    import time

    global _router
    if time.monotonic() < _routing_down_until:
        return None, None
    if _router is False:
        _router = (importlib.import_module("yizuyihui.triage.routing").route
                   if importlib.util.find_spec("yizuyihui.triage.routing") is not None else None)
    if _router is None:
        return None, None
    try:
        result = _router(text)
    except Exception:  # pragma: no cover - routing is advisory only
        log.warning("triage routing unavailable; filing without a suggestion", exc_info=True)
        _routing_down_until = time.monotonic() + 300
        return None, None
    if result is None:
        return None, None
    if isinstance(result, dict):
        label, conf = result.get("category") or result.get("label"), result.get("confidence")
    elif isinstance(result, tuple | list):
        label, conf = (list(result) + [None, None])[:2]
    else:
        label = getattr(result, "category", None) or getattr(result, "label", None)
        conf = getattr(result, "confidence", None) or getattr(result, "score", None)
    if isinstance(label, Category):
        return label, conf
    if label:
        cat = deadlines.categories()["by_name"].get(str(label))  # cached taxonomy: no query
        try:
            return cat, float(conf) if conf is not None else None
        except (TypeError, ValueError):
            return cat, None
    return None, None


def case_file(*, unit, actor, title: str, description: str, channel: str, urgency: str = "normal", category=None,
              reporter=None, place: str = "", origin: str = "resident", origin_ref: str = "", now=None,
              idempotency_key: str = "", lat: float | None = None, long: float | None = None,
              suggest: bool = True, key_checked: bool = False) -> Case:
    """填单: a resident, a member on the resident's behalf, or another app (visit, report, duty,
    meeting) files a matter with the unit. The unit's Party group receives it next."""
    now = _now(now)
    _require(actor, "cases.file_for_unit", unit)
    title = (title or "").strip()[:200]
    if not title:
        raise CaseError(_("Describe the matter"))
    if channel not in Channel.values:
        raise CaseError(_("Unknown channel"))
    if urgency not in Urgency.values:
        raise CaseError(_("Unknown urgency"))
    if origin not in Origin.values:
        raise CaseError(_("Unknown origin"))
    if reporter is None and actor is not None and not case_rules.is_staff(actor):
        reporter = getattr(actor, "person", None)
    if idempotency_key and actor is not None and not key_checked:  # the API looked already
        existing = Case.objects.filter(filed_by=actor, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    suggested, confidence = (None, None)
    if suggest:
        suggested, confidence = _suggest_category(f"{title}\n{description}")
    mode = _mode_for(unit.node)
    respond_due, resolve_due = deadlines.due_dates(start=now, category=category or suggested, tier=1,
                                                   urgency=urgency, mode=mode)
    try:
        with transaction.atomic():
            case = Case.objects.create(
                unit=unit, node=unit.node, tier=1, category=category or suggested, suggested_category=suggested,
                suggestion_confidence=confidence,
                category_overridden=bool(category and suggested and category.pk != suggested.pk),
                urgency=urgency, mode=mode, channel=channel, origin=origin, origin_ref=origin_ref[:100], title=title,
                description=description or "", place=place[:200], lat=lat, long=long, reporter=reporter,
                filed_by=actor, idempotency_key=idempotency_key[:100] if actor is not None else "", filed_at=now,
                respond_due=respond_due, resolve_due=resolve_due,
            )
            CaseEvent.objects.create(case=case, action="file", actor=actor, from_status="", to_status=case.status,
                                     tier=1, at=now, data={"channel": channel, "origin": origin})
    except IntegrityError:
        # The same Idempotency-Key raced in from a retry: return the matter the first one made.
        existing = Case.objects.filter(filed_by=actor, idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing
    _tell_resident(case, _("Your matter was filed"))
    return case


def case_set_category(*, case: Case, actor, category: Category, now=None) -> Case:
    """Correct the category (an override of the routing suggestion is recorded)."""
    now = _now(now)
    _require(actor, "cases.manage_case", case)
    with transaction.atomic():
        before = case.category_id
        case.category = category
        case.category_overridden = bool(case.suggested_category_id and case.suggested_category_id != category.pk)
        case.save(update_fields=["category", "category_overridden"])
        CaseEvent.objects.create(case=case, action="categorise", actor=actor, from_status=case.status,
                                 to_status=case.status, tier=case.tier, at=now, public=False,
                                 data={"from": before, "to": category.pk})
    return case


# --- reception (收单) -------------------------------------------------------------------------------
def _first_response(case: Case, now) -> dict:
    return {} if case.responded_at else {"responded_at": now}


def case_receive(*, case: Case, actor, now=None) -> Case:
    now = _now(now)
    _require(actor, "cases.manage_case", case)
    _step(case, "t_receive", action="receive", actor=actor, now=now, **_first_response(case, now))
    _tell_resident(case, _("Your matter was received"))
    return case


def case_return(*, case: Case, actor, reason: str, now=None) -> Case:
    now = _now(now)
    _require(actor, "cases.manage_case", case)
    reason = _require_reason(reason)
    _step(case, "t_return", action="return", actor=actor, now=now, reason=reason, closed_at=now,
          **_first_response(case, now))
    _tell_resident(case, _("Your matter was returned"), reason)
    return case


def case_merge(*, case: Case, actor, into: Case, reason: str = "", now=None) -> Case:
    now = _now(now)
    _require(actor, "cases.manage_case", case)
    if into.pk == case.pk or into.merged_into_id == case.pk or into.status in (CaseStatus.MERGED, CaseStatus.RETURNED):
        raise CaseError(_("Merge into another live matter"))
    _require(actor, "cases.view_case", into)
    _step(case, "t_merge", action="merge", actor=actor, now=now, reason=reason or _("Same matter as #%s") % into.pk,
          merged_into=into, closed_at=now, data={"into": into.pk}, **_first_response(case, now))
    _tell_resident(case, _("Your matter is handled together with an earlier one"), into.title)
    return case


def case_resolve_on_spot(*, case: Case, actor, note: str, now=None) -> Case:
    """现场解决: a small matter settled at once by a member — the fastest path, and it counts."""
    now = _now(now)
    _require(actor, "cases.resolve_on_spot", case)
    note = _require_reason(note)
    _step(case, "t_resolve_on_spot", action="resolve_on_spot", actor=actor, now=now, reason=note,
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
    fields = {"on_agenda": on_agenda}
    if urgency and urgency != case.urgency:
        if urgency not in Urgency.values:
            raise CaseError(_("Unknown urgency"))
        fields["urgency"] = urgency
        fields["respond_due"], fields["resolve_due"] = deadlines.due_dates(
            start=case.filed_at, category=case.category, tier=case.tier, urgency=urgency, mode=case.mode)
    _step(case, "t_deliberate", action="deliberate", actor=actor, now=now, reason=reason, public=False,
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
        if not case_rules.is_staff(handler) or not (
            case_rules.in_scope(handler, case.unit.node) or case_rules.in_scope(handler, case.node)
        ):
            raise CaseError(_("%(name)s cannot handle matters of this unit") % {"name": handler.get_username()})
    due = due or case.resolve_due
    with transaction.atomic():
        case.assignments.filter(state="pending").update(state=Assignment.State.WITHDRAWN)
        event = _step(case, "t_dispatch", action="dispatch", actor=actor, now=now, reason=reason, handler=None,
                      data={"handlers": [h.pk for h in handlers], "due": due.isoformat() if due else None},
                      **_first_response(case, now))
        Assignment.objects.bulk_create([Assignment(case=case, handler=h, due=due, created_at=now) for h in handlers])
    from django.urls import reverse

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
        _step(case, "t_claim", action="claim", actor=actor, now=now, handler=actor)
        case.assignments.filter(handler=actor, state="pending").update(state=Assignment.State.LEAD)
        case.assignments.filter(state="pending").update(state=Assignment.State.ASSISTING)
    _tell_resident(case, _("A handler took your matter"))
    return case


def case_send_back(*, case: Case, actor, reason: str, now=None) -> Case:
    """退单: a handler sends the matter back with a reason, for re-dispatch."""
    now = _now(now)
    reason = _require_reason(reason)
    if not (case_rules.is_case_handler(actor, case) or case_rules.can_claim_case(actor, case)):
        raise CaseForbidden(_("Only a handler of this matter may send it back"))
    with transaction.atomic():
        if case.status == CaseStatus.DISPATCHED and case.assignments.filter(state="pending").exclude(handler=actor).exists():
            # Other handlers may still claim it: only this handler steps out, the matter stays dispatched.
            case.assignments.filter(handler=actor, state="pending").update(state=Assignment.State.SENT_BACK)
            CaseEvent.objects.create(case=case, action="send_back", actor=actor, from_status=case.status,
                                     to_status=case.status, tier=case.tier, reason=reason, at=now, public=False)
            return case
        _step(case, "t_send_back", action="send_back", actor=actor, now=now, reason=reason, handler=None, public=False)
        case.assignments.filter(state__in=["pending", "lead", "assisting"]).update(state=Assignment.State.SENT_BACK)
    from django.urls import reverse

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
        event = _step(case, "t_progress", action="progress", actor=actor, now=now, reason=note)
        for photo in photos:
            attachment_add(case=case, actor=actor, file=photo, event=event, now=now)
    return event


def case_suspend(*, case: Case, actor, reason: str, now=None) -> Case:
    """挂起: the clock stops until the matter resumes."""
    now = _now(now)
    _require(actor, "cases.handle_case", case)
    reason = _require_reason(reason)
    _step(case, "t_suspend", action="suspend", actor=actor, now=now, reason=reason, suspended_at=now)
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
    if not (case_rules.is_case_handler(actor, case) or case_rules.can_manage_case(actor, case)) and actor is not None:
        raise CaseForbidden(_("You may not do this on this matter"))
    paused_from = case.suspended_at or now
    _step(case, "t_resume", action="resume", actor=actor, now=now, suspended_at=None,
          resolve_due=_shift_due(case, case.resolve_due, paused_from, now),
          data={"paused_seconds": int((now - paused_from).total_seconds())})
    return case


def case_request_extension(*, case: Case, actor, until: dt.datetime, reason: str, now=None) -> Case:
    now = _now(now)
    _require(actor, "cases.handle_case", case)
    reason = _require_reason(reason)
    if case.resolve_due and until <= case.resolve_due:
        raise CaseError(_("Ask for a date after the present deadline"))
    _step(case, "t_extend", action="request_extension", actor=actor, now=now, reason=reason, public=False,
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
    _step(case, "t_extend", action="approve_extension" if approve else "refuse_extension", actor=actor, now=now,
          reason=reason, public=False, data={"until": case.extension_until.isoformat()}, **fields)
    if case.handler_id:
        notify(user=case.handler, subject=(_("Extension approved") if approve else _("Extension refused")) + f": {case.title}",
               body=reason)
    return case


def _escalation_target(case: Case):
    levels = TIER2_LEVELS if case.tier == 1 else TIER3_LEVELS
    return case.unit.node.ancestor_at(set(levels))


def case_escalate(*, case: Case, actor, reason: str, now=None, auto: bool = False) -> Case:
    """Tier up (矛盾纠纷分级调处): the community/village, then the street/township receives the matter
    afresh, with the deadlines of its tier counted from now."""
    now = _now(now)
    if not auto:
        _require(actor, "cases.manage_case", case)
    reason = _require_reason(reason)
    if case.tier >= 3:
        raise CaseError(_("This matter is already at the street/township"))
    target = _escalation_target(case)
    if target is None:
        raise CaseError(_("No level above this unit"))
    tier = case.tier + 1
    respond_due, resolve_due = deadlines.due_dates(start=now, category=case.category, tier=tier, urgency=case.urgency,
                                                   mode=case.mode)
    with transaction.atomic():
        case.tier = tier
        _step(case, "t_escalate", action="auto_escalate" if auto else "escalate", actor=actor, now=now, reason=reason,
              node=target, handler=None, respond_due=respond_due, resolve_due=resolve_due, suspended_at=None,
              on_agenda=False, data={"to_node": target.pk})
        case.assignments.filter(state__in=["pending", "lead", "assisting"]).update(state=Assignment.State.WITHDRAWN)
    from django.urls import reverse

    for user in _managers(case):
        notify(user=user, subject=_("Matter escalated to you: %s") % case.title, body=reason,
               url=reverse("cases:detail", args=[case.pk]))
    _tell_resident(case, _("Your matter went up to %(level)s") % {"level": target.name}, reason)
    return case


def case_resolve(*, case: Case, actor, result: str, now=None) -> Case:
    now = _now(now)
    _require(actor, "cases.handle_case", case)
    result = _require_reason(result)
    _step(case, "t_resolve", action="resolve", actor=actor, now=now, reason=result, result=result, resolved_at=now,
          settled_tier=case.tier, was_overdue=case.was_overdue or bool(case.resolve_due and now > case.resolve_due))
    return case


def case_feed_back(*, case: Case, actor, feedback: str, now=None) -> Case:
    """反馈: the council tells the resident and the stakeholders the result."""
    now = _now(now)
    _require(actor, "cases.feed_back_case", case)
    feedback = _require_reason(feedback)
    _step(case, "t_feed_back", action="feed_back", actor=actor, now=now, reason=feedback, feedback=feedback)
    _tell_resident(case, _("Your matter has a result — please rate it"), feedback)
    return case


def case_rate(*, case: Case, actor, rating: str, comment: str = "", now=None) -> Case:
    """评单: satisfied / basically satisfied close the matter; dissatisfied reopens it (重办)."""
    now = _now(now)
    _require(actor, "cases.rate_case", case)
    if rating not in Rating.values:
        raise CaseError(_("Unknown rating"))
    if rating == Rating.DISSATISFIED:
        respond_due, resolve_due = deadlines.due_dates(start=now, category=case.category, tier=case.tier,
                                                       urgency=case.urgency, mode=case.mode)
        _step(case, "t_reopen", action="rate", actor=actor, now=now, reason=comment, rating=rating,
              rating_comment=comment[:300], reopen_count=case.reopen_count + 1, handler=None, resolved_at=None,
              settled_tier=None, resolve_due=resolve_due, data={"rating": rating})
        for user in _managers(case):
            notify(user=user, subject=_("Resident dissatisfied, matter reopened: %s") % case.title, body=comment)
    else:
        _step(case, "t_rate_close", action="rate", actor=actor, now=now, reason=comment, rating=rating,
              rating_comment=comment[:300], closed_at=now, data={"rating": rating})
    return case


def case_close(*, case: Case, actor, reason: str = "", now=None) -> Case:
    """Close a resolved or fed-back matter the resident did not rate."""
    now = _now(now)
    _require(actor, "cases.manage_case", case)
    _step(case, "t_close", action="close", actor=actor, now=now, reason=reason, closed_at=now)
    return case


def _managers(case: Case):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    paths = case.node.ancestor_paths()
    return User.objects.filter(posts__active=True, posts__role__in=case_rules.MANAGER_ROLES - {"city_admin", "district_official"},
                               posts__node__path__in=paths[-2:]).distinct()[:20]


# --- attachments ------------------------------------------------------------------------------------
MAX_PHOTO_BYTES = 8 * 1024 * 1024
PHOTO_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}


def attachment_add(*, case: Case, actor, file, event: CaseEvent | None = None, now=None):
    """Store a photo through Django's storage after checking size and that Pillow can read it."""
    from PIL import Image, UnidentifiedImageError

    from yizuyihui.cases.models import Attachment

    now = _now(now)
    size = getattr(file, "size", None) or 0
    if size > MAX_PHOTO_BYTES:
        raise CaseError(_("A photo may be at most 8 MB"))
    try:
        file.seek(0)
        with Image.open(file) as img:
            fmt = img.format
            width, height = img.size
            img.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise CaseError(_("This file is not a photo we can read")) from exc
    if fmt not in PHOTO_TYPES:
        raise CaseError(_("Photos must be JPEG, PNG, WebP or GIF"))
    if width * height > 60_000_000:
        raise CaseError(_("This photo is too large"))
    file.seek(0)
    att = Attachment(case=case, event=event, content_type=PHOTO_TYPES[fmt], size=size, width=width, height=height,
                     uploaded_by=actor, uploaded_at=now)
    name = getattr(file, "name", "photo") or "photo"
    att.file.save(name.rsplit("/", 1)[-1], file, save=False)
    att.save()
    return att


# --- supervision (督办) ------------------------------------------------------------------------------
def supervision_open(*, subject, node, reason: str, kind: str = "overdue", now=None) -> Supervision:
    """Open 督办 by `node` over `subject`. Idempotent: the existing record for the same subject and
    kind is returned unchanged (whatever its state), so the sweep can run every minute."""
    now = _now(now)
    ct = ContentType.objects.get_for_model(subject)
    existing = Supervision.objects.filter(content_type=ct, object_id=subject.pk, kind=kind).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            sup = Supervision.objects.create(content_type=ct, object_id=subject.pk, node=node, kind=kind,
                                             reason=reason, opened_at=now)
    except IntegrityError:
        return Supervision.objects.get(content_type=ct, object_id=subject.pk, kind=kind)
    return sup


def supervision_answer(*, supervision: Supervision, actor, answer: str, now=None) -> Supervision:
    """说明: the supervised level explains."""
    now = _now(now)
    _require(actor, "cases.answer_supervision", supervision)
    answer = _require_reason(answer)
    if supervision.state == SupervisionState.CLOSED:
        raise CaseError(_("This supervision is closed"))
    supervision.answer, supervision.state = answer, SupervisionState.ANSWERED
    supervision.answered_at, supervision.answered_by = now, actor
    supervision.save(update_fields=["answer", "state", "answered_at", "answered_by"])
    return supervision


def supervision_close(*, supervision: Supervision, actor, now=None) -> Supervision:
    now = _now(now)
    _require(actor, "cases.close_supervision", supervision)
    if supervision.state == SupervisionState.CLOSED:
        return supervision
    supervision.state, supervision.closed_at, supervision.closed_by = SupervisionState.CLOSED, now, actor
    supervision.save(update_fields=["state", "closed_at", "closed_by"])
    return supervision


# --- the sweep (pressure transmission) ------------------------------------------------------------
def _supervisor_node(node):
    return node.get_parent() or node


SWEEP_BATCH = 1000
ESCALATABLE = [CaseStatus.FILED, *RECEIVABLE, CaseStatus.DISPATCHED, CaseStatus.CLAIMED, CaseStatus.IN_PROGRESS,
               CaseStatus.SUSPENDED]


def _nodes_by_path(paths) -> dict:
    from yizuyihui.org.models import OrgNode

    return {n.path: n for n in OrgNode.objects.filter(path__in=set(paths))} if paths else {}


def _parent_path(node) -> str:
    return node.path[: (node.depth - 1) * node.steplen] if node.depth > 1 else node.path


def sweep_overdue(*, now=None) -> dict[str, int]:
    """Find overdue matters, escalate by policy, open 督办 at the level above and notify.

    Idempotent: an escalated matter gets fresh deadlines at its new tier, and each supervision is
    unique per (matter, kind) with the tier in the kind — a second run finds nothing new.
    Set-based: overdue matters are handled SWEEP_BATCH at a time, each batch in one transaction
    with its rows locked (PostgreSQL), a bulk INSERT of supervisions, one UPDATE per group of
    identical escalations, a bulk INSERT of one CaseEvent per escalated matter and bulk inbox rows."""
    now = _now(now)
    ct = ContentType.objects.get_for_model(Case)
    counts = {"respond_overdue": 0, "resolve_overdue": 0, "escalated": 0}
    # Suspended matters are excluded from the resolve sweep: their clock is paused.
    late_statuses = [s for s in OPEN_STATUSES if s != CaseStatus.SUSPENDED]
    for tier in (1, 2, 3):
        kind = f"overdue_respond_t{tier}"
        supervised = Supervision.objects.filter(content_type=ct, object_id=OuterRef("pk"), kind=kind)
        ids = list(Case.objects.filter(status=CaseStatus.FILED, tier=tier, respond_due__lt=now)
                   .exclude(Exists(supervised)).order_by("pk").values_list("pk", flat=True))
        for i in range(0, len(ids), SWEEP_BATCH):
            counts["respond_overdue"] += _sweep_respond_batch(ids[i:i + SWEEP_BATCH], tier=tier, kind=kind, ct=ct, now=now)
        kind = f"overdue_resolve_t{tier}"
        supervised = Supervision.objects.filter(content_type=ct, object_id=OuterRef("pk"), kind=kind)
        ids = list(Case.objects.filter(status__in=late_statuses, tier=tier, resolve_due__lt=now)
                   .exclude(Exists(supervised)).order_by("pk").values_list("pk", flat=True))
        for i in range(0, len(ids), SWEEP_BATCH):
            late, escalated = _sweep_resolve_batch(ids[i:i + SWEEP_BATCH], tier=tier, kind=kind, ct=ct, now=now,
                                                   statuses=late_statuses)
            counts["resolve_overdue"] += late
            counts["escalated"] += escalated
    return counts


def _sweep_respond_batch(ids, *, tier, kind, ct, now) -> int:
    with transaction.atomic():
        cases = list(Case.objects.select_for_update(of=("self",)).filter(
            pk__in=ids, status=CaseStatus.FILED, tier=tier, respond_due__lt=now).select_related("node")
            .only("pk", "respond_due", "node__path", "node__depth"))
        if not cases:
            return 0
        parents = _nodes_by_path({_parent_path(c.node) for c in cases})
        Supervision.objects.bulk_create([
            Supervision(content_type=ct, object_id=c.pk, node=parents[_parent_path(c.node)], kind=kind, opened_at=now,
                        reason=_("No response by %(due)s") % {"due": f"{timezone.localtime(c.respond_due):%Y-%m-%d %H:%M}"})
            for c in cases], ignore_conflicts=True)
    return len(cases)


def _sweep_resolve_batch(ids, *, tier, kind, ct, now, statuses) -> tuple[int, int]:
    from django.urls import reverse

    from yizuyihui.cases.notify import notify_many
    from yizuyihui.people.models import Post

    escalation_levels = set(TIER2_LEVELS if tier == 1 else TIER3_LEVELS)
    with transaction.atomic():
        cases = list(Case.objects.select_for_update(of=("self",)).filter(
            pk__in=ids, status__in=statuses, tier=tier, resolve_due__lt=now)
            .select_related("node", "unit__node", "reporter__user", "filed_by__person").order_by("pk"))
        if not cases:
            return 0, 0
        # Every node needed (supervisors above the responsible level, escalation targets above the
        # unit) from the materialised paths, in one query.
        paths = {_parent_path(c.node) for c in cases}
        for c in cases:
            paths.update(c.unit.node.ancestor_paths())
        nodes = _nodes_by_path(paths)
        sups = []
        for c in cases:
            c.supervisor = nodes[_parent_path(c.node)]
            c.sup_reason = _("Not resolved by %(due)s") % {"due": f"{timezone.localtime(c.resolve_due):%Y-%m-%d %H:%M}"}
            sups.append(Supervision(content_type=ct, object_id=c.pk, node=c.supervisor, kind=kind, reason=c.sup_reason,
                                    opened_at=now))
        Supervision.objects.bulk_create(sups, ignore_conflicts=True)
        Case.objects.filter(pk__in=[c.pk for c in cases]).update(was_overdue=True)
        from yizuyihui.insights.rollups import mark_cases  # these UPDATEs send no signal
        mark_cases([c.pk for c in cases])

        # Escalation (tier < 3, policy auto_escalate): one UPDATE per group of identical changes.
        escalate, groups = [], {}
        due_memo: dict = {}
        reason = _("Overdue at tier %(tier)s") % {"tier": tier}
        for c in cases:
            if tier >= 3 or not deadlines.auto_escalates(case=c) or c.status not in ESCALATABLE:
                continue
            target = next((nodes[p] for p in reversed(c.unit.node.ancestor_paths())
                           if p in nodes and nodes[p].level in escalation_levels), None)
            if target is None:
                continue
            key = (c.category_id, c.urgency, c.mode)
            if key not in due_memo:
                due_memo[key] = deadlines.due_dates(start=now, category=c.category_id, tier=tier + 1, urgency=c.urgency,
                                                    mode=c.mode)
            c.target, (c.new_respond_due, c.new_resolve_due) = target, due_memo[key]
            groups.setdefault((target.pk, key, c.status), []).append(c)
            escalate.append(c)
        done = []
        for (target_id, _key, status), group in groups.items():
            first = group[0]
            n = Case.objects.filter(pk__in=[c.pk for c in group], status=status, tier=tier).update(
                status=CaseStatus.RECEIVED, tier=tier + 1, node_id=target_id, handler=None,
                respond_due=first.new_respond_due, resolve_due=first.new_resolve_due, suspended_at=None, on_agenda=False)
            if n == len(group):
                done.extend(group)
            else:  # pragma: no cover - rows are locked; on a mismatch take only the rows that moved
                moved = set(Case.objects.filter(pk__in=[c.pk for c in group], status=CaseStatus.RECEIVED, tier=tier + 1,
                                                node_id=target_id).values_list("pk", flat=True))
                done.extend(c for c in group if c.pk in moved)
        CaseEvent.objects.bulk_create([
            CaseEvent(case_id=c.pk, action="auto_escalate", actor=None, from_status=c.status, to_status=CaseStatus.RECEIVED,
                      tier=tier + 1, reason=reason, at=now, public=True, data={"to_node": c.target.pk})
            for c in done], batch_size=1000)
        Assignment.objects.filter(case_id__in=[c.pk for c in done], state__in=["pending", "lead", "assisting"]).update(
            state=Assignment.State.WITHDRAWN)

        # Notifications (inbox rows now, e-mail/SMS after commit), people loaded in three queries.
        items = []
        sup_users: dict[int, list] = {}
        for post in (Post.objects.filter(active=True, node__in={c.supervisor.pk for c in cases},
                                         role__in=case_rules.MANAGER_ROLES).select_related("user__person").order_by("user_id")):
            users = sup_users.setdefault(post.node_id, [])
            if len(users) < 10 and all(u.pk != post.user_id for u in users):
                users.append(post.user)
        for c in cases:
            for user in sup_users.get(c.supervisor.pk, []):
                items.append((user, None, _("督办: %s") % c.title, c.sup_reason, ""))
        if done:
            manager_roles = case_rules.MANAGER_ROLES - {"city_admin", "district_official"}
            manager_paths = {p for c in done for p in c.target.ancestor_paths()[-2:]}
            managers: dict[str, list] = {}
            for post in (Post.objects.filter(active=True, role__in=manager_roles, node__path__in=manager_paths)
                         .select_related("user__person", "node").order_by("user_id")):
                managers.setdefault(post.node.path, []).append(post.user)
            filers = {c.filed_by_id for c in done if not c.reporter_id and c.filed_by_id}
            staff = set(Post.objects.filter(user_id__in=filers, active=True, role__in=case_rules.STAFF_ROLES)
                        .values_list("user_id", flat=True)) if filers else set()
            for c in done:
                url = reverse("cases:detail", args=[c.pk])
                seen = set()
                for p in c.target.ancestor_paths()[-2:]:
                    for user in managers.get(p, []):
                        if user.pk not in seen and len(seen) < 20:
                            seen.add(user.pk)
                            items.append((user, None, _("Matter escalated to you: %s") % c.title, reason, url))
                subject = _("Your matter went up to %(level)s") % {"level": c.target.name}
                my_url = reverse("cases:my_case", args=[c.public_id])
                if c.reporter_id:
                    items.append((c.reporter.user if c.reporter.user_id else None, c.reporter, subject, reason, my_url))
                elif c.filed_by_id and c.filed_by_id not in staff and not c.filed_by.is_superuser:
                    items.append((c.filed_by, getattr(c.filed_by, "person", None), subject, reason, my_url))
        notify_many(items)
    return len(cases), len(done)


def _supervisors(node):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(posts__active=True, posts__node=node,
                                           posts__role__in=case_rules.MANAGER_ROLES).distinct()[:10]
