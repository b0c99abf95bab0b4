"""Who may do what in deliberation (django-rules predicates over the org tree).

The paper: the Party group sets the topics and the direction, so convening and recording the
outcome is for the unit's Party-group leader and the levels that lead the unit (the same people
who receive and dispatch matters). Members and residents propose topics; everyone whose scope
covers the unit reads the meetings; residents read the unit's public notice.
"""

from __future__ import annotations

import rules

from yizuyihui.accounts.roles import MANAGER_ROLES, STAFF_ROLES, resident_unit
from yizuyihui.accounts.scope import has_role_over, in_scope


def _is_own_unit(user, unit) -> bool:
    own = resident_unit(user)
    return own is not None and unit is not None and own.pk == unit.pk


@rules.predicate
def can_view_meetings(user, unit):
    return unit is not None and in_scope(user, unit.node)


@rules.predicate
def can_run_meetings(user, unit):
    return unit is not None and has_role_over(user, unit.node, MANAGER_ROLES)


@rules.predicate
def can_propose_topic(user, unit):
    return unit is not None and (has_role_over(user, unit.node, STAFF_ROLES) or _is_own_unit(user, unit))


@rules.predicate
def can_view_board(user, unit):
    """全员监督: the unit's residents and everyone whose scope covers it."""
    return unit is not None and (in_scope(user, unit.node) or _is_own_unit(user, unit))


@rules.predicate
def can_complete_action(user, action):
    """The owner reports their own action done; the Party group may record it for them (oral reports)."""
    if action is None:
        return False
    return (action.owner.user_id is not None and action.owner.user_id == user.pk) or can_run_meetings(user, action.unit)


rules.add_perm("meetings.view_meetings", can_view_meetings)
rules.add_perm("meetings.run_meetings", can_run_meetings)
rules.add_perm("meetings.propose_topic", can_propose_topic)
rules.add_perm("meetings.view_board", can_view_board)
rules.add_perm("meetings.complete_action", can_complete_action)
