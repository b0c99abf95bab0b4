"""Masking of personal data inside free text: the text half of the public-data policy.

`mask_text` masks phone, landline and ID-card numbers (and long digit runs) in any free text shown
beyond the handling staff (SMS bodies, results, public summaries); `mask_address` masks door
numbers and known addresses. The matter half — which matters are confidential and what a published
matter shows — is `cases/public.py`, which uses these.
"""

from __future__ import annotations

import re

# --- numbers in free text ------------------------------------------------------------------------
# ID card (18 digits, last may be X) before phones: an ID number contains phone-like runs.
_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])")
_OLD_ID_RE = re.compile(r"(?<!\d)\d{15}(?!\d)")  # first-generation 15-digit ID numbers
# Mobile: 11 digits starting 1[3-9], optionally +86 and spaces/dashes as people type them.
_MOBILE_RE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?!\d)")
# Landline: area code 0xx / 0xxx, a dash or space, 7-8 digits; or a bare 0xxx1234567(8).
_LANDLINE_RE = re.compile(r"(?<!\d)(?:\(?0\d{2,3}\)?[\s-]?)\d{7,8}(?!\d)")
# Door numbers of an address: 12号, 3栋, 2单元, 501室, 8幢, 4号楼, 302房.
_DOOR_RE = re.compile(r"\d+(?:-\d+)*\s*(号楼|号院|号|栋|幢|单元|室|房|户|弄)")
# Anything else that is a long digit run (bank cards, licence numbers): keep the last 4.
_LONG_DIGITS_RE = re.compile(r"(?<!\d)\d{9,}(?!\d)")
_MASK = "*"


def _keep_ends(value: str, head: int = 3, tail: int = 4) -> str:
    digits = [c for c in value if c.isalnum()]
    if len(digits) <= head + tail:
        return _MASK * len(digits)
    return "".join(digits[:head]) + _MASK * (len(digits) - head - tail) + "".join(digits[-tail:])


def mask_text(text: str | None) -> str:
    """Mask every ID-card, mobile, landline and other long number inside free text."""
    if not text:
        return ""
    text = _ID_RE.sub(lambda m: _keep_ends(m.group(0)), text)
    text = _OLD_ID_RE.sub(lambda m: _keep_ends(m.group(0)), text)
    text = _MOBILE_RE.sub(lambda m: _keep_ends(m.group(0)), text)
    text = _LANDLINE_RE.sub(lambda m: _MASK * 4 + m.group(0)[-4:], text)
    return _LONG_DIGITS_RE.sub(lambda m: _MASK * (len(m.group(0)) - 4) + m.group(0)[-4:], text)


def mask_address(text: str, addresses: tuple[str, ...] = ()) -> str:
    """Remove known addresses (the reporter's home) and door numbers from a public text."""
    for address in addresses:
        if address and len(address) >= 4:
            text = text.replace(address, "（地址已隐去）")
    return _DOOR_RE.sub(lambda m: _MASK * 2 + m.group(1), text)


# --- people named in public ------------------------------------------------------------------------
def public_name(name: str, *, household: bool = False) -> str:
    """How a person (or their household) is named on a public board — the honours board (光荣榜):
    the name alone, which is the honour, and nothing that finds or reaches them (no phone, ID
    number, address, door or household number). Numbers typed into a name field are masked."""
    name = mask_text((name or "").strip())[:20]
    return f"{name}家" if household and name else name
