"""Scope-matrix entries for the notifications app (merged by tests/accounts/test_accounts_scope_matrix.py)."""

from __future__ import annotations

from django.urls import reverse
from scope import ALL, Probe

ROUTES = {"notifications:inbox": lambda c: [Probe(reverse("notifications:inbox"), ALL)]}
