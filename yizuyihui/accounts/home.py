"""配置 in the city administrator's navigation, and the API keys on it (see core/plugins.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from yizuyihui.accounts.roles import is_city_admin
from yizuyihui.core.plugins import NavItem


def nav_items(request):
    if not is_city_admin(request.user):
        return []
    return [NavItem(_("Configuration"), reverse("accounts:config"), order=95)]


def config_items(request):
    if not is_city_admin(request.user):
        return []
    return [NavItem(_("API keys"), reverse("accounts:api_keys"), order=90,
                    note=_("Keys for other systems to use the API and Open311; a new key is shown once"))]
