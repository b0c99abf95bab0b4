from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "yizuyihui.triage"
    label = "triage"
