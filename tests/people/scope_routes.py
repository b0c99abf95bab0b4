"""Scope-matrix entries for the people API (merged by tests/accounts/test_accounts_scope_matrix.py)."""

from scope import OVER_UNIT_A, OVER_UNIT_D, STAFF, Probe

# The register import: community cadres and officials above them, each over their own scope.
REGISTER = frozenset({"city_admin", "district_official", "street_official", "community_cadre", "outsider"})

ROUTES = {
    "people:import": lambda c: [Probe("/people/import/", REGISTER)],
    "people:import_template": lambda c: [Probe("/people/import/template.csv", REGISTER)],
    "api:list_persons": lambda c: [Probe("/api/people/persons", STAFF)],
    "api:get_person": lambda c: [
        Probe(f"/api/people/persons/{c.residents['resident'].pk}", OVER_UNIT_A),
        Probe(f"/api/people/persons/{c.residents['outsider'].pk}", OVER_UNIT_D),
    ],
}
