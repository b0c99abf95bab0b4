"""Scope-matrix entries for the notifications app (merged by tests/accounts/test_scope_matrix.py)."""

from __future__ import annotations

import sys

from django.urls import reverse

_base = next(m for n, m in list(sys.modules.items()) if n.endswith("test_scope_matrix") and hasattr(m, "Probe"))
Probe, ALL = _base.Probe, _base.ALL

ROUTES = {"notifications:inbox": lambda c: [Probe(reverse("notifications:inbox"), ALL)]}
