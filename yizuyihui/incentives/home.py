"""Home cards and navigation for incentives (see core/plugins.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from yizuyihui.accounts.roles import is_staff
from yizuyihui.core.plugins import Card, NavItem
from yizuyihui.incentives.home_recognition import recognition_cards
from yizuyihui.incentives.models import PointAccount


def nav_items(request):
    if is_staff(request.user):
        return [NavItem(_("Incentives"), reverse("incentives:rewards"), order=38),
                NavItem(_("Performance"), reverse("incentives:performance"), order=39)]
    return []


def home_cards(request):
    return _points_cards(request) + recognition_cards(request)


def _points_cards(request):
    person = getattr(request.user, "person", None)
    if person is None:
        return []
    account = PointAccount.objects.filter(person=person).first()
    return [Card(_("My points"), reverse("incentives:points"), account.balance if account else 0,
                 _("积分 · rewards of your community"), order=55)]


def config_items(request):
    """The city's points rules and honour titles on 配置: they had no link."""
    from yizuyihui.incentives import rules

    items = []
    if rules.can_edit_point_rules(request.user):
        items.append(NavItem(_("Points rules"), reverse("incentives:rules"), order=40))
    if rules.can_edit_honour_titles(request.user):
        items.append(NavItem(_("Honour titles"), reverse("incentives:honour_titles"), order=41))
    return items
