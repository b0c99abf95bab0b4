"""Who may do what with points, rewards, letters and reports (one place for each rule)."""

from __future__ import annotations

from yizuyihui.accounts.roles import ADMIN_ROLES, BRANCH_ROLES, COMMUNITY_STREET_ROLES, is_city_admin
from yizuyihui.accounts.scope import has_role_over
from yizuyihui.org.models import Level


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


# --- honours, thank-you letters, reports to the organisation department ----------------------------
# Where letters and reports are issued from: a community or village, or the street or township.
ISSUER_LEVELS = frozenset({Level.COMMUNITY, Level.VILLAGE, Level.STREET, Level.TOWNSHIP})


def can_issue_for(user, node) -> bool:
    """Thank-you letters and reports to the organisation department are the community's (or the
    street's) over its own scope: its cadres, or the street's officials above it — not the levels
    above the street, not another street."""
    return node is not None and node.level in ISSUER_LEVELS and has_role_over(user, node, COMMUNITY_STREET_ROLES)


def can_decide_honours(user, unit) -> bool:
    """Honours are proposed from the record and confirmed (or rejected) by the community over the
    unit, or the street above it."""
    return unit is not None and has_role_over(user, unit.node, COMMUNITY_STREET_ROLES)


def can_edit_honour_titles(user) -> bool:
    """The titles (星级文明户 …) are the city's, like the points rules."""
    return is_city_admin(user)
