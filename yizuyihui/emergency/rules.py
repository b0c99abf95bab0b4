"""Who may do what in emergency mode (django-rules predicates over the org tree).

- Switching a scope on: street/township level or above over the node; a district, county or
  the whole city only by the city (DOMAIN §8, issue 13).
- Switching back: a leading post at the level that switched it on (`authority`) or above.
- Proposing command people: the unit's own Party group and members (those who know the place).
- Confirming them: the community (village) Party branch or a level above.
- A task result: the person it is assigned to (through the roster), a confirmed commander whose
  place covers the household, or a member of the unit (grid worker, unit leader, …) or a leading
  level over it. Nobody else.
"""

from __future__ import annotations

import rules

from yizuyihui.accounts.roles import ADMIN_ROLES, BRANCH_ROLES, LEADING_ROLES, MANAGER_ROLES, MEMBER_ROLES
from yizuyihui.accounts.scope import has_role_over, in_scope
from yizuyihui.org.models import Level

# Scopes only the city switches.
CITY_SWITCHED_LEVELS = {Level.CITY, Level.DISTRICT, Level.COUNTY}


def switch_roles_for(node) -> frozenset[str]:
    return ADMIN_ROLES if node.level in CITY_SWITCHED_LEVELS else LEADING_ROLES


@rules.predicate
def can_switch(user, node):
    return node is not None and has_role_over(user, node, switch_roles_for(node))


@rules.predicate
def can_end(user, emergency):
    return emergency is not None and has_role_over(user, emergency.authority, switch_roles_for(emergency.node))


@rules.predicate
def can_view_emergency(user, emergency):
    """Staff whose scope meets the emergency's: inside it (a grid worker of a switched community)
    or over it (the street that switched it)."""
    if emergency is None:
        return False
    if in_scope(user, emergency.node):
        return True
    from yizuyihui.accounts.scope import user_scope

    scope = user_scope(user)
    return any(p.startswith(emergency.node.path) for p in scope.paths)


@rules.predicate
def can_propose(user, unit):
    return unit is not None and has_role_over(user, unit.node, MEMBER_ROLES | MANAGER_ROLES)


@rules.predicate
def can_confirm(user, node):
    """The community (village) Party branch over the place, or a level above it."""
    return node is not None and has_role_over(user, node, BRANCH_ROLES)


@rules.predicate
def can_manage_emergency(user, emergency):
    """Generate tasks, write the daily report's note: the branch or a leading level over the scope."""
    return emergency is not None and has_role_over(user, emergency.node, BRANCH_ROLES)


def _commands(user, node) -> bool:
    from yizuyihui.emergency.models import CommandPost, CommandState

    person_id = getattr(getattr(user, "person", None), "pk", None)
    if person_id is None:
        return False
    paths = CommandPost.objects.filter(person_id=person_id, state=CommandState.CONFIRMED,
                                       emergency__status="active").values_list("node__path", flat=True)
    return any(node.path.startswith(p) for p in paths)


@rules.predicate
def can_do_task(user, task):
    if task is None:
        return False
    person_id = getattr(getattr(user, "person", None), "pk", None)
    if person_id is not None and task.assignee_id == person_id and task.emergency.is_active:
        return True
    return has_role_over(user, task.node, MEMBER_ROLES | BRANCH_ROLES) or _commands(user, task.node)


rules.add_perm("emergency.switch", can_switch)
rules.add_perm("emergency.end", can_end)
rules.add_perm("emergency.view", can_view_emergency)
rules.add_perm("emergency.propose", can_propose)
rules.add_perm("emergency.confirm", can_confirm)
rules.add_perm("emergency.manage", can_manage_emergency)
rules.add_perm("emergency.do_task", can_do_task)
