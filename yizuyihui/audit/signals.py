"""Security-relevant events recorded from signals: logins, failures, logouts, post and permission changes."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save
from django.dispatch import receiver

from yizuyihui.audit.models import AuditAction
from yizuyihui.audit.services import audit_record


@receiver(user_logged_in)
def _login(sender, request, user, **kwargs):
    audit_record(action=AuditAction.LOGIN, actor=user, request=request)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # The username tried is kept (not the password): it shows spraying across accounts.
    audit_record(action=AuditAction.LOGIN_FAILED, request=request,
                 detail={"username": str(credentials.get("username", ""))[:150]})


@receiver(user_logged_out)
def _logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=AuditAction.LOGOUT, actor=user, request=request)


def _post_changed(sender, instance, created=False, **kwargs):
    action = AuditAction.POST_REMOVED if kwargs.get("signal") is post_delete else AuditAction.POST_CHANGED
    audit_record(action=action, obj=instance,
                 detail={"user_id": instance.user_id, "role": instance.role, "node_id": instance.node_id,
                         "active": getattr(instance, "active", True), "created": bool(created)})


def connect_post_signals():
    from django.apps import apps

    if apps.is_installed("yizuyihui.people"):
        Post = apps.get_model("people", "Post")
        post_save.connect(_post_changed, sender=Post, dispatch_uid="audit_post_save")
        post_delete.connect(_post_changed, sender=Post, dispatch_uid="audit_post_delete")


connect_post_signals()


@receiver(m2m_changed, sender=get_user_model().groups.through)
@receiver(m2m_changed, sender=get_user_model().user_permissions.through)
def _permissions_changed(sender, instance, action, pk_set=None, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        audit_record(action=AuditAction.PERMISSION_CHANGED, obj=instance,
                     detail={"change": action, "ids": sorted(pk_set or [])})


_FLAGS = ("is_superuser", "is_staff", "is_active")


@receiver(post_init, sender=get_user_model())
def _remember_flags(sender, instance, **kwargs):
    instance._audit_flags = {f: instance.__dict__.get(f) for f in _FLAGS}


@receiver(post_save, sender=get_user_model())
def _user_flags(sender, instance, created, **kwargs):
    before = getattr(instance, "_audit_flags", None)
    now = {f: getattr(instance, f) for f in _FLAGS}
    if created or (before is not None and before != now):
        if created and not (instance.is_superuser or instance.is_staff):
            return
        audit_record(action=AuditAction.PERMISSION_CHANGED, obj=instance, detail={"flags": now, "created": created})
