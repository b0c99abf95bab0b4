"""One-time SMS codes for signing up and logging in, with rate limits per number and per IP.

- A code is six random digits, valid `YZYH_SMS_CODE_TTL_SECONDS` (5 min), used once, and dies
  after `YZYH_SMS_CODE_MAX_ATTEMPTS` wrong tries; a new code replaces the number's earlier ones.
- At rest: the number as its lookup hash, the code as an HMAC under SECRET_KEY (models.SmsCode).
- Sending is limited in the cache (Redis in production, so all web processes share the counts):
  one code per `YZYH_SMS_RESEND_SECONDS` and `YZYH_SMS_PER_NUMBER_HOURLY` an hour per number,
  `YZYH_SMS_PER_IP_HOURLY` an hour per client IP. Each limit answers with its own message.
- Password login keeps django-axes' lockout (accounts.views.LoginView); SMS login is limited here
  instead and never touches axes' counters, so neither can lock the other out.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from yizuyihui.accounts.models import SmsCode, SmsPurpose
from yizuyihui.core.errors import ServiceError
from yizuyihui.core.masking import mask_phone
from yizuyihui.core.sms import send_sms
from yizuyihui.people.crypto import lookup_hash

_MOBILE = re.compile(r"1[3-9]\d{9}")
_SEPARATORS = re.compile(r"[\s\-()]")
CODE_LENGTH = 6


class SmsCodeError(ServiceError):
    """A code that cannot be accepted (wrong, expired, used, too many tries)."""


class SmsRateLimited(ServiceError):
    """Too many codes asked for: the view answers 429."""

    status = 429


def phone_normalise(raw: str) -> str:
    """An 11-digit mainland mobile number, or a ServiceError saying what is wrong with it.
    Spaces, dashes and a leading +86/86 are accepted, as people type them."""
    value = _SEPARATORS.sub("", raw or "")
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("86") and len(value) == 13:
        value = value[2:]
    if not value:
        raise ServiceError(_("Enter your mobile number."))
    if not _MOBILE.fullmatch(value):
        raise ServiceError(_("Enter an 11-digit mainland mobile number starting with 1, e.g. 13800138000."))
    return value


def client_ip(request) -> str:
    """The client address as django-axes sees it (its proxy settings), else REMOTE_ADDR."""
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR", "") or "unknown"


def _digest(phone_hash: str, purpose: str, code: str) -> str:
    return salted_hmac("yizuyihui.accounts.smscode", f"{purpose}:{phone_hash}:{code}", algorithm="sha256").hexdigest()


def _count(key: str, window: int) -> int:
    """Add one to a fixed-window counter and return the new count (atomic on Redis)."""
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def _check_rates(*, phone_hash: str, ip: str) -> None:
    now = time.time()
    resend = settings.YZYH_SMS_RESEND_SECONDS
    last = cache.get(f"yzyh:sms:last:{phone_hash}")
    if resend and last is not None and now - last < resend:
        wait = max(1, int(resend - (now - last) + 0.999))
        raise SmsRateLimited(_("A code was just sent to this number. Ask again in %(seconds)d seconds.")
                             % {"seconds": wait})
    hour = int(now // 3600)
    if _count(f"yzyh:sms:ip:{ip}:{hour}", 3600) > settings.YZYH_SMS_PER_IP_HOURLY:
        raise SmsRateLimited(_("Too many codes were asked for from your network. Try again in an hour."))
    if _count(f"yzyh:sms:num:{phone_hash}:{hour}", 3600) > settings.YZYH_SMS_PER_NUMBER_HOURLY:
        raise SmsRateLimited(_("Too many codes were asked for this number. Try again in an hour."))


def sms_code_send(*, phone: str, purpose: str, ip: str) -> SmsCode:
    """Text a fresh code to `phone` (already normalised) for `purpose`, within the rate limits.
    Earlier unused codes of the number for the same purpose stop working."""
    if purpose not in SmsPurpose.values:
        raise ValueError(purpose)
    phone_hash = lookup_hash(phone)
    _check_rates(phone_hash=phone_hash, ip=ip)
    code = "".join(secrets.choice("0123456789") for _i in range(CODE_LENGTH))
    now = timezone.now()
    with transaction.atomic():
        SmsCode.objects.filter(phone_hash=phone_hash, purpose=purpose, used_at__isnull=True).update(used_at=now)
        row = SmsCode.objects.create(phone_hash=phone_hash, purpose=purpose, digest=_digest(phone_hash, purpose, code),
                                     expires_at=now + dt.timedelta(seconds=settings.YZYH_SMS_CODE_TTL_SECONDS))
    cache.set(f"yzyh:sms:last:{phone_hash}", time.time(), timeout=max(settings.YZYH_SMS_RESEND_SECONDS, 1))
    minutes = max(1, settings.YZYH_SMS_CODE_TTL_SECONDS // 60)
    text = (_("[Yizuyihui+] Your code is %(code)s, valid for %(minutes)d minutes. Do not tell it to anyone.")
            if purpose == SmsPurpose.SIGNUP else
            _("[Yizuyihui+] Your login code is %(code)s, valid for %(minutes)d minutes. Do not tell it to anyone."))
    send_sms(phone=phone, text=text % {"code": code, "minutes": minutes})
    return row


def sms_code_check(*, phone: str, purpose: str, code: str) -> None:
    """Accept `code` for `phone` once, or raise SmsCodeError with what went wrong.

    The wrong-try count and the use are committed here, before the error is raised and whatever
    the caller's transaction does: a rolled-back try would otherwise not count."""
    code = (code or "").strip()
    phone_hash = lookup_hash(phone)
    problem = None
    with transaction.atomic():
        row = (SmsCode.objects.select_for_update().filter(phone_hash=phone_hash, purpose=purpose)
               .order_by("-created_at", "-pk").first())
        now = timezone.now()
        if row is None:
            problem = _("No code was sent to this number. Ask for a code first.")
        elif row.used_at is not None:
            problem = _("This code has already been used. Ask for a new one.")
        elif row.expires_at <= now:
            problem = _("The code has expired. Ask for a new one.")
        elif row.attempts >= settings.YZYH_SMS_CODE_MAX_ATTEMPTS:
            problem = _("Too many wrong codes. Ask for a new one.")
        elif not (len(code) == CODE_LENGTH and code.isdigit()
                  and hmac.compare_digest(row.digest, _digest(phone_hash, purpose, code))):
            SmsCode.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
            left = settings.YZYH_SMS_CODE_MAX_ATTEMPTS - row.attempts - 1
            problem = (_("The code is wrong. %(left)d tries left.") % {"left": left} if left > 0
                       else _("Too many wrong codes. Ask for a new one."))
        # Guarded: of two requests racing with the same code, only one marks it used.
        elif not SmsCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now):
            problem = _("This code has already been used. Ask for a new one.")
    if problem:
        raise SmsCodeError(problem)


def sent_note(phone: str) -> str:
    return _("A code was sent to %(phone)s. It is valid for %(minutes)d minutes.") % {
        "phone": mask_phone(phone), "minutes": max(1, settings.YZYH_SMS_CODE_TTL_SECONDS // 60)}


def sms_codes_purge(*, older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Delete codes that expired more than `older_than` ago; returns how many."""
    deleted, _counts = SmsCode.objects.filter(expires_at__lt=timezone.now() - older_than).delete()
    return deleted
