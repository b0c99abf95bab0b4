"""The life cycle of a matter (问题闭环, 六单工作法: DOMAIN §4), declared once.

Each `Step` says its name (the page's button, the API's `/actions/<name>`, `CaseEvent.action`),
the states it starts from, the state it leads to, the permission that lets a user take it, what
it asks for, and the service that takes it. From this one table come:

- the state machine on `Case` (`models.Case.t_<step>` transitions, django-fsm);
- `available_steps(user, case)`: what a user may do now (the page's buttons, `GET …/actions`);
- the API's action endpoint and its OpenAPI enum (`StepName`);
- the page's form fields (`Step.inputs`);
- `CaseEvent.action` choices (`EventAction`);
- the sweep's escalation (`STEPS["escalate"]`).

This module imports no models: `models.py` builds the transitions from it.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    FILED = "filed", _("Filed")  # 填单
    RECEIVED = "received", _("Received")  # 收单
    DELIBERATING = "deliberating", _("Deliberating")  # 议单
    DISPATCHED = "dispatched", _("Dispatched")  # 派单
    CLAIMED = "claimed", _("Claimed")  # 领单
    IN_PROGRESS = "in_progress", _("In progress")  # 办单
    SUSPENDED = "suspended", _("Suspended")  # 挂起
    RESOLVED = "resolved", _("Resolved")
    FED_BACK = "fed_back", _("Fed back")  # 反馈
    REOPENED = "reopened", _("Reopened")  # 重办
    CLOSED = "closed", _("Closed")
    RETURNED = "returned", _("Returned")  # returned at reception
    MERGED = "merged", _("Merged")


S = CaseStatus
# Status categories (the FixMyStreet idea): pages and measures count by these, not by status.
OPEN_STATUSES = (S.FILED, S.RECEIVED, S.DELIBERATING, S.DISPATCHED, S.CLAIMED, S.IN_PROGRESS, S.SUSPENDED, S.REOPENED)
TRIAGE_STATUSES = (S.FILED, S.RECEIVED, S.DELIBERATING, S.REOPENED)  # awaiting the unit/branch
WORKING_STATUSES = (S.DISPATCHED, S.CLAIMED, S.IN_PROGRESS, S.SUSPENDED)  # with handlers
DONE_STATUSES = (S.RESOLVED, S.FED_BACK, S.CLOSED)
FINAL_STATUSES = (S.CLOSED, S.RETURNED, S.MERGED)
# Reception, deliberation and dispatch may start from these.
RECEIVABLE = (S.RECEIVED, S.DELIBERATING, S.REOPENED)
IN_HAND = (S.CLAIMED, S.IN_PROGRESS)

# What a step may ask for. The page's form and the API's body carry these names; `Step.kwargs`
# renames one for its service (the resolve step's "reason" is the service's `result`).
INPUTS = frozenset({"reason", "rating", "handlers", "due", "until", "into", "urgency", "approve", "photos", "category"})


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    sources: tuple[str, ...]
    targets: tuple[str | None, ...]  # None: the status stays (the step changes other fields)
    perm: str  # a django-rules permission over (user, case): cases/rules.py
    service: str  # the function in cases.services that takes the step
    inputs: tuple[str, ...] = ()
    required: tuple[str, ...] = ()  # inputs that must be given ("reason" for a return, …)
    kwargs: dict[str, str] = field(default_factory=dict)  # input name → service keyword
    guard: Callable | None = None  # extra condition guard(case, now) (tier < 3, an extension asked …)
    events: tuple[str, ...] = ()  # CaseEvent.action values the step writes (default: its name)
    rare: bool = False  # destructive or rare (退回, 合并, 退单 …): the page shows it under "more", never as primary

    def transition(self, target: str | None = None) -> str:
        """Name of the model transition for `target` (the first when the step has one)."""
        target = self.targets[0] if target is None else target
        return f"t_{self.name}" if len(self.targets) == 1 else f"t_{self.name}__{target or 'same'}"

    def allowed(self, case, now=None) -> bool:
        """The matter's status and the step's guard allow it (who may take it: `offered`)."""
        return case.status in self.sources and (self.guard is None or self.guard(case, now or timezone.now()))

    def offered(self, user, case, now=None) -> bool:
        return self.allowed(case, now) and user.has_perm(self.perm, case)


def rating_wait() -> dt.timedelta:
    """How long after 反馈 the resident has to rate before the matter may be closed unrated
    (未评价): YZYH_RATING_WAIT_DAYS, 7 days by default."""
    return dt.timedelta(days=getattr(settings, "YZYH_RATING_WAIT_DAYS", 7))


def _below_street(case, now) -> bool:
    return case.tier < 3


def _extension_asked(case, now) -> bool:
    return case.extension_until is not None


def _rating_wait_over(case, now) -> bool:
    """关闭 without a rating: only once the resident has had the waiting period to rate (DOMAIN §4:
    the resident rates; closing must never race the resident)."""
    fed_back_at = getattr(case, "fed_back_at", None)
    return fed_back_at is not None and now - fed_back_at >= rating_wait()


_STEPS = [
    # 收单: the unit's Party group — its leader and its grid worker — or a level above (rules.py).
    Step("receive", _("Receive"), (S.FILED,), (S.RECEIVED,), "cases.receive_case", "case_receive"),
    Step("return", _("Return"), (S.FILED,), (S.RETURNED,), "cases.manage_case", "case_return",
         inputs=("reason",), required=("reason",), rare=True),
    Step("merge", _("Merge"), (S.FILED, *RECEIVABLE), (S.MERGED,), "cases.manage_case", "case_merge",
         inputs=("into", "reason"), required=("into",), rare=True),
    Step("resolve_on_spot", _("Resolved on the spot"), (S.FILED, *RECEIVABLE), (S.RESOLVED,), "cases.resolve_on_spot",
         "case_resolve_on_spot", inputs=("reason",), required=("reason",), kwargs={"reason": "note"}),
    Step("deliberate", _("Deliberate"), (S.RECEIVED, S.REOPENED), (S.DELIBERATING,), "cases.manage_case",
         "case_deliberate", inputs=("urgency", "reason")),
    Step("dispatch", _("Dispatch"), RECEIVABLE, (S.DISPATCHED,), "cases.manage_case", "case_dispatch",
         inputs=("handlers", "due", "reason"), required=("handlers",)),
    Step("claim", _("Claim"), (S.DISPATCHED,), (S.CLAIMED,), "cases.claim_case", "case_claim"),
    Step("send_back", _("Send back"), (S.DISPATCHED, *IN_HAND), (S.RECEIVED,), "cases.send_back_case", "case_send_back",
         inputs=("reason",), required=("reason",), rare=True),
    Step("progress", _("Add progress"), IN_HAND, (S.IN_PROGRESS,), "cases.handle_case", "case_progress",
         inputs=("reason", "photos"), required=("reason",), kwargs={"reason": "note"}),
    Step("suspend", _("Suspend"), IN_HAND, (S.SUSPENDED,), "cases.handle_case", "case_suspend",
         inputs=("reason",), required=("reason",), rare=True),
    Step("resume", _("Resume"), (S.SUSPENDED,), (S.IN_PROGRESS,), "cases.resume_case", "case_resume"),
    Step("request_extension", _("Request extension"), (*IN_HAND, S.SUSPENDED), (None,), "cases.handle_case",
         "case_request_extension", inputs=("until", "reason"), required=("until", "reason"), rare=True),
    Step("decide_extension", _("Decide"), (*IN_HAND, S.SUSPENDED), (None,), "cases.approve_extension",
         "case_decide_extension", inputs=("approve", "reason"), guard=_extension_asked,
         events=("approve_extension", "refuse_extension")),
    Step("escalate", _("Escalate"), (*TRIAGE_STATUSES, *WORKING_STATUSES), (S.RECEIVED,), "cases.manage_case",
         "case_escalate", inputs=("reason",), required=("reason",), guard=_below_street, rare=True),
    Step("recategorize", _("Correct the category"), OPEN_STATUSES, (None,), "cases.manage_case", "case_recategorize",
         inputs=("category",), required=("category",), rare=True),
    Step("resolve", _("Resolve"), IN_HAND, (S.RESOLVED,), "cases.handle_case", "case_resolve",
         inputs=("reason",), required=("reason",), kwargs={"reason": "result"}),
    Step("feed_back", _("Feed back"), (S.RESOLVED,), (S.FED_BACK,), "cases.feed_back_case", "case_feed_back",
         inputs=("reason",), required=("reason",), kwargs={"reason": "feedback"}),
    Step("rate", _("Rate"), (S.FED_BACK,), (S.CLOSED, S.REOPENED), "cases.rate_case", "case_rate",
         inputs=("rating", "reason"), required=("rating",), kwargs={"reason": "comment"}),
    # 关闭 unrated (未评价): after 反馈 and the waiting period only — never a button beside 反馈.
    Step("close", _("Close unrated"), (S.FED_BACK,), (S.CLOSED,), "cases.manage_case", "case_close",
         inputs=("reason",), guard=_rating_wait_over),
]
STEPS: dict[str, Step] = {s.name: s for s in _STEPS}
# The one primary action of a state (the page's first, filled button): the step that moves the
# loop on. Other steps are secondary; rare ones (Step.rare) sit under "more".
PRIMARY_ORDER = ("receive", "claim", "resolve", "feed_back", "rate", "dispatch", "resume", "decide_extension", "close",
                 "deliberate", "resolve_on_spot", "progress")
assert all(set(s.inputs) <= INPUTS and set(s.required) <= set(s.inputs) for s in _STEPS)

# The API's action path parameter: its OpenAPI enum is exactly the declared steps.
StepName = enum.Enum("StepName", {name: name for name in STEPS}, type=str)


class EventAction(models.TextChoices):
    """`CaseEvent.action`: every step, plus what happens without a step of a user."""

    FILE = "file", _("Filed")
    AUTO_ESCALATE = "auto_escalate", _("Escalated automatically")
    RECEIVE = "receive", _("Received")
    RETURN = "return", _("Returned")
    MERGE = "merge", _("Merged")
    RESOLVE_ON_SPOT = "resolve_on_spot", _("Resolved on the spot")
    DELIBERATE = "deliberate", _("Deliberated")
    DISPATCH = "dispatch", _("Dispatched")
    CLAIM = "claim", _("Claimed")
    SEND_BACK = "send_back", _("Sent back")
    PROGRESS = "progress", _("Progress")
    SUSPEND = "suspend", _("Suspended")
    RESUME = "resume", _("Resumed")
    REQUEST_EXTENSION = "request_extension", _("Extension requested")
    APPROVE_EXTENSION = "approve_extension", _("Extension approved")
    REFUSE_EXTENSION = "refuse_extension", _("Extension refused")
    ESCALATE = "escalate", _("Escalated")
    RECATEGORIZE = "recategorize", _("Category corrected")
    RESOLVE = "resolve", _("Resolved")
    FEED_BACK = "feed_back", _("Fed back")
    RATE = "rate", _("Rated")
    CLOSE = "close", _("Closed")
    # Not a step: the emergency app re-times open matters when a scope switches mode (its history showed "retime").
    RETIME = "retime", _("Deadlines re-timed (calm/urgent switch)")


assert {e for s in _STEPS for e in (s.events or (s.name,))} <= set(EventAction.values)


def may_start(step: str, case, now=None) -> bool:
    """The matter's status and the step's guard allow `step` (who may take it is another question:
    `Step.offered`)."""
    return STEPS[step].allowed(case, now)


def arrange_steps(names: list[str]) -> tuple[Step | None, list[Step], list[Step]]:
    """(primary, secondary, rare) for the page, from the steps a user may take."""
    primary = next((STEPS[n] for n in PRIMARY_ORDER if n in names), None)
    others = [STEPS[n] for n in names if primary is None or n != primary.name]
    return primary, [s for s in others if not s.rare], [s for s in others if s.rare]


def transitions() -> list[tuple[str, tuple[str, ...], str | None]]:
    """(method name, sources, target) for every model transition."""
    return [(step.transition(t), step.sources, t) for step in _STEPS for t in step.targets]


def available_steps(*, user, case, now=None) -> list[str]:
    """The steps this user may take on this matter now, in the declared order."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    now = now or timezone.now()
    return [step.name for step in _STEPS if step.offered(user, case, now)]
