"""Who decides a join request: the unit's grid worker, and the roles that may see residents' ID
numbers at or above it (accounts.roles.PERSONAL_DATA_ROLES: grid worker, unit leader, community
cadre) — deciding means comparing the number with the person in front of you."""

import rules

from yizuyihui.accounts.roles import PERSONAL_DATA_ROLES
from yizuyihui.accounts.scope import has_role_over


@rules.predicate
def can_review_join(user, join_request):
    return join_request is not None and join_request.unit_id is not None \
        and has_role_over(user, join_request.unit.node, PERSONAL_DATA_ROLES)


rules.add_perm("signup.review_join", can_review_join)
