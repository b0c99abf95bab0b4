"""Visit cadences and attendance deadlines in the configuration site (the city administrator's
everyday page for both is /visits/policy/, which re-plans the schedules; this lists them)."""

from django.contrib import admin

from yizuyihui.accounts.config_site import CityAdminOnly, config_site
from yizuyihui.visits.models import CadencePolicy, DutyPolicy


@admin.register(CadencePolicy, site=config_site)
class CadencePolicyAdmin(CityAdminOnly):
    list_display = ("category", "period", "updated")
    list_filter = ("period",)
    search_fields = ("category",)

    # Edits go through /visits/policy/ (visits.services.cadence_set re-plans the open slots).
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DutyPolicy, site=config_site)
class DutyPolicyAdmin(CadencePolicyAdmin):
    list_display = ("event_type", "urgent", "deadline_minutes")
    list_filter = ("urgent",)
    search_fields = ("event_type",)
