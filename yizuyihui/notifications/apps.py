from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "yizuyihui.notifications"
    label = "notifications"
