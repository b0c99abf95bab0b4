"""Personal data (ID-card and phone numbers): masking for display, redaction for logs.

DOMAIN/issue 2: shown masked (110***********1234, 138****5678) everywhere except to roles that
need them; never written to logs.
"""

from __future__ import annotations

import logging
import re

from yizuyihui.core.masking import mask_id_number, mask_phone

__all__ = ["RedactPersonalDataFilter", "mask_id_number", "mask_phone", "redact_text"]

# Who sees the real numbers: accounts.roles.PERSONAL_DATA_ROLES. (This module is loaded by the
# logging configuration, before the apps: it imports no models.)

_ID_RE = re.compile(r"(?<!\d)(\d{6})(\d{8})(\d{3}[\dXx])(?!\d)")
_PHONE_RE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def redact_text(text: str) -> str:
    """Mask every ID-card or mobile number inside free text (log lines, exported notes)."""
    text = _ID_RE.sub(lambda m: mask_id_number(m.group(0)), text)
    return _PHONE_RE.sub(lambda m: mask_phone(m.group(0)), text)


class RedactPersonalDataFilter(logging.Filter):
    """Logging filter: rewrites the formatted message so no handler ever sees a full number."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not drop the log line
            return True
        redacted = redact_text(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
