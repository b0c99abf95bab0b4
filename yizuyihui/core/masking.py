"""Masking numbers for display (people.masking decides who sees them in full)."""

from __future__ import annotations


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
