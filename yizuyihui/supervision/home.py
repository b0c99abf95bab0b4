"""The 督办 card and navigation link (see core/plugins.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from yizuyihui.core.plugins import Card, NavItem


def nav_items(request):
    from yizuyihui.accounts.roles import is_staff

    return [NavItem(_("Supervision"), reverse("supervision:board"), order=21)] if is_staff(request.user) else []


def home_cards(request):
    from yizuyihui.accounts.roles import is_staff
    from yizuyihui.supervision.selectors import supervision_open_count

    if not is_staff(request.user):
        return []
    sups = supervision_open_count(user=request.user)
    return [Card(_("Open supervision"), reverse("supervision:board"), sups, _("督办"), order=12,
                 tone="alert" if sups else "")]
