from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "yizuyihui.insights"
    label = "insights"
