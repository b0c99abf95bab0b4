"""Masking numbers for display (people.masking decides who sees them in full)."""

from __future__ import annotations


def _keep_ends(value: str) -> str:
    """Keep the first 3 and the last 4 characters."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_id_number(value: str) -> str:
    """110101199001011234 → 110***********1234."""
    return _keep_ends(value)


def mask_phone(value: str) -> str:
    """13812345678 → 138****5678."""
    return _keep_ends(value)
