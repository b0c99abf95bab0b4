from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _replan_on_category_change(sender, *, household, **_kwargs) -> None:
    """三必访 re-plans on a household's new category (people.signals)."""
    from yizuyihui.visits.services import schedule_replan

    schedule_replan(households=[household])


class VisitsConfig(AppConfig):
    name = "yizuyihui.visits"
    verbose_name = _("Visits and duties")  # its heading on the configuration site
    label = "visits"

    def ready(self) -> None:
        from yizuyihui.people.signals import household_category_changed

        household_category_changed.connect(_replan_on_category_change, dispatch_uid="visits-replan-on-category", weak=False)
