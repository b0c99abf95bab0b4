"""Scope-matrix entries for the insights app."""

import sys

from django.urls import reverse

_base = next(m for n, m in list(sys.modules.items()) if n.endswith("test_scope_matrix") and hasattr(m, "Probe"))
Probe, STAFF = _base.Probe, _base.STAFF

ROUTES = {
    "insights:dashboard": lambda c: [
        Probe(reverse("insights:dashboard"), STAFF),
        Probe(reverse("insights:dashboard") + f"?node={c.street.pk}", _base.OVER_STREET),
    ],
}
