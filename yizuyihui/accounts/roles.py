"""Role groups (from `people.models.Role`), who counts as staff, and a resident's own unit.

Every app checks roles through these groups instead of spelling role names: a new role is added
to `Role` and to the groups it belongs to, here, once.
"""

from __future__ import annotations

from yizuyihui.accounts.scope import role_paths
from yizuyihui.people.models import Role

ALL_ROLES = frozenset(Role.values)
# Party group of the unit and the leading levels above it: receive, deliberate, dispatch, escalate.
MANAGER_ROLES = frozenset({Role.UNIT_LEADER, Role.COMMUNITY_CADRE, Role.STREET_OFFICIAL, Role.DISTRICT_OFFICIAL,
                           Role.CITY_ADMIN})
# 收单: the unit's Party group — its leader and its grid worker (a Party-group member, DOMAIN §3,
# the one who first sees a new matter of the grid) — and the leading levels above it.
RECEIVER_ROLES = MANAGER_ROLES | {Role.GRID_WORKER}
# Members of the unit who collect and may settle a small matter on the spot.
MEMBER_ROLES = frozenset({Role.GRID_WORKER, Role.UNIT_LEADER, Role.COUNCIL_MEMBER, Role.BUILDING_HEAD})
# The council tells the resident the result.
COUNCIL_ROLES = frozenset({Role.COUNCIL_MEMBER, Role.UNIT_LEADER})
# Who may be dispatched a matter.
HANDLER_ROLES = frozenset({Role.GRID_WORKER, Role.UNIT_LEADER, Role.COUNCIL_MEMBER, Role.BUILDING_HEAD,
                           Role.COMMUNITY_CADRE, Role.STREET_OFFICIAL, Role.DEPARTMENT_HANDLER, Role.DISTRICT_OFFICIAL})
# The branch (community/village) and the levels above it: they lead units and change the tree.
BRANCH_ROLES = frozenset({Role.COMMUNITY_CADRE, Role.STREET_OFFICIAL, Role.DISTRICT_OFFICIAL, Role.CITY_ADMIN})
# Street level and above: widespread problems, tier 3.
LEADING_ROLES = frozenset({Role.STREET_OFFICIAL, Role.DISTRICT_OFFICIAL, Role.CITY_ADMIN})
# Whose work needs residents' real ID-card and phone numbers: they visit households and phone residents.
PERSONAL_DATA_ROLES = frozenset({Role.GRID_WORKER, Role.UNIT_LEADER, Role.COMMUNITY_CADRE})
# Administrators of the whole city (taxonomy, policies, imports).
ADMIN_ROLES = frozenset({Role.CITY_ADMIN})
# Every post but a resident's: a resident's post places a person in a unit and grants no view.
STAFF_ROLES = ALL_ROLES - {Role.RESIDENT}

# The managers told about a matter at their level (the district and city are not paged for each one).
NEARBY_MANAGER_ROLES = MANAGER_ROLES - {Role.DISTRICT_OFFICIAL, Role.CITY_ADMIN}

# Plain strings, so `role in MANAGER_ROLES` and `role__in=MANAGER_ROLES` both work with values from the DB.
(MANAGER_ROLES, MEMBER_ROLES, COUNCIL_ROLES, HANDLER_ROLES, BRANCH_ROLES, LEADING_ROLES, ADMIN_ROLES, STAFF_ROLES,
 ALL_ROLES, NEARBY_MANAGER_ROLES, PERSONAL_DATA_ROLES, RECEIVER_ROLES) = (
    frozenset(str(r) for r in g) for g in (MANAGER_ROLES, MEMBER_ROLES, COUNCIL_ROLES, HANDLER_ROLES, BRANCH_ROLES,
                                           LEADING_ROLES, ADMIN_ROLES, STAFF_ROLES, ALL_ROLES, NEARBY_MANAGER_ROLES,
                                           PERSONAL_DATA_ROLES, RECEIVER_ROLES))


# The community (or village) and the street (or township) over it: they confirm honours, issue
# thank-you letters (感谢信) and report to the organisation department — not the levels above.
COMMUNITY_STREET_ROLES = frozenset(str(r) for r in (Role.COMMUNITY_CADRE, Role.STREET_OFFICIAL))


def is_staff(user) -> bool:
    """Any active post other than resident (or a superuser). Uses the same cached post list as
    the role checks, so filing (a role check plus this) reads the posts once."""
    return bool(role_paths(user, STAFF_ROLES))


def is_city_admin(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or bool(role_paths(user, ADMIN_ROLES))


def resident_unit(user):
    """The unit (一组一会) a person belongs to as a resident: the grid or natural village they live in.

    DOMAIN §2/§3: everyone lives in a unit; the person's home node says which (a building below a
    grid counts for its grid). A user without a person record falls back to a resident post held
    at a unit. Staff who live in a unit are its residents too (they may file there as residents).
    Cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_yzyh_resident_unit", False)
    if cached is not False:
        return cached
    unit = None
    person = getattr(user, "person", None)
    if person is not None:
        node = person.node
        if not node.is_unit_level:
            node = node.get_parent()
        unit = getattr(node, "unit", None) if node is not None and node.is_unit_level else None
    if unit is None:
        post = user.posts.filter(active=True, role=Role.RESIDENT).select_related("node__unit").first()
        if post is not None and post.node.is_unit_level:
            unit = getattr(post.node, "unit", None)
    user._yzyh_resident_unit = unit
    return unit
