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
