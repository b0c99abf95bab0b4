from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "yizuyihui.org"
    label = "org"
