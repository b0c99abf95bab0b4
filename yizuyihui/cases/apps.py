from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "yizuyihui.cases"
    label = "cases"
