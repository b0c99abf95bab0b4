"""The review queue (待分类): matters whose routing confidence is under the model's threshold wait
here for a person of the unit/community to choose the category; and the routing model's status.

Reads start from the viewer's scope: the matters under a node where the viewer holds a post that
may manage matters (`cases.rules.MANAGER_ROLES`: unit leader, community cadre, street/district
officials, city administrator). The choice itself is `review_choose` (permission
`cases.manage_case`), recorded as a "recategorize" `CaseEvent` — the same event as the loop's
"correct the category" step — so every choice is a labelled example for `yzyh triage retrain`.
Time to route = from filing to the category being set: 0 for a matter routed at filing with
confidence ≥ threshold, the first "recategorize" event for the others.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yizuyihui.accounts.scope import paths_q, role_paths, user_scope
from yizuyihui.cases.models import OPEN_STATUSES, Case, CaseEvent, Category
from yizuyihui.cases.rules import MANAGER_ROLES
from yizuyihui.triage import registry, routing
from yizuyihui.triage.corrections import ACTION

REVIEW_LIMIT = 200
TIME_TO_ROUTE_DAYS = 90


class ReviewForbidden(Exception):
    pass


class ReviewError(Exception):
    pass


@dataclass
class Suggestion:
    category: Category
    confidence: float


@dataclass
class ReviewItem:
    case: Case
    suggestions: list[Suggestion] = field(default_factory=list)  # top 3, best first


def may_review(user) -> bool:
    return bool(role_paths(user, MANAGER_ROLES))


def _corrected():
    return Exists(CaseEvent.objects.filter(case=OuterRef("pk"), action=ACTION))


def _needs_review_q(threshold: float) -> Q:
    return Q(suggestion_confidence__lt=threshold) | Q(suggestion_confidence__isnull=True, category__isnull=True)


def top_categories() -> dict[str, Category]:
    return {c.name: c for c in Category.objects.filter(parent__isnull=True, name__in=routing.CATEGORIES)}


def review_queue(*, user, limit: int = REVIEW_LIMIT) -> list[ReviewItem]:
    """Open matters in the viewer's scope waiting for a category, oldest first, with the top-3
    suggestions of the active routing model."""
    paths = role_paths(user, MANAGER_ROLES)
    if not paths:
        return []
    threshold = routing.load_model().threshold
    cases = list(Case.objects.filter(paths_q(paths, "node"), status__in=OPEN_STATUSES)
                 .filter(_needs_review_q(threshold)).exclude(_corrected())
                 .select_related("unit", "category", "suggested_category").order_by("filed_at", "pk")[:limit])
    if not cases:
        return []
    tops = top_categories()
    routed = routing.route_many([f"{c.title}\n{c.description}" for c in cases])
    out = []
    for case, r in zip(cases, routed, strict=True):
        best = sorted(r.scores.items(), key=lambda kv: -kv[1])[:3]
        out.append(ReviewItem(case=case, suggestions=[Suggestion(tops[n], p) for n, p in best if n in tops]))
    return out


def review_choose(*, case: Case, actor, category: Category, now=None) -> Case:
    """The reviewer's choice: set the matter's category and record it ("recategorize")."""
    if not actor.has_perm("cases.manage_case", case):
        raise ReviewForbidden(_("You may not do this on this matter"))
    if case.status not in OPEN_STATUSES:
        raise ReviewError(_("This matter is no longer open"))
    now = now or timezone.now()
    with transaction.atomic():
        before = case.category_id
        case.category = category
        case.category_overridden = bool(case.suggested_category_id and case.suggested_category_id != category.pk)
        case.save(update_fields=["category", "category_overridden"])
        CaseEvent.objects.create(case=case, action=ACTION, actor=actor, from_status=case.status,
                                 to_status=case.status, tier=case.tier, at=now, public=False,
                                 data={"from": before, "to": category.pk, "via": "review"})
    return case


@dataclass
class RoutingTimes:
    matters: int  # filed in the period, in scope
    auto: int  # routed at filing (confidence ≥ threshold)
    reviewed: int  # category set by a person
    waiting: int  # still without a chosen category
    median_hours: float | None  # filing → category set, over auto and given (0) and reviewed matters
    median_review_hours: float | None  # the same over reviewed matters only
    given: int = 0  # filed with a category chosen by whoever filed it (no model, no review)


def time_to_route(*, user, now=None, days: int = TIME_TO_ROUTE_DAYS) -> RoutingTimes:
    """Time to route for the matters filed in the last `days` days under the viewer's scope."""
    now = now or timezone.now()
    paths = role_paths(user, MANAGER_ROLES)
    threshold = routing.load_model().threshold
    rows = list(Case.objects.filter(paths_q(paths, "node") if paths else Q(pk__in=[]),
                                    filed_at__gte=now - dt.timedelta(days=days))
                .values_list("pk", "filed_at", "suggestion_confidence", "category_id"))
    first: dict[int, dt.datetime] = {}
    for case_id, at in (CaseEvent.objects.filter(case_id__in=[r[0] for r in rows], action=ACTION)
                        .order_by("at").values_list("case_id", "at")):
        first.setdefault(case_id, at)
    hours, review_hours, auto, given, waiting = [], [], 0, 0, 0
    for pk, filed, conf, category_id in rows:
        if pk in first:
            h = max((first[pk] - filed).total_seconds() / 3600.0, 0.0)
            hours.append(h)
            review_hours.append(h)
        elif category_id is None:
            waiting += 1
        elif conf is None:
            # Filed with its category (staff filing for a resident chose it): routed at once, but
            # neither by the model nor through the queue.
            given += 1
            hours.append(0.0)
        elif conf >= threshold:
            auto += 1
            hours.append(0.0)
        else:
            waiting += 1  # under the threshold: the category is the model's guess until someone chooses
    return RoutingTimes(matters=len(rows), auto=auto, reviewed=len(review_hours), waiting=waiting, given=given,
                        median_hours=round(statistics.median(hours), 1) if hours else None,
                        median_review_hours=round(statistics.median(review_hours), 1) if review_hours else None)


@dataclass
class ModelStatus:
    version: int  # 0 = the shipped model
    created_at: str
    heldout: dict  # measured on the held-back slice (retrained versions)
    cv: dict  # cross-validated figures recorded at training
    threshold: float
    n_corrections_used: int
    corrections_since: int  # in the viewer's scope
    recent: list  # the newest corrections in scope (CaseEvent with case)
    attempts: list


def model_status(*, user) -> ModelStatus:
    model = routing.load_model()
    folder = registry.registry_dir()
    reg = registry.read_registry(folder)
    rec = registry.active_record(folder)
    m = model.metrics
    cv = {"cv_macro_f1": m.get("cv_macro_f1"), "cv_auto_share": m.get("cv_auto_share"),
          "cv_auto_accuracy": m.get("cv_auto_accuracy")}
    since = rec["last_event_id"] if rec else 0
    scope = user_scope(user)
    events = CaseEvent.objects.filter(action=ACTION, pk__gt=since).filter(
        Q() if scope.everything else paths_q(scope.paths, "case__node"))
    return ModelStatus(
        version=rec["version"] if rec else 0, created_at=rec["created_at"] if rec else "",
        heldout=rec["heldout"] if rec else {}, cv=cv, threshold=model.threshold,
        n_corrections_used=rec["n_corrections"] if rec else 0, corrections_since=events.count(),
        recent=list(events.select_related("case", "actor").order_by("-at", "-pk")[:20]),
        attempts=list(reversed(reg.get("attempts", [])[-10:])))
