from django.apps import AppConfig


class IncentivesConfig(AppConfig):
    name = "yizuyihui.incentives"
    label = "incentives"
    verbose_name = "Feedback and incentives"

    def ready(self) -> None:
        from yizuyihui.core.plugins import register_provider
        from yizuyihui.incentives import feedback

        # cases.services.case_feed_back asks this after telling the reporter: supporters (附议),
        # "+" members and, for a council-decided matter, the unit's public notice.
        register_provider("case_fed_back", feedback.case_fed_back)
