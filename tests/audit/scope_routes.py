"""Scope-matrix entries for the audit app (merged by tests/accounts/test_scope_matrix.py)."""

from __future__ import annotations

from django.urls import reverse
from scope import Probe

ROUTES = {
    "audit:log": lambda c: [Probe(reverse("audit:log"), frozenset({"city_admin"}))],
}
