"""Who may change people data, and where."""

from __future__ import annotations

from yizuyihui.accounts.scope import role_paths

# The register of households and residents is kept by the community (村/社区两委) and above.
REGISTER_ROLES = frozenset({"community_cadre", "street_official", "district_official", "city_admin"})


def register_paths(user) -> tuple[str, ...]:
    """Org paths under which the user may import households and residents (empty: nowhere)."""
    return role_paths(user, REGISTER_ROLES)
