"""Scope-matrix entries for the org API (merged by tests/accounts/test_accounts_scope_matrix.py)."""

from scope import OVER_STREET, OVER_UNIT_A, OVER_UNIT_D, STAFF, Probe

ROUTES = {
    "api:list_units": lambda c: [Probe("/api/org/units", STAFF), Probe(f"/api/org/units?under={c.other_street.pk}", OVER_UNIT_D)],
    "api:get_unit": lambda c: [Probe(f"/api/org/units/{c.unit_a.pk}", OVER_UNIT_A), Probe(f"/api/org/units/{c.unit_d.pk}", OVER_UNIT_D)],
    "api:node_children": lambda c: [Probe(f"/api/org/nodes/{c.street.pk}/children", OVER_STREET)],
}
