"""The one public-data policy: what of a matter may be shown beyond the staff who handle it.

Used by Open311 (`open311.py`), the unit's public board (全员监督) and any export of
matters. DOMAIN §4: "the progress of a unit's matters is visible to its residents (without
personal data)". A complaint about a neighbour must never be readable by the neighbour, so:

- confidential matters are never published: disputes between neighbours (邻里纠纷), conflicts of
  group interests (群体利益冲突), public-security incidents, and every category of the taxonomy
  that names a dispute, a police or court matter (`is_confidential`);
- a published matter shows its category, status, unit (the coarse place), tier and dates, and a
  public summary made from its title with every phone, landline and ID-card number, door number
  and the reporter's home address masked (`public_summary`); never the description, the
  reporter, the exact place or coordinates;
- numbers in free text are masked by `core/public.mask_text` (also used for SMS bodies).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings

from yizuyihui.core.public import mask_address, mask_text

# --- confidential matters ------------------------------------------------------------------------
# 六必到 event types whose matters name the parties: never public.
CONFIDENTIAL_EVENT_TYPES = frozenset({"neighbour_dispute", "group_conflict", "public_security"})
# Category names (any level) whose matters are confidential; extend with YZYH_CONFIDENTIAL_CATEGORIES.
CONFIDENTIAL_CATEGORY_NAMES = frozenset({
    "政法", "社会治安", "刑案侦破", "警务督察", "诉讼", "刑罚执行", "仲裁与调解", "医患纠纷", "信访",
    "邻里纠纷", "群体利益冲突", "家庭纠纷", "婚姻家庭",
})
# Words in a category name or a title that mark a dispute between identifiable people.
CONFIDENTIAL_WORDS = ("纠纷", "争议", "矛盾", "调解", "冲突", "家暴", "信访", "举报",
                      "neighbour dispute", "group-interest conflict", "public-security")


def _extra_names() -> frozenset[str]:
    return frozenset(getattr(settings, "YZYH_CONFIDENTIAL_CATEGORIES", ()) or ())


def category_is_confidential(category, names: frozenset[str] | None = None) -> bool:
    names = names if names is not None else CONFIDENTIAL_CATEGORY_NAMES | _extra_names()
    node = category
    while node is not None:
        if node.name in names or node.code in names or any(w in node.name for w in CONFIDENTIAL_WORDS):
            return True
        node = node.parent if node.parent_id else None
    return False


_CONFIDENTIAL_RE = re.compile("|".join(re.escape(w) for w in CONFIDENTIAL_WORDS))  # one scan, not one per word


def text_is_confidential(text: str) -> bool:
    return _CONFIDENTIAL_RE.search((text or "").lower()) is not None


def is_confidential(case, *, event_type: str | None = None, category_check=None) -> bool:
    """True when the matter may never appear beyond its handling staff (Open311, boards, exports).
    `category_check`: a memoised `category_is_confidential` for a page of matters."""
    if event_type in CONFIDENTIAL_EVENT_TYPES:
        return True
    if case.origin_ref.startswith("event:") and event_type is None:
        event_type = _event_type(case)
        if event_type in CONFIDENTIAL_EVENT_TYPES:
            return True
    check = category_check or category_is_confidential
    for category in (case.category if case.category_id else None,
                     case.suggested_category if case.suggested_category_id else None):
        if category is not None and check(category):
            return True
    return text_is_confidential(case.title) or text_is_confidential(case.description)


def _event_type(case) -> str | None:
    from django.apps import apps

    if not apps.is_installed("yizuyihui.visits"):
        return None
    Event = apps.get_model("visits", "Event")
    return Event.objects.filter(case_id=case.pk).values_list("event_type", flat=True).first()


def confidential_event_case_ids(case_ids) -> set[int]:
    """One query for a page of matters: which of them came from a confidential 六必到 event."""
    from django.apps import apps

    if not apps.is_installed("yizuyihui.visits"):
        return set()
    Event = apps.get_model("visits", "Event")
    return set(Event.objects.filter(case_id__in=list(case_ids), event_type__in=CONFIDENTIAL_EVENT_TYPES)
               .values_list("case_id", flat=True))


# --- the public view of a matter -----------------------------------------------------------------
@dataclass(frozen=True)
class PublicCase:
    id: int
    category: str
    category_code: str
    status: str
    status_label: str
    unit: str
    tier: int
    summary: str
    result: str
    rating: str
    rating_label: str
    filed_at: object
    updated_at: object
    resolved_at: object
    resolve_due: object
    lat: float | None  # rounded to 0.01° (about 1 km): a coarse place, never the door
    long: float | None


def _reporter_addresses(case) -> tuple[str, ...]:
    reporter = case.reporter if case.reporter_id else None
    household = getattr(reporter, "household", None) if reporter is not None else None
    addresses = [case.place] if case.place and case.place != case.unit.name else []
    if household is not None and household.address:
        addresses.append(household.address)
    return tuple(sorted(set(addresses), key=len, reverse=True))


def public_summary(case) -> str:
    """The matter's title with numbers, door numbers and the reporter's address masked."""
    return public_text(case, case.title)[:200]


def public_text(case, text: str) -> str:
    # Addresses first: masking numbers inside them would stop them matching.
    return mask_text(mask_address(text or "", _reporter_addresses(case)))


def _labels() -> tuple[dict, dict]:
    """Status and rating labels in the active language. Django's get_FOO_display rebuilds a dict of
    the field's (lazy) choices on every call: for a page of 1,000 matters that was a third of the
    Open311 list's CPU."""
    from yizuyihui.cases.models import CaseStatus, Rating

    return ({k: str(v) for k, v in CaseStatus.choices}, {k: str(v) for k, v in Rating.choices})


def public_case(case, labels: tuple[dict, dict] | None = None) -> PublicCase:
    statuses, ratings = labels or _labels()
    top = case.category.top if case.category_id else None
    return PublicCase(
        id=case.pk, category=case.category.name if case.category_id else "",
        category_code=top.code if top else "", status=case.status, status_label=statuses.get(case.status, case.status),
        unit=case.unit.name, tier=case.tier, summary=public_summary(case), result=public_text(case, case.result)[:500],
        rating=case.rating, rating_label=ratings.get(case.rating, case.rating) if case.rating else "",
        filed_at=case.filed_at, updated_at=case.closed_at or case.resolved_at or case.responded_at or case.filed_at,
        resolved_at=case.resolved_at, resolve_due=case.resolve_due,
        lat=round(case.lat, 2) if case.lat is not None else None,
        long=round(case.long, 2) if case.long is not None else None,
    )


# The matter's columns the policy and the public view read (`_Row`).
PUBLIC_FIELDS = ("id", "origin_ref", "category_id", "suggested_category_id", "title", "description", "status",
                 "unit_id", "tier", "result", "rating", "filed_at", "responded_at", "resolved_at", "closed_at",
                 "resolve_due", "lat", "long", "place", "reporter_id")


class _Named:
    __slots__ = ("name", "address", "household")

    def __init__(self, name: str = "", address: str = ""):
        self.name, self.address = name, address
        self.household = self  # a reporter stand-in: reporter.household.address


class _Row:
    """A matter as the policy reads it (the attributes `is_confidential`, `public_text` and
    `public_case` use), built from one row of `PUBLIC_FIELDS`: a page of 1 000 model instances with
    their unit, categories and reporter was half the Open311 list's CPU. Categories, units and
    reporters' addresses are read once per page and shared by the rows that name them."""

    __slots__ = (*PUBLIC_FIELDS, "pk", "category", "suggested_category", "unit", "reporter")

    def __init__(self, values, categories: dict, units: dict, reporters: dict):
        for name, value in zip(PUBLIC_FIELDS, values, strict=True):
            setattr(self, name, value)
        self.pk = self.id
        self.category = categories.get(self.category_id)
        self.suggested_category = categories.get(self.suggested_category_id)
        self.unit = units[self.unit_id]
        self.reporter = reporters.get(self.reporter_id)


def _page(rows: list[tuple]) -> list[_Row]:
    from yizuyihui.cases.models import Category
    from yizuyihui.org.models import Unit
    from yizuyihui.people.models import Person

    at = {f: i for i, f in enumerate(PUBLIC_FIELDS)}
    cat_ids = {r[at[f]] for r in rows for f in ("category_id", "suggested_category_id")} - {None}
    categories = {c.pk: c for c in Category.objects.filter(pk__in=cat_ids).select_related("parent__parent")}
    units = {pk: _Named(name) for pk, name in
             Unit.objects.filter(pk__in={r[at["unit_id"]] for r in rows}).values_list("pk", "name")}
    reporter_ids = {r[at["reporter_id"]] for r in rows} - {None}
    reporters = {pk: _Named(address=address or "") for pk, address in
                 Person.objects.filter(pk__in=reporter_ids).values_list("pk", "household__address")}
    return [_Row(r, categories, units, reporters) for r in rows]


def public_cases(queryset):
    """Apply the policy to a queryset of matters: confidential ones dropped, the rest made public."""
    rows = _page(list(queryset.values_list(*PUBLIC_FIELDS)))
    from_events = confidential_event_case_ids(c.pk for c in rows if c.origin_ref.startswith("event:"))
    names = CONFIDENTIAL_CATEGORY_NAMES | _extra_names()
    seen: dict[int, bool] = {}  # a page names few categories: decide each once

    def category_check(category) -> bool:
        if category.pk not in seen:
            seen[category.pk] = category_is_confidential(category, names)
        return seen[category.pk]

    labels = _labels()
    return [public_case(c, labels) for c in rows
            if c.pk not in from_events and not is_confidential(c, event_type="", category_check=category_check)]


def unit_board(*, unit, limit: int = 100) -> list[PublicCase]:
    """全员监督: the unit's published matters for its residents' board."""
    from yizuyihui.cases.models import Case, CaseStatus

    qs = (Case.objects.filter(unit=unit).exclude(status__in=[CaseStatus.RETURNED, CaseStatus.MERGED])
          .order_by("-filed_at")[:limit])
    return public_cases(qs)
