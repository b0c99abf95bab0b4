"""Scope-matrix entries for the people API (merged by tests/accounts/test_accounts_scope_matrix.py)."""

from scope import OVER_UNIT_A, OVER_UNIT_D, STAFF, Probe

ROUTES = {
    "api:list_persons": lambda c: [Probe("/api/people/persons", STAFF)],
    "api:get_person": lambda c: [
        Probe(f"/api/people/persons/{c.residents['resident'].pk}", OVER_UNIT_A),
        Probe(f"/api/people/persons/{c.residents['outsider'].pk}", OVER_UNIT_D),
    ],
}
