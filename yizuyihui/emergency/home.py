"""Home cards and navigation for emergency mode (see core/plugins.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from yizuyihui.core.plugins import Card, NavItem


def nav_items(request):
    from yizuyihui.accounts.roles import is_staff

    if is_staff(request.user):
        return [NavItem(_("Calm and urgent"), reverse("emergency:index"), order=35)]
    return []


def home_cards(request):
    """An active emergency over the viewer's scope is the first thing on a staff member's home page."""
    from yizuyihui.accounts.roles import is_staff
    from yizuyihui.emergency.models import EmergencyStatus
    from yizuyihui.emergency.selectors import visible_emergencies

    if not is_staff(request.user):
        return []
    active = list(visible_emergencies(request.user).filter(status=EmergencyStatus.ACTIVE)[:5])
    if not active:
        return []
    return [Card(_("Emergency mode"), reverse("emergency:index"), len(active),
                 _("平急转换 · tasks to full coverage"), order=1, tone="alert",
                 items=[(f"{e.node.name} · {e.get_kind_display()}", reverse("emergency:tasks", args=[e.pk]))
                        for e in active])]
