"""ID-card and phone numbers encrypted at rest, with keyed hashes for lookups (issue 11).

- The columns hold Fernet tokens (django-fernet-encrypted-fields: AES-128-CBC + HMAC, keys
  derived from SECRET_KEY and SALT_KEY, both from the environment; SECRET_KEY_FALLBACKS lets
  old rows be read after a key rotation). A database dump holds no number in clear.
- A token is random per write, so equality lookups go through `<field>_hash`: an HMAC-SHA256
  of the normalised number under YZYH_LOOKUP_KEY (also from the environment). Without that key
  the hashes cannot be reversed by trying every phone number, as a plain hash could be.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from django.conf import settings
from encrypted_fields.fields import EncryptedCharField

_SEPARATORS = re.compile(r"[\s\-()]")


class EncryptedNumberField(EncryptedCharField):
    """An encrypted CharField where "" stays "" (the library would store NULL and read None)."""

    def get_prep_value(self, value):
        if value in (None, ""):
            return ""
        return super().get_prep_value(value)

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return ""
        return super().from_db_value(value, expression, connection)


def normalise(value: str) -> str:
    return _SEPARATORS.sub("", value or "").upper()


def lookup_hash(value: str) -> str:
    value = normalise(value)
    if not value:
        return ""
    return hmac.new(settings.YZYH_LOOKUP_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


_SEALER = EncryptedNumberField(max_length=64)


def seal(field_name: str, value: str) -> str:
    """The stored form of `value` for a bulk insert that bypasses the ORM. Keys come from the
    settings, not the field, so one field instance seals every number column (`field_name` is kept
    for the callers' readability). The field's own Fernet encrypts directly: the field's
    get_prep_value would first try to decrypt the number (as if it were a token)."""
    if value in (None, ""):
        return ""
    return _SEALER.f.encrypt(str(value).encode()).decode()
