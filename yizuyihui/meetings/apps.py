from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "yizuyihui.meetings"
    label = "meetings"
