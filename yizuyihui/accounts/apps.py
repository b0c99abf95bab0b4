from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "yizuyihui.accounts"
    label = "accounts"
