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
