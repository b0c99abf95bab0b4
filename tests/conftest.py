"""Shared fixtures: the cast of personas (yizuyihui.demo.cast) and database-selection helpers."""

from __future__ import annotations

import datetime as dt
import os

import pytest
import time_machine
from django.db import connection

from yizuyihui.demo.cast import PASSWORD, build_cast


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cache outlives a test's rolled-back rows (ids are reused): API keys and posts are cached."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


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


def _suite_clock(spec: str) -> dt.datetime:
    """Where the suite's clock starts. `YZYH_TEST_CLOCK` is an hour in UTC ("20:00", today's UTC
    date) or a full ISO instant; unset, the clock starts at 04:00 UTC (noon in Shanghai) today.

    The default makes a run independent of the wall-clock hour (a test that only breaks when the
    UTC and Shanghai dates differ, 16:00–24:00 UTC, fails on every run or on none); setting the
    variable to an evening hour proves the code itself is free of such bugs."""
    spec = spec.strip() or "04:00"
    if "T" in spec or len(spec) > 5:
        instant = dt.datetime.fromisoformat(spec)
        return instant if instant.tzinfo else instant.replace(tzinfo=dt.UTC)
    hour, minute = (int(x) for x in spec.split(":"))
    return dt.datetime.combine(dt.datetime.now(dt.UTC).date(), dt.time(hour, minute), tzinfo=dt.UTC)


def pytest_configure(config):
    """Move every test process (each xdist worker configures itself) to the suite's clock. The
    clock ticks, so timeouts and durations behave; tests that need a fixed instant still use the
    `time_machine` fixture, which nests inside this."""
    start = _suite_clock(os.environ.get("YZYH_TEST_CLOCK", ""))
    config._yzyh_clock = time_machine.travel(start, tick=True)
    config._yzyh_clock.start()


def pytest_report_header(config):
    return f"suite clock starts at {_suite_clock(os.environ.get('YZYH_TEST_CLOCK', '')).isoformat()}"


def pytest_unconfigure(config):
    clock = getattr(config, "_yzyh_clock", None)
    if clock is not None:
        clock.stop()


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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Before pytest-django drops the PostgreSQL test database, end any session still attached to
    it (a thread or child process that kept its connection) and say which: a test database left
    behind makes the next run fail ("being accessed by other users"), and scripts/test fails on it."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT pid, application_name, left(query, 80) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        leaked = cursor.fetchall()
        for pid, app, query in leaked:
            print(f"\nclosing a leaked test-database session: pid {pid} {app!r} last query {query!r}")
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    connection.close()
