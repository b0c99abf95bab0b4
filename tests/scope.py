"""Who sees what, for tests: `Probe` and the persona sets of the cast (demo/cast.py).

The scope matrix (tests/accounts/test_accounts_scope_matrix.py) and every app's
`tests/<app>/scope_routes.py` import these from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from yizuyihui.demo.cast import PERSONAS

ALL = frozenset(PERSONAS)
STAFF = ALL - {"resident"}
# Staff whose scope covers unit A (幸福一网格, in 东风街道 of 东区)
OVER_UNIT_A = frozenset({"city_admin", "district_official", "department_handler", "street_official",
                         "community_cadre", "grid_worker", "unit_leader", "council_member", "building_head"})
# Staff whose scope covers unit D (和平一网格, in 西风街道 of 东区): the outsider's street
OVER_UNIT_D = frozenset({"city_admin", "district_official", "department_handler", "outsider"})
OVER_STREET = frozenset({"city_admin", "district_official", "department_handler", "street_official"})
# The Party group of unit A and the levels that lead it (accounts.roles.MANAGER_ROLES over unit A).
MANAGERS_OVER_A = frozenset({"city_admin", "community_cadre", "district_official", "street_official", "unit_leader"})


@dataclass
class Probe:
    url: str
    allowed: frozenset[str]
    method: str = "get"
    data: dict | None = None
    anonymous_ok: bool = False
    # Text that must never appear in the response, whoever reads it (public routes: phone and ID
    # numbers, the reporter's address, confidential matters) — the matrix reads what they return.
    secrets: tuple[str, ...] = ()
    json: bool = False  # send `data` as a JSON body (API writes)
    # A write the first allowed persona already made: the others may get 409/422 (state), never 401/403/404.
    state_errors_ok: bool = False
    # Pages for people who live in a unit (a superuser account lives nowhere) opt out of the superuser check.
    superuser_too: bool = True

    def opened(self, response) -> bool:
        if self.state_errors_ok and response.status_code in (409, 422):
            return True
        return response.status_code < 400

    def send(self, client):
        if self.json:
            import json

            return getattr(client, self.method)(self.url, json.dumps(self.data or {}), content_type="application/json")
        return getattr(client, self.method)(self.url, self.data or {})

    def assert_keeps_secrets(self, response, who: str) -> None:
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", "replace")
        leaked = [s for s in self.secrets if s in text]
        assert not leaked, f"{who} read {leaked} at {self.url}"
