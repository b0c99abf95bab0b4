from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "yizuyihui.api"
    label = "api"
