"""Telling people (residents at each step, handlers, supervisors): an in-app inbox row now, e-mail
and SMS after the transaction commits — a rolled-back transition must not have sent anything.

The interface every app uses: `notify(user=…, person=…, subject=…, body=…, url=…)`,
`notify_many(items)` for many at once, `notifications_muted()` while generating history."""

from __future__ import annotations

import contextlib
import contextvars
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from yizuyihui.core.sms import send_sms
from yizuyihui.notifications.models import Notification

log = logging.getLogger(__name__)
_muted = contextvars.ContextVar("yzyh_notifications_muted", default=False)


@contextlib.contextmanager
def notifications_muted():
    """For generating history (the demo): a year of past steps must not text anybody today."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def notify(*, user=None, person=None, subject: str, body: str, url: str = ""):
    """Notify a user (staff or resident account) or a person (a resident perhaps without an account).

    Returns the inbox row (or None when there is nobody to tell)."""
    if (user is None and person is None) or _muted.get():
        return None
    if user is None and person is not None and person.user_id:
        user = person.user
    if person is None and user is not None:
        person = getattr(user, "person", None)
    row = Notification.objects.create(user=user, person=person, subject=subject[:200], body=body, url=url)
    email = getattr(user, "email", "") if user is not None else ""
    phone = getattr(person, "phone", "") if person is not None else ""
    transaction.on_commit(lambda: _deliver(email, phone, subject, body, url))
    return row


def _deliver(email: str, phone: str, subject: str, body: str, url: str) -> None:
    """E-mail and SMS copies, run after commit. Failures are logged, never raised: the
    transition they report has already committed."""
    if email:
        try:
            send_mail(subject, f"{body}\n{url}".strip(), settings.DEFAULT_FROM_EMAIL, [email])
        except Exception:  # pragma: no cover - depends on the mail server
            log.exception("e-mail notification failed")
    if phone:
        try:
            send_sms(phone=phone, text=f"{subject}{'：' + body if body else ''}"[:300])
        except Exception:  # pragma: no cover - depends on the SMS gateway
            log.exception("SMS notification failed")


def notify_many(items) -> int:
    """`notify` for many people at once (the sweep): one INSERT for the inbox rows, one after-commit
    callback for the e-mail and SMS copies. `items` are (user, person, subject, body, url) with the
    user's `person` and the person's `user` already loaded (select_related) or None."""
    if _muted.get():
        return 0
    rows, outbox = [], []
    for user, person, subject, body, url in items:
        if user is None and person is None:
            continue
        if user is None and person is not None and person.user_id:
            user = person.user
        if person is None and user is not None:
            person = getattr(user, "person", None)
        rows.append(Notification(user=user, person=person, subject=subject[:200], body=body, url=url))
        email = getattr(user, "email", "") if user is not None else ""
        phone = getattr(person, "phone", "") if person is not None else ""
        if email or phone:
            outbox.append((email, phone, subject, body, url))
    Notification.objects.bulk_create(rows, batch_size=1000)

    def _send():
        for message in outbox:
            _deliver(*message)

    if outbox:
        transaction.on_commit(_send)
    return len(rows)
