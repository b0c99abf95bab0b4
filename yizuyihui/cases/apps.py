from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "yizuyihui.cases"
    label = "cases"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from yizuyihui.cases import deadlines
        from yizuyihui.cases.models import Category, DeadlinePolicy, WorkingDay

        def _reset(**_kwargs):
            deadlines.calendar_reset_cache()

        # The per-process caches of these small tables are cleared by any edit made in this process.
        for model in (Category, DeadlinePolicy, WorkingDay):
            post_save.connect(_reset, sender=model, dispatch_uid=f"cases-cache-{model.__name__}-save", weak=False)
            post_delete.connect(_reset, sender=model, dispatch_uid=f"cases-cache-{model.__name__}-delete", weak=False)

        from django.contrib.auth import get_user_model
        from django.core.cache import cache

        from yizuyihui.cases.models import ApiKey

        def _forget_key(instance=None, **_kw):
            from yizuyihui.cases.api import key_cache_key

            cache.delete(key_cache_key(instance.key))

        def _forget_user_keys(instance=None, **_kw):
            from yizuyihui.cases.api import key_cache_key

            cache.delete_many([key_cache_key(k) for k in ApiKey.objects.filter(user_id=instance.pk).values_list("key", flat=True)])

        # API keys are resolved from the cache (api._key_user): forget on any change of key or user.
        post_save.connect(_forget_key, sender=ApiKey, dispatch_uid="cases-apikey-save", weak=False)
        post_delete.connect(_forget_key, sender=ApiKey, dispatch_uid="cases-apikey-delete", weak=False)
        post_save.connect(_forget_user_keys, sender=get_user_model(), dispatch_uid="cases-apikey-user", weak=False)
