"""The worklists' partial indexes cover exactly the status sets their selectors read: an index whose
condition drifts from the selector's statuses is silently never used (PostgreSQL then sorts every
open matter of a city for each worklist view)."""

from __future__ import annotations

import pytest

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


@pytest.mark.django_db
def test_the_indexes_follow_the_lists_order(cast):
    """Each index's columns are its list's ORDER BY (PostgreSQL walks the index and stops at the
    page), read from the selectors themselves."""
    from yizuyihui.cases import selectors

    fields = {i.name: [("pk" if f == "id" else f) for f in i.fields] for i in Case._meta.indexes}
    user = cast.users["community_cadre"]  # manages a level: every list has a query
    for name, qs in (("case_working_due", selectors.dispatch_board(user=user)),
                     ("case_fedback_due", selectors.closable_unrated(user=user)),
                     ("case_resolved_due", selectors.feedback_due(user=user)),
                     ("case_triage_due", selectors.unit_inbox(user=user))):
        assert list(qs.query.order_by) == fields[name], name
