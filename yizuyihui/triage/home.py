"""Home card and navigation for widespread problems (see core/plugins.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from yizuyihui.core.plugins import Card, NavItem


def nav_items(request):
    from yizuyihui.accounts.scope import role_paths
    from yizuyihui.triage.review import may_review
    from yizuyihui.triage.selectors import WIDESPREAD_ROLES

    items = []
    # The posts, as widespread_nodes reads them, without loading their nodes: this runs on every page.
    if role_paths(request.user, WIDESPREAD_ROLES):
        items.append(NavItem(_("Widespread problems"), reverse("triage:widespread"), order=25))
    if may_review(request.user):
        items.append(NavItem(_("Matters to categorise"), reverse("triage:review"), order=24))
    return items


def home_cards(request):
    """The number of candidate widespread problems in the first node of the viewer's scope, from
    the cache only (the periodic task or the page computes it): the home page stays fast."""
    from yizuyihui.triage.selectors import widespread_count, widespread_nodes

    nodes = widespread_nodes(request.user)
    if not nodes:
        return []
    value = widespread_count(user=request.user, node=nodes[0])
    return [Card(_("Widespread problems"), reverse("triage:widespread"), value, _("For tier 3: the street/township"), order=13,
                 tone="warn" if value else "")]
