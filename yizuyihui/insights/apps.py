from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "yizuyihui.insights"
    label = "insights"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from yizuyihui.cases.models import CaseEvent
        from yizuyihui.insights import rollups

        # Every matter event queues its (unit, filing day) rollup bucket (rollups.py).
        post_save.connect(rollups.mark_event, sender=CaseEvent, dispatch_uid="insights-rollup-mark", weak=False)
        # The overdue sweep's bulk updates send no signal: it calls this provider instead.
        from yizuyihui.core.plugins import register_provider

        register_provider("cases_changed", rollups.mark_cases)
        # The other apps' panels (visits, duties, reports, meetings) read generic rollups.
        from yizuyihui.insights import panel_rollups

        register_provider("panel_rollups", lambda: panel_rollups)
