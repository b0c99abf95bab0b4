"""The unread-notifications card (see core/plugins.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from yizuyihui.core.plugins import Card


def home_cards(request):
    from yizuyihui.notifications.selectors import unread_count

    unread = unread_count(user=request.user)
    return [Card(_("Notifications"), reverse("notifications:inbox"), unread, order=5, tone="warn")] if unread else []
