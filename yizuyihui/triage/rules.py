"""Who may support a matter (likely duplicates) and who sees widespread problems (django-rules)."""

from __future__ import annotations

import rules

from yizuyihui.accounts.roles import BRANCH_ROLES
from yizuyihui.accounts.scope import role_paths
from yizuyihui.cases.lifecycle import OPEN_STATUSES
from yizuyihui.org.models import Level

# Who sees widespread problems: the street/township, district and city (and community cadres
# for their community). Department handlers and the unit's members do not.
WIDESPREAD_ROLES = BRANCH_ROLES
# Levels a widespread-problem page may be opened for.
WIDESPREAD_LEVELS = frozenset({Level.CITY, Level.DISTRICT, Level.COUNTY, Level.STREET, Level.TOWNSHIP,
                               Level.COMMUNITY, Level.VILLAGE})


@rules.predicate
def may_support(user, case) -> bool:
    """Residents of the matter's unit and staff who may file for it may attach to an open matter."""
    return case.status in OPEN_STATUSES and user.has_perm("cases.file_for_unit", case.unit)


@rules.predicate
def may_view_widespread(user, node) -> bool:
    return (node is not None and node.level in WIDESPREAD_LEVELS
            and any(node.path.startswith(p) for p in role_paths(user, WIDESPREAD_ROLES)))


rules.add_perm("triage.support_case", may_support)
rules.add_perm("triage.view_widespread", may_view_widespread)
