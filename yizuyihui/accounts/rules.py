"""Permission predicates over (user, object) that know the org tree (django-rules).

Object-level checks for views: `request.user.has_perm("org.view_unit", unit)`.
"""

import rules

from yizuyihui.accounts import roles
from yizuyihui.accounts.scope import has_role_over, in_scope


@rules.predicate
def node_in_scope(user, node):
    return in_scope(user, node)


@rules.predicate
def unit_in_scope(user, unit):
    return unit is not None and in_scope(user, unit.node)


@rules.predicate
def is_city_admin(user):
    return roles.is_city_admin(user)


@rules.predicate
def manages_node(user, node):
    """Cadres and officials at or above the node may change its roster and tree."""
    return has_role_over(user, node, roles.BRANCH_ROLES)


rules.add_perm("org.view_node", node_in_scope)
rules.add_perm("org.view_unit", unit_in_scope)
rules.add_perm("org.import_tree", is_city_admin)
rules.add_perm("org.manage_node", manages_node)
