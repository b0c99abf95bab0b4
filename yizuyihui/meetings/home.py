"""Home cards and navigation for deliberation (see core/plugins.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from yizuyihui.core.plugins import Card, NavItem


def nav_items(request):
    from yizuyihui.accounts.roles import is_staff

    if is_staff(request.user):
        return [NavItem(_("Meetings"), reverse("meetings:index"), order=30)]
    return []


def home_cards(request):
    from yizuyihui.accounts.roles import is_staff, resident_unit
    from yizuyihui.meetings.selectors import open_action_counts

    user = request.user
    if is_staff(user):
        counts = open_action_counts(user=user)
        return [
            Card(_("Resolution actions"), reverse("meetings:actions"), counts["open"], _("议事 · 件件有落实"), order=30),
            Card(_("Overdue actions"), reverse("meetings:actions") + "?state=overdue", counts["overdue"],
                 _("不间断协商监督"), order=31, tone="alert" if counts["overdue"] else ""),
        ]
    unit = resident_unit(user)
    if unit is not None:
        return [Card(_("Resolutions of my unit"), reverse("meetings:board", args=[unit.pk]), note=unit.name, order=4)]
    return []
