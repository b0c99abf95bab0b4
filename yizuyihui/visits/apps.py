from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _replan_on_category_change(sender, *, household, **_kwargs) -> None:
    """三必访 re-plans on a household's new category (people.signals)."""
    from yizuyihui.visits.services import schedule_replan

    schedule_replan(households=[household])


def _duty_changed(sender, instance, raw=False, **_kw) -> None:
    from yizuyihui.visits import rollups
    from yizuyihui.visits.models import Event

    if not raw:
        rollups.mark_event(Event.objects.filter(pk=instance.event_id).first())


def _event_changed(sender, instance, raw=False, **_kw) -> None:
    from yizuyihui.visits import rollups

    if not raw:
        rollups.mark_event(instance)


def _report_changed(sender, instance, raw=False, **_kw) -> None:
    from yizuyihui.visits import rollups

    if not raw and instance.reported_at is not None:
        rollups.mark("reports", [(rollups._unit_node(instance.unit_id), rollups._day(instance.reported_at))])


def _slot_changed(sender, instance, raw=False, **_kw) -> None:
    from yizuyihui.people.models import Household
    from yizuyihui.visits import rollups

    if not raw:
        node = Household.objects.filter(pk=instance.household_id).values_list("node_id", flat=True).first()
        rollups.mark("visits", [(node, instance.due)])


class VisitsConfig(AppConfig):
    name = "yizuyihui.visits"
    verbose_name = _("Visits and duties")  # its heading on the configuration site
    label = "visits"

    def ready(self) -> None:
        from yizuyihui.people.signals import household_category_changed

        household_category_changed.connect(_replan_on_category_change, dispatch_uid="visits-replan-on-category", weak=False)
        # The dashboard's panels read rollups (visits/rollups.py): register the sources and queue the
        # buckets of every write. Set-based writes (the schedule) queue theirs in services.py.
        from django.db.models.signals import post_delete, post_save

        from yizuyihui.core.plugins import register_provider
        from yizuyihui.visits import rollups
        from yizuyihui.visits.models import Duty, Event, PlannedVisit, Report

        register_provider("rollup_source:visits", rollups.PlannedSource)
        register_provider("rollup_source:duties", rollups.DutySource)
        register_provider("rollup_source:reports", rollups.ReportSource)
        for signal in (post_save, post_delete):
            signal.connect(_duty_changed, sender=Duty, dispatch_uid=f"visits-rollup-duty-{signal is post_save}", weak=False)
            signal.connect(_event_changed, sender=Event, dispatch_uid=f"visits-rollup-event-{signal is post_save}", weak=False)
            signal.connect(_report_changed, sender=Report, dispatch_uid=f"visits-rollup-report-{signal is post_save}",
                           weak=False)
        # Not post_delete: a receiver would make every bulk delete of slots load them (services mark first).
        post_save.connect(_slot_changed, sender=PlannedVisit, dispatch_uid="visits-rollup-slot", weak=False)
