from django.apps import AppConfig


def _meeting_before(sender, instance, raw=False, **_kw) -> None:
    """A held meeting moved (day, unit) or un-held: its old bucket is queued too."""
    from yizuyihui.meetings import rollups

    if not raw and instance.pk:
        rollups.mark_meeting_ids([instance.pk])


def _meeting_changed(sender, instance, raw=False, **_kw) -> None:
    from yizuyihui.meetings import rollups

    if not raw:
        rollups.mark_meetings([instance])


def _part_changed(sender, instance, raw=False, **_kw) -> None:
    from yizuyihui.meetings import rollups

    if not raw:
        rollups.mark_meeting_ids([instance.meeting_id])


def _action_changed(sender, instance, raw=False, **_kw) -> None:
    from yizuyihui.meetings import rollups
    from yizuyihui.meetings.models import Resolution

    if not raw:
        rollups.mark_meeting_ids(Resolution.objects.filter(pk=instance.resolution_id).values_list("meeting_id", flat=True))


class MeetingsConfig(AppConfig):
    name = "yizuyihui.meetings"
    label = "meetings"

    def ready(self) -> None:
        # The dashboard's mobilisation panel reads rollups (meetings/rollups.py): register the source
        # and queue the bucket of every write (bulk writes queue theirs in services.py).
        from django.db.models.signals import post_delete, post_save, pre_save

        from yizuyihui.core.plugins import register_provider
        from yizuyihui.meetings import rollups
        from yizuyihui.meetings.models import Action, Meeting, Participant, Resolution

        register_provider("rollup_source:meetings", rollups.MeetingSource)
        pre_save.connect(_meeting_before, sender=Meeting, dispatch_uid="meetings-rollup-before", weak=False)
        for signal in (post_save, post_delete):
            tag = "save" if signal is post_save else "delete"
            signal.connect(_meeting_changed, sender=Meeting, dispatch_uid=f"meetings-rollup-meeting-{tag}", weak=False)
            signal.connect(_part_changed, sender=Participant, dispatch_uid=f"meetings-rollup-seat-{tag}", weak=False)
            signal.connect(_part_changed, sender=Resolution, dispatch_uid=f"meetings-rollup-res-{tag}", weak=False)
            signal.connect(_action_changed, sender=Action, dispatch_uid=f"meetings-rollup-action-{tag}", weak=False)
