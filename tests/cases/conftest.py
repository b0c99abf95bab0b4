import pytest


@pytest.fixture(autouse=True)
def _fresh_case_caches():
    """Per-process caches (calendar, policies, taxonomy) must not outlive a test's rolled-back rows."""
    from yizuyihui.cases.deadlines import calendar_reset_cache

    calendar_reset_cache()
    yield
    calendar_reset_cache()
