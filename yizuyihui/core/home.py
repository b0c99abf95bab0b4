from django.urls import reverse
from django.utils.translation import gettext as _

from yizuyihui.core.plugins import NavItem


def nav_items(request):
    return [NavItem(_("Home"), reverse("core:home"), order=0)]
