"""Pluggable SMS backends. The default prints to the console (like Django's console e-mail backend)."""

from __future__ import annotations

import sys

from django.conf import settings
from django.utils.module_loading import import_string

from yizuyihui.core.masking import mask_phone
from yizuyihui.core.public import mask_text


class ConsoleSMSBackend:
    def send(self, *, phone: str, text: str) -> None:
        sys.stdout.write(f"[SMS to {mask_phone(phone)}] {text}\n")


class NullSMSBackend:
    """Sends nothing: the demo generator's year of history must not text anyone."""

    def send(self, *, phone: str, text: str) -> None:
        return None


class MemorySMSBackend:
    """For tests: keeps sent messages in `outbox`."""

    outbox: list[tuple[str, str]] = []

    def send(self, *, phone: str, text: str) -> None:
        MemorySMSBackend.outbox.append((phone, text))


def get_sms_backend():
    return import_string(settings.YZYH_SMS_BACKEND)()


def send_sms(*, phone: str, text: str) -> None:
    """Send a text message. The body is masked (core/public.py): an SMS passes the operator's
    gateway and sits on a phone anyone may pick up, so no ID or phone number travels in clear."""
    if phone:
        get_sms_backend().send(phone=phone, text=mask_text(text))
