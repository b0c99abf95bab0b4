import pytest

from yizuyihui.places.cast import cast_features
from yizuyihui.places.geometry import clear_cache
from yizuyihui.places.services import boundaries_import


@pytest.fixture(autouse=True)
def _fresh_index():
    """Per-process caches (unit index; the cases app's calendar, policies, taxonomy) must not
    outlive a test's rolled-back or flushed rows."""
    from yizuyihui.cases.deadlines import calendar_reset_cache

    clear_cache()
    calendar_reset_cache()
    yield
    clear_cache()
    calendar_reset_cache()


@pytest.fixture
def mapped(cast):
    boundaries_import(features=cast_features(cast))
    return cast


@pytest.fixture(autouse=True)
def _english():
    """Messages are matched in English (the msgids); the pages are zh-hans by default."""
    from django.utils import translation

    with translation.override("en"):
        yield
