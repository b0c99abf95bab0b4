"""Scope-matrix entries for the org API (merged by tests/accounts/test_scope_matrix.py)."""

import sys

# Loaded while tests/accounts/test_scope_matrix.py is being imported: take Probe and the persona
# sets from that (partly initialised) module.
_m = next(m for n, m in list(sys.modules.items()) if n.endswith("test_scope_matrix") and hasattr(m, "Probe"))
Probe, STAFF, OVER_UNIT_A, OVER_UNIT_D, OVER_STREET = _m.Probe, _m.STAFF, _m.OVER_UNIT_A, _m.OVER_UNIT_D, _m.OVER_STREET

ROUTES = {
    "api:list_units": lambda c: [Probe("/api/org/units", STAFF), Probe(f"/api/org/units?under={c.other_street.pk}", OVER_UNIT_D)],
    "api:get_unit": lambda c: [Probe(f"/api/org/units/{c.unit_a.pk}", OVER_UNIT_A), Probe(f"/api/org/units/{c.unit_d.pk}", OVER_UNIT_D)],
    "api:node_children": lambda c: [Probe(f"/api/org/nodes/{c.street.pk}/children", OVER_STREET)],
}
