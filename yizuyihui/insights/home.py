from django.urls import reverse
from django.utils.translation import gettext as _

from yizuyihui.accounts.scope import user_scope
from yizuyihui.core.plugins import NavItem


def nav_items(request):
    if user_scope(request.user).paths:
        return [NavItem(_("Measures"), reverse("insights:dashboard"), order=40)]
    return []
