"""The demo's last step rebuilds every rollup: `yzyh demo` must not start serving with thousands of
panel buckets queued (the worker drained them in write transactions for minutes and, on SQLite, the
first logins failed with "database is locked")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yizuyihui.core.plugins import app_modules
from yizuyihui.insights import demo as insights_demo
from yizuyihui.insights.models import PanelDayTotal, PanelDirty
from yizuyihui.people.models import HouseholdCategory
from yizuyihui.people.services import household_create
from yizuyihui.visits import services

pytestmark = pytest.mark.django_db


def test_insights_runs_after_every_other_demo_step():
    names = [m.__name__ for m in app_modules("demo") if hasattr(m, "generate")]
    assert names[-1] == "yizuyihui.insights.demo", names


def test_the_demo_step_leaves_no_panel_bucket_queued(cast):
    for i in range(3):
        household_create(unit=cast.unit_a, address=f"演示{i}号", category=HouseholdCategory.SPECIAL)
    today = timezone.localdate()
    services.schedule_generate(under=None, start=today - dt.timedelta(days=40), end=today + dt.timedelta(days=20))
    assert PanelDirty.objects.filter(source="visits").exists()
    seen = []
    insights_demo.generate(seed=1, progress=lambda stage, n: seen.append((stage, n)))
    assert not PanelDirty.objects.exists()
    assert PanelDayTotal.objects.filter(source="visits").exists()
    assert seen and all(stage == "rollups" and isinstance(n, int) for stage, n in seen)


def test_on_sqlite_the_job_lets_other_writers_in_between_its_transactions(cast, monkeypatch):
    from django.db import connection

    from yizuyihui.insights import panel_rollups

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's single write lock")
    today = timezone.localdate()
    panel_rollups.mark("visits", [(cast.unit_a.node_id, today - dt.timedelta(days=d)) for d in range(120)])
    queued = PanelDirty.objects.count()
    assert queued > panel_rollups.SQLITE_BATCH  # more than one transaction's worth
    pauses = []
    monkeypatch.setattr("time.sleep", pauses.append)
    assert panel_rollups.refresh() == queued
    assert len(pauses) >= queued // panel_rollups.SQLITE_BATCH and set(pauses) == {panel_rollups.SQLITE_PAUSE}
    # the dashboard's bounded refresh inside a request does not sleep
    panel_rollups.mark("visits", [(cast.unit_b.node_id, today - dt.timedelta(days=d)) for d in range(120)])
    pauses.clear()
    panel_rollups.refresh(limit=1000)
    assert pauses == []
