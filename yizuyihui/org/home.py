"""Organisation navigation and the units card (see core/plugins.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from yizuyihui.accounts.scope import user_scope
from yizuyihui.core.plugins import Card, NavItem


def nav_items(request):
    items = []
    if user_scope(request.user).paths:
        items.append(NavItem(_("Organisation"), reverse("org:browse"), order=10))
        items.append(NavItem(_("Units"), reverse("org:unit_list"), order=11))
    return items


def home_cards(request):
    from yizuyihui.org.selectors import units_visible_to

    scope = user_scope(request.user)
    if not scope.paths:
        return []
    units = units_visible_to(request.user)
    count = units.count()
    cards = [Card(_("Units in my scope"), reverse("org:unit_list"), count, _("一组一会"), order=90)]
    if count == 1:
        unit = units.get()
        cards.insert(0, Card(_("My unit"), reverse("org:unit_detail", args=[unit.pk]), unit.name, order=1))
    return cards


def config_items(request):
    """The tree's import (`org:import`) on 配置: it had no link."""
    if not request.user.has_perm("org.import_tree"):
        return []
    return [NavItem(_("Import the organisation"), reverse("org:import"), order=30)]
