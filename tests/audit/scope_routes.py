"""Scope-matrix entries for the audit app (merged by tests/accounts/test_scope_matrix.py)."""

from __future__ import annotations

import sys

from django.urls import reverse

_base = next(m for n, m in list(sys.modules.items()) if n.endswith("test_scope_matrix") and hasattr(m, "Probe"))
Probe = _base.Probe

ROUTES = {
    "audit:log": lambda c: [Probe(reverse("audit:log"), frozenset({"city_admin"}))],
}
