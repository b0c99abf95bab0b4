"""Shared fixtures: the cast of personas (yizuyihui.demo.cast) and database-selection helpers."""

from __future__ import annotations

import pytest
from django.db import connection

from yizuyihui.demo.cast import PASSWORD, build_cast


@pytest.fixture
def cast(db):
    return build_cast()


@pytest.fixture
def login(client):
    """login("grid_worker") → the test client logged in as that persona."""

    def _login(persona: str):
        from django.contrib.auth import get_user_model

        client.force_login(get_user_model().objects.get(username=persona))
        return client

    return _login


@pytest.fixture
def password():
    return PASSWORD


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def pytest_collection_modifyitems(config, items):
    """`postgres`-marked tests need real row locks; on SQLite they are skipped, and the test
    command runs the suite a second time on PostgreSQL where they run (CI requires that run)."""
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" in engine:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (run by the test command's PostgreSQL pass)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture
def browser_page(request):
    """A Playwright page in Debian's headless Chromium. `@pytest.mark.parametrize("browser_page",
    [{"width": 390, "height": 844}], indirect=True)` gives a phone-sized screen."""
    import os
    import shutil

    if not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing on CI: the test command installs Debian's chromium")
        pytest.skip("Debian's chromium is not installed")
    # Playwright's sync API runs an event loop; Django then refuses ORM calls from the test thread.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    viewport = getattr(request, "param", None) or {"width": 1280, "height": 900}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        phone = viewport["width"] < 600
        context = browser.new_context(viewport=viewport, locale="zh-CN", is_mobile=phone, has_touch=phone)
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
        context.close()
        browser.close()


@pytest.fixture
def wsgi_keeps_test_connection():
    """Schemathesis calls the WSGI app directly; its request_finished would close the test
    transaction's connection (GOTCHAS.md). Django's test Client disconnects these too."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _fresh_emergency_mode_cache():
    """The per-process cache of active emergency scopes (emergency.selectors) must not outlive a
    test's rolled-back switch: the next test would file its matters in urgent mode."""
    from yizuyihui.emergency.selectors import reset_mode_cache

    reset_mode_cache()
    yield
    reset_mode_cache()
