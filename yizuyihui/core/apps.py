from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "yizuyihui.core"
    label = "core"
