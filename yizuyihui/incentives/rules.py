"""Who may do what with points, rewards, letters and reports (one place for each rule)."""

from __future__ import annotations

from yizuyihui.accounts.roles import ADMIN_ROLES, BRANCH_ROLES, is_city_admin
from yizuyihui.accounts.scope import has_role_over


def can_edit_point_rules(user) -> bool:
    """The points rules are the city's: its administrators edit them."""
    return is_city_admin(user)


def can_manage_rewards(user, node) -> bool:
    """A community (or village) offers rewards; its cadres and the levels above keep them."""
    return is_city_admin(user) or has_role_over(user, node, BRANCH_ROLES)


def can_redeem_at(user, node) -> bool:
    """A resident redeems at the community they live in."""
    person = getattr(user, "person", None)
    return person is not None and person.node.path.startswith(node.path)


def lives_under(person, node) -> bool:
    return person is not None and person.node.path.startswith(node.path)


__all__ = ["ADMIN_ROLES", "can_edit_point_rules", "can_manage_rewards", "can_redeem_at", "lives_under"]
