from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "yizuyihui.cases"
    label = "cases"
    verbose_name = _("Matters and deadlines")  # its heading on the configuration site

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from yizuyihui.cases import deadlines
        from yizuyihui.cases.models import Category, DeadlinePolicy, WorkingDay

        def _reset(**_kwargs):
            deadlines.calendar_reset_cache()

        # The per-process caches of these small tables are cleared by any edit made in this process.
        for model in (Category, DeadlinePolicy, WorkingDay):
            post_save.connect(_reset, sender=model, dispatch_uid=f"cases-cache-{model.__name__}-save", weak=False)
            post_delete.connect(_reset, sender=model, dispatch_uid=f"cases-cache-{model.__name__}-delete", weak=False)

        # Input refused at the edge on an Open311 path answers in Open311's own error format.
        from yizuyihui.cases.open311 import error_for_path
        from yizuyihui.core.plugins import register_provider

        register_provider("edge_error", error_for_path)
