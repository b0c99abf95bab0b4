from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "yizuyihui.visits"
    label = "visits"
