"""Who may see, appeal and answer a performance score, and edit the weighting (one place each)."""

from __future__ import annotations

from yizuyihui.accounts.roles import BRANCH_ROLES, LEADING_ROLES, is_city_admin
from yizuyihui.accounts.scope import has_role_over, in_scope, role_paths
from yizuyihui.incentives.performance_models import SubjectKind
from yizuyihui.people.models import Post, Role

# Who answers for a node's own score: the community's cadres, the street's officials.
NODE_HOLDERS = {SubjectKind.COMMUNITY: frozenset({Role.COMMUNITY_CADRE.value}),
                SubjectKind.STREET: frozenset({Role.STREET_OFFICIAL.value}),
                SubjectKind.UNIT: frozenset({Role.UNIT_LEADER.value})}


def can_edit_weights(user) -> bool:
    """The weighting is the city's: its administrators edit it."""
    return is_city_admin(user)


def _person_id(user):
    person = getattr(user, "person", None)
    return person.pk if person is not None else None


def can_view_score(user, score) -> bool:
    """Staff see the scores in their scope; the assessed person always sees their own."""
    return is_assessed(user, score) or in_scope(user, score.node)


def is_assessed(user, score) -> bool:
    """The person a score is about: the staff member, or a holder of the node's own post."""
    if score.person_id is not None:
        return score.person_id == _person_id(user) or (score.user_id is not None and score.user_id == user.pk)
    return score.node.path in role_paths(user, NODE_HOLDERS.get(score.kind, frozenset()))


def can_appeal(user, score) -> bool:
    return is_assessed(user, score)


def can_answer_appeal(user, score) -> bool:
    """A cadre of the level above the assessed: the community over its units' staff, the street
    over its communities, the district over its streets — never the appellant themself."""
    if is_assessed(user, score):
        return False
    parent = score.node.get_parent()
    if parent is None:
        return False
    roles = LEADING_ROLES if score.kind in (SubjectKind.COMMUNITY, SubjectKind.STREET) else BRANCH_ROLES
    return has_role_over(user, parent, roles)


def appeal_answerers(score) -> list:
    """Who is told of a new appeal: the holders of an answering role at the level just above the
    assessed (the community's cadres for its units' staff, the street's officials for a community,
    the district's for a street); if that node has none, the nearest level above that has some.
    Never the appellant themself, never the whole chain up to the city."""
    parent = score.node.get_parent()
    if parent is None:
        return []
    roles = LEADING_ROLES if score.kind in (SubjectKind.COMMUNITY, SubjectKind.STREET) else BRANCH_ROLES
    levels = [parent, *reversed(list(parent.get_ancestors()))]
    posts = (Post.objects.filter(active=True, role__in=list(roles), node__in=levels, user__is_active=True)
             .select_related("user__person", "node"))
    by_level: dict[int, dict] = {}
    for post in posts:
        if not is_assessed(post.user, score):
            by_level.setdefault(post.node_id, {})[post.user_id] = post.user
    for node in levels:
        if by_level.get(node.pk):
            return sorted(by_level[node.pk].values(), key=lambda u: u.pk)
    return []


def can_recompute(user) -> bool:
    return is_city_admin(user)
