from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "yizuyihui.people"
    label = "people"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from yizuyihui.people.models import Person
        from yizuyihui.people.selectors import forget_name

        def _forget(instance=None, **_kw):
            if instance.user_id is not None:
                forget_name(instance.user_id)

        # The greeting's cached name (selectors._person_name) goes with any change to the person.
        post_save.connect(_forget, sender=Person, dispatch_uid="people-name-save", weak=False)
        post_delete.connect(_forget, sender=Person, dispatch_uid="people-name-delete", weak=False)
