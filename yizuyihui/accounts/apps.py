from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "yizuyihui.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from yizuyihui.accounts.scope import forget_posts
        from yizuyihui.people.models import Post

        def _forget_post(instance=None, **_kw):
            forget_posts(instance.user_id)

        def _forget_user(instance=None, **_kw):
            forget_posts(instance.pk)

        # The cached posts of a user (scope.active_posts) go with any change to their posts or account.
        post_save.connect(_forget_post, sender=Post, dispatch_uid="accounts-posts-save", weak=False)
        post_delete.connect(_forget_post, sender=Post, dispatch_uid="accounts-posts-delete", weak=False)
        post_save.connect(_forget_user, sender=get_user_model(), dispatch_uid="accounts-user-save", weak=False)
