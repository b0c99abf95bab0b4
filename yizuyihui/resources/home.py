"""Home cards and navigation for linked resources (see core/plugins.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from yizuyihui.accounts.roles import is_staff
from yizuyihui.core.plugins import Card, NavItem
from yizuyihui.resources import selectors


def nav_items(request):
    if is_staff(request.user):
        return [NavItem(_("Resources"), reverse("resources:index"), order=35)]
    return []


def home_cards(request):
    """The "+" worklist on everyone's home page: the matters they were drawn into, and only those."""
    user = request.user
    cards = []
    plus = selectors.my_plus_matters(user=user)
    if plus:
        cards.append(Card(_("My “+” matters"), reverse("resources:my_matters"), len(plus), _("因事而邀 · 一事一议"),
                          order=5, items=[(f"#{c.pk} {c.title}", reverse("resources:matter", args=[c.pk]))
                                          for c in plus[:5]]))
    shared = selectors.company_matters(user=user)
    if shared:
        cards.append(Card(_("Matters about our estates"), reverse("resources:my_matters"), len(shared),
                          _("物业 · 信息共享"), order=6))
    cards.append(Card(_("三报到"), reverse("resources:register"), note=_("Register and record activities"), order=60))
    return cards
