from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "yizuyihui.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from yizuyihui.accounts.apikeys import forget_keys
        from yizuyihui.accounts.backends import forget_user
        from yizuyihui.accounts.models import ApiKey
        from yizuyihui.accounts.scope import forget_posts
        from yizuyihui.people.models import Post

        def _forget_post(instance=None, **_kw):
            forget_posts(instance.user_id)
            forget_keys()

        def _forget_user(instance=None, update_fields=None, **_kw):
            forget_posts(instance.pk)
            forget_user(instance.pk)
            if update_fields is None or set(update_fields) != {"last_login"}:  # not on every login
                forget_keys()

        def _forget_key(instance=None, **_kw):
            forget_keys()

        # The cached posts of a user (scope.active_posts) go with any change to their posts or account;
        # the cached API keys (apikeys.key_user_for) with any change to a key, a post or a user; the
        # logged-in user's cached row (backends.CachedModelBackend) with any change to it.
        post_save.connect(_forget_post, sender=Post, dispatch_uid="accounts-posts-save", weak=False)
        post_delete.connect(_forget_post, sender=Post, dispatch_uid="accounts-posts-delete", weak=False)
        post_save.connect(_forget_user, sender=get_user_model(), dispatch_uid="accounts-user-save", weak=False)
        post_delete.connect(_forget_user, sender=get_user_model(), dispatch_uid="accounts-user-delete", weak=False)
        post_save.connect(_forget_key, sender=ApiKey, dispatch_uid="accounts-key-save", weak=False)
        post_delete.connect(_forget_key, sender=ApiKey, dispatch_uid="accounts-key-delete", weak=False)
