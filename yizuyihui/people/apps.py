from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "yizuyihui.people"
    label = "people"
