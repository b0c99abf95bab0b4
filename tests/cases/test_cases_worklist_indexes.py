"""The worklists' partial indexes cover exactly the status sets their selectors read: an index whose
condition drifts from the selector's statuses is silently never used (PostgreSQL then sorts every
open matter of a city for each worklist view)."""

from __future__ import annotations

from yizuyihui.cases.lifecycle import TRIAGE_STATUSES, WORKING_STATUSES
from yizuyihui.cases.models import Case, CaseStatus


def _condition_statuses(name: str) -> set[str]:
    index = next(i for i in Case._meta.indexes if i.name == name)
    (lookup, value), = index.condition.children
    return set(value) if lookup == "status__in" else {value}


def test_each_worklists_index_covers_its_selectors_statuses():
    assert _condition_statuses("case_triage_node") == set(TRIAGE_STATUSES)
    assert _condition_statuses("case_triage_due") == set(TRIAGE_STATUSES)
    assert _condition_statuses("case_working_due") == set(WORKING_STATUSES)  # the dispatch board
    assert _condition_statuses("case_resolved_due") == {CaseStatus.RESOLVED}  # the feedback list
    assert _condition_statuses("case_fedback_due") == {CaseStatus.FED_BACK}  # closable unrated


def test_the_indexes_follow_the_lists_order():
    fields = {i.name: i.fields for i in Case._meta.indexes}
    assert fields["case_working_due"] == ["resolve_due", "id"]  # dispatch_board: order_by("resolve_due", "pk")
    assert fields["case_fedback_due"] == ["fed_back_at", "id"]  # closable_unrated: order_by("fed_back_at", "pk")
