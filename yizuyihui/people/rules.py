"""Who may change people data, and where."""

from __future__ import annotations

from yizuyihui.accounts.roles import BRANCH_ROLES
from yizuyihui.accounts.scope import active_posts, has_role_over, role_paths
from yizuyihui.org.models import Level
from yizuyihui.people.models import Role

# The register of households and residents is kept by the community (村/社区两委) and above.
REGISTER_ROLES = frozenset({"community_cadre", "street_official", "district_official", "city_admin"})


def register_paths(user) -> tuple[str, ...]:
    """Org paths under which the user may import households and residents (empty: nowhere)."""
    return role_paths(user, REGISTER_ROLES)


def may_manage_roster(user, unit) -> bool:
    """The branch (community/village cadres) and the levels above it keep the units' Party groups,
    councils and "+" pools (DOMAIN §3: a unit belongs to the branch, which leads it)."""
    return unit is not None and has_role_over(user, unit.node, BRANCH_ROLES)


# Where each role is held (a post at another level would give a scope the role does not mean).
UNIT_ROLE_LEVELS = frozenset({Level.GRID, Level.NATURAL_VILLAGE})
ROLE_LEVELS: dict[str, frozenset[str]] = {
    Role.RESIDENT: UNIT_ROLE_LEVELS | {Level.BUILDING},
    Role.BUILDING_HEAD: UNIT_ROLE_LEVELS | {Level.BUILDING},
    Role.GRID_WORKER: UNIT_ROLE_LEVELS,
    Role.UNIT_LEADER: UNIT_ROLE_LEVELS,
    Role.COUNCIL_MEMBER: UNIT_ROLE_LEVELS,
    Role.COMMUNITY_CADRE: frozenset({Level.COMMUNITY, Level.VILLAGE}),
    Role.STREET_OFFICIAL: frozenset({Level.STREET, Level.TOWNSHIP}),
    Role.DEPARTMENT_HANDLER: frozenset({Level.DISTRICT, Level.COUNTY, Level.CITY}),
    Role.DISTRICT_OFFICIAL: frozenset({Level.DISTRICT, Level.COUNTY}),
    Role.CITY_ADMIN: frozenset({Level.CITY}),
}
# A post may be given only by someone of a higher rank over the node: a community cadre staffs
# the grids (grid workers, unit leaders, council members, building heads), not another cadre.
RANK = {Role.RESIDENT: 0, Role.BUILDING_HEAD: 1, Role.GRID_WORKER: 1, Role.UNIT_LEADER: 1, Role.COUNCIL_MEMBER: 1,
        Role.COMMUNITY_CADRE: 2, Role.STREET_OFFICIAL: 3, Role.DEPARTMENT_HANDLER: 3, Role.DISTRICT_OFFICIAL: 4,
        Role.CITY_ADMIN: 5}
RANK = {str(k): v for k, v in RANK.items()}
ROLE_LEVELS = {str(k): frozenset(str(lv) for lv in v) for k, v in ROLE_LEVELS.items()}


def may_grant_post(user, role: str, node) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or node is None:
        return False
    if user.is_superuser:
        return True
    return any(r in BRANCH_ROLES and node.path.startswith(path) and RANK.get(role, 99) < RANK[r]
               for r, path in active_posts(user))


def grantable_roles(user, node) -> list[str]:
    """The roles `user` may give at `node`, lowest first (the post form's choices)."""
    return [r for r in sorted(RANK, key=RANK.get) if node.level in ROLE_LEVELS[r] and may_grant_post(user, r, node)]
