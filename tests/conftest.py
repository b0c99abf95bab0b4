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
