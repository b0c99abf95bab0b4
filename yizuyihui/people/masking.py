"""Personal data (ID-card and phone numbers): masking for display, redaction for logs.

DOMAIN/issue 2: shown masked (110***********1234, 138****5678) everywhere except to roles that
need them; never written to logs.
"""

from __future__ import annotations

import logging
import re

# Roles whose work needs the real numbers: they visit households and phone residents.
PERSONAL_DATA_ROLES = frozenset({"grid_worker", "unit_leader", "community_cadre"})

_ID_RE = re.compile(r"(?<!\d)(\d{6})(\d{8})(\d{3}[\dXx])(?!\d)")
_PHONE_RE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def mask_id_number(value: str) -> str:
    """110101199001011234 → 110***********1234 (keeps the first 3 and last 4)."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str) -> str:
    """13812345678 → 138****5678."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


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
