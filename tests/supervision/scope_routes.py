"""Scope-matrix entries for the supervision app (merged by tests/accounts/test_accounts_scope_matrix.py)."""

from __future__ import annotations

from django.urls import reverse
from factories import file_matter
from scope import OVER_UNIT_A, STAFF, Probe


def _supervision(c):
    from yizuyihui.supervision.services import supervision_open

    return supervision_open(subject=file_matter(c), node=c.community, reason="逾期")


ROUTES = {
    "supervision:board": lambda c: [Probe(reverse("supervision:board"), STAFF)],
    "supervision:detail": lambda c: [Probe(reverse("supervision:detail", args=[_supervision(c).pk]), OVER_UNIT_A)],
}
