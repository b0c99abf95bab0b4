import re

import pytest

from yizuyihui.core.sms import MemorySMSBackend


@pytest.fixture(autouse=True)
def _outbox():
    MemorySMSBackend.outbox.clear()
    yield
    MemorySMSBackend.outbox.clear()


@pytest.fixture
def last_code():
    """The six digits of the last code texted to `phone` (the test settings' in-memory SMS backend)."""

    def _code(phone: str) -> str:
        texts = [text for to, text in MemorySMSBackend.outbox if to == phone]
        assert texts, f"no SMS to {phone}"
        return re.search(r"(?<!\d)(\d{6})(?!\d)", texts[-1]).group(1)

    return _code


@pytest.fixture(autouse=True)
def _english():
    """Messages are matched in English (the msgids); the pages are zh-hans by default."""
    from django.utils import translation

    with translation.override("en"):
        yield
