import pytest


@pytest.fixture(autouse=True)
def _fresh_case_caches():
    """Per-process caches (calendar, policies, taxonomy) must not outlive a test's rolled-back rows."""
    from yizuyihui.cases.deadlines import calendar_reset_cache

    calendar_reset_cache()
    yield
    calendar_reset_cache()


@pytest.fixture
def users(cast):
    return cast.users


@pytest.fixture
def community_emergency(cast):
    """幸福社区 switched to 疫情 by the street official (the services' own path)."""
    from yizuyihui.emergency import services

    return services.emergency_switch(node=cast.community, actor=cast.users["street_official"], kind="epidemic",
                                     level=3, reason="本地出现确诊病例")


@pytest.fixture(autouse=True)
def _node_mode_provider():
    """Another test may have replaced the provider (tests/cases registers a stub and unregisters it)."""
    from yizuyihui.core.plugins import register_provider
    from yizuyihui.emergency.selectors import node_mode

    register_provider("node_mode", node_mode)
    yield
