from django.apps import AppConfig


class IncentivesConfig(AppConfig):
    name = "yizuyihui.incentives"
    label = "incentives"
    verbose_name = "Feedback and incentives"
