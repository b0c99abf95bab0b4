"""Who may do what with visits, duties and reports (django-rules predicates over the org tree)."""

from __future__ import annotations

import rules

from yizuyihui.accounts.roles import BRANCH_ROLES, MANAGER_ROLES, MEMBER_ROLES, is_city_admin
from yizuyihui.accounts.scope import has_role_over, in_scope, role_paths
from yizuyihui.people.models import Role

# Visits are made by community workers and unit members (DOMAIN §5).
VISITOR_ROLES = MEMBER_ROLES | {Role.COMMUNITY_CADRE.value}
# Who assigns households to visitors: the unit's Party group leader and the levels that lead it.
ASSIGNER_ROLES = MANAGER_ROLES
# BRANCH_ROLES (community/village cadres and the levels above) are the only readers of the
# confidential notes on instability factors. Department handlers are outside this line on purpose.
# Health follow-ups for pregnant residents: the people who visit the household and the branch up.
HEALTH_ROLES = frozenset({Role.GRID_WORKER.value, Role.UNIT_LEADER.value}) | BRANCH_ROLES


def holds_any(user, roles) -> bool:
    return bool(role_paths(user, roles))


@rules.predicate
def can_view_household(user, household):
    return household is not None and in_scope(user, household.node)


@rules.predicate
def can_log_visit(user, household):
    return household is not None and has_role_over(user, household.node, VISITOR_ROLES)


@rules.predicate
def can_assign_visitors(user, unit):
    return unit is not None and has_role_over(user, unit.node, ASSIGNER_ROLES)


@rules.predicate
def can_view_unit_item(user, obj):
    """Events, visits, reports, rentals: anyone whose scope covers the unit."""
    return obj is not None and in_scope(user, obj.unit.node)


@rules.predicate
def can_check_in(user, duty):
    return duty is not None and duty.assignee_id == user.pk


@rules.predicate
def can_read_note(user, note):
    return note is not None and has_role_over(user, note.branch, BRANCH_ROLES)


@rules.predicate
def can_handle_followup(user, followup):
    return followup is not None and has_role_over(user, followup.unit.node, HEALTH_ROLES)


@rules.predicate
def can_edit_policy(user):
    return is_city_admin(user)


rules.add_perm("visits.view_household", can_view_household)
rules.add_perm("visits.log_visit", can_log_visit)
rules.add_perm("visits.assign_visitors", can_assign_visitors)
rules.add_perm("visits.view_unit_item", can_view_unit_item)
rules.add_perm("visits.check_in", can_check_in)
rules.add_perm("visits.read_note", can_read_note)
rules.add_perm("visits.handle_followup", can_handle_followup)
rules.add_perm("visits.edit_policy", can_edit_policy)
