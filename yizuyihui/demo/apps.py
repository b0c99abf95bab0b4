from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "yizuyihui.demo"
    label = "demo"
