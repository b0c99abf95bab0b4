"""Navigation and dashboard entry for maps (see core/plugins.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from yizuyihui.accounts.roles import is_staff
from yizuyihui.core.plugins import NavItem


def nav_items(request):
    if is_staff(request.user):
        return [NavItem(_("Map"), reverse("places:worklist_map"), order=22)]
    return []
