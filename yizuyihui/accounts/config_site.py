"""The city administrators' configuration pages that are rarely used (taxonomy, deadline policies,
the working-day calendar …): a Django admin site of its own at /config/admin/, open to city
administrators (accounts.roles.is_city_admin), not only to Django "staff" accounts.

Apps register their configuration models here in their `admin.py` with `CityAdminOnly`, which
checks the role on every view and records every save and delete in the audit log
(AuditAction.CONFIG_CHANGED). The configuration hub (/accounts/config/) links these pages and the
apps' own ones, gathered from each app's `home.config_items(request)` (core/plugins.py).
"""

from __future__ import annotations

from functools import update_wrapper

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from yizuyihui.accounts.roles import is_city_admin
from yizuyihui.audit.models import AuditAction
from yizuyihui.audit.services import audit_record


class ConfigSite(admin.AdminSite):
    site_header = _("Configuration")
    site_title = _("Configuration")
    index_title = _("Configuration")
    site_url = "/accounts/config/"
    enable_nav_sidebar = False

    def has_permission(self, request):
        return request.user.is_active and is_city_admin(request.user)

    def admin_view(self, view, cacheable=False):
        wrapped = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied  # 403, and nothing runs
            return wrapped(request, *args, **kwargs)

        return update_wrapper(guarded, wrapped)

    def login(self, request, extra_context=None):
        # Signed in without the role: refused, not sent to a second login form.
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)


config_site = ConfigSite(name="config")


class CityAdminOnly(admin.ModelAdmin):
    """City administrators may view and change the model; every change goes to the audit log."""

    def has_module_permission(self, request):
        return is_city_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_city_admin(request.user)

    def has_add_permission(self, request):
        return is_city_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return is_city_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_city_admin(request.user)

    def _record(self, request, obj, change: str) -> None:
        audit_record(action=AuditAction.CONFIG_CHANGED, request=request, obj=obj,
                     detail={"change": change, "what": str(obj)[:200]})

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._record(request, obj, "change" if change else "add")

    def delete_model(self, request, obj):
        self._record(request, obj, "delete")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._record(request, obj, "delete")
        super().delete_queryset(request, queryset)
