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
    """On the phone's home page: "my tasks" first — the households assigned to the viewer through the
    command roster (a building head's building, the grid commander's grid; anyone with tasks, staff
    post or not) — then, for staff, the active emergencies over their scope."""
    from yizuyihui.accounts.roles import is_staff
    from yizuyihui.emergency.models import EmergencyStatus
    from yizuyihui.emergency.selectors import my_open_tasks, visible_emergencies

    if not request.user.is_authenticated:
        return []
    cards = []
    for e, n, first in my_open_tasks(user=request.user):
        note = _("households assigned to me")
        if first is not None:
            note = _("households assigned to me · next: %(address)s") % {"address": first.household.address}
        cards.append(Card(_("My tasks: %(place)s, %(kind)s") % {"place": e.node.name, "kind": e.get_kind_display()},
                          reverse("emergency:tasks", args=[e.pk]), n, note, order=0, tone="alert"))
    if not is_staff(request.user):
        return cards
    active = list(visible_emergencies(request.user).filter(status=EmergencyStatus.ACTIVE)[:5])
    if not active:
        return cards
    return [*cards, Card(_("Emergency mode"), reverse("emergency:index"), len(active),
                 _("平急转换 · tasks to full coverage"), order=1, tone="alert",
                 items=[(f"{e.node.name} · {e.get_kind_display()}", reverse("emergency:tasks", args=[e.pk]))
                        for e in active])]
