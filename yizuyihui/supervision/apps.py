from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "yizuyihui.supervision"
    label = "supervision"
