"""The audit log on 配置 for city admins (see core/plugins.py): the page had no link."""

from django.urls import reverse
from django.utils.translation import gettext as _

from yizuyihui.accounts.roles import is_city_admin
from yizuyihui.core.plugins import NavItem


def config_items(request):
    if not is_city_admin(request.user):
        return []
    return [NavItem(_("Audit log"), reverse("audit:log"), order=92)]
