"""The dashboard's cache of rendered pages (insights/freshness.py): a second look is cheap; a change
of the rollups shows once the page is older than the stale window (10 s), a change of the user's
scope at once, and the live figures within the page's lifetime (60 s)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yizuyihui.cases import services as s
from yizuyihui.cases.models import Case
from yizuyihui.insights import freshness

pytestmark = pytest.mark.django_db
CST = dt.timezone(dt.timedelta(hours=8))


def _kpis(html: str) -> list[str]:
    """The figures of the KPI row, in order (matters first, overdue now last)."""
    section = re.search(r'data-testid="kpis">(.*?)</section>', html, re.S).group(1)
    return re.findall(r"<b>(.*?)</b>", section)


def _file(cast, title="路灯不亮"):
    return s.case_file(unit=cast.unit_a, actor=cast.users["resident"], title=title, description="", channel="web")


def test_a_second_look_is_drawn_from_the_cache(cast, login):
    _file(cast)
    client = login("street_official")
    first = client.get("/insights/").content.decode()
    with CaptureQueriesContext(connection) as warm:
        second = client.get("/insights/").content.decode()
    assert _kpis(first) == _kpis(second) and _kpis(first)[0] == "1"
    # The panels of six apps and the league table read ~40 queries; a cached look reads the
    # session, the user, the scope and the generation.
    freshness_sql = [q for q in warm.captured_queries if "insights_rollupgeneration" in q["sql"]]
    assert len(freshness_sql) == 1
    assert not [q for q in warm.captured_queries if "insights_casedaytotal" in q["sql"]]
    assert len(warm.captured_queries) <= 8, [q["sql"][:80] for q in warm.captured_queries]


def test_a_matter_filed_after_a_look_shows_once_the_page_is_past_the_stale_window(cast, login, time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 2, 10, 0, tzinfo=CST), tick=False)
    _file(cast)
    client = login("street_official")
    assert _kpis(client.get("/insights/").content.decode())[0] == "1"
    _file(cast, "井盖缺失")  # its event queues a bucket
    time_machine.shift(dt.timedelta(seconds=5))
    assert _kpis(client.get("/insights/").content.decode())[0] == "1"  # drawn 5 s ago: served as it is
    time_machine.shift(dt.timedelta(seconds=6))
    assert _kpis(client.get("/insights/").content.decode())[0] == "2"  # 11 s: drained and drawn anew


def test_a_quiet_city_shows_a_change_at_the_first_look_after_the_window(cast, login, time_machine):
    """Nothing changed for a minute, then a filing: the next look draws it (the page was past the
    window) — the window bounds how late a change shows, it does not add to it."""
    time_machine.move_to(dt.datetime(2026, 12, 2, 10, 0, tzinfo=CST), tick=False)
    _file(cast)
    client = login("street_official")
    assert _kpis(client.get("/insights/").content.decode())[0] == "1"
    time_machine.shift(dt.timedelta(seconds=30))
    assert _kpis(client.get("/insights/").content.decode())[0] == "1"
    _file(cast, "井盖缺失")
    assert _kpis(client.get("/insights/").content.decode())[0] == "2"


def test_a_drain_by_the_job_also_moves_the_page(cast, login, time_machine):
    from yizuyihui.insights.rollups import refresh

    time_machine.move_to(dt.datetime(2026, 12, 2, 10, 0, tzinfo=CST), tick=False)
    _file(cast)
    client = login("street_official")
    assert _kpis(client.get("/insights/").content.decode())[0] == "1"
    _file(cast, "井盖缺失")
    assert refresh() == 1  # the minute job drained it before anyone looked: nothing queued, a new generation
    time_machine.shift(dt.timedelta(seconds=11))
    assert _kpis(client.get("/insights/").content.decode())[0] == "2"


def test_a_new_post_changes_the_page_at_once(cast, login):
    """The user's scope is in the key: a grid worker made street official sees the street's figures
    at the next look, not a minute later."""
    from yizuyihui.people.services import post_add

    _file(cast)
    s.case_file(unit=cast.unit_b, actor=cast.users["community_cadre"], title="b", description="", channel="web")
    client = login("grid_worker")
    assert _kpis(client.get("/insights/").content.decode())[0] == "1"
    post_add(user=cast.users["grid_worker"], role="street_official", node=cast.street)
    assert _kpis(client.get("/insights/").content.decode())[0] == "2"


def test_users_never_share_a_page(cast, login, client):
    _file(cast)
    s.case_file(unit=cast.unit_d, actor=None, title="d", description="", channel="web")
    street = login("street_official").get("/insights/").content.decode()
    outsider = login("outsider").get("/insights/").content.decode()
    assert _kpis(street)[0] == "1" and _kpis(outsider)[0] == "1"
    assert cast.street.name in street and cast.street.name not in outsider


def test_live_figures_are_at_most_the_lifetime_old(cast, login, time_machine, settings):
    """Overdue now is read live (the clock moves it, no event does): a cached page may show the old
    count, for at most YZYH_DASHBOARD_CACHE_SECONDS."""
    settings.YZYH_DASHBOARD_CACHE_SECONDS = 60
    time_machine.move_to(dt.datetime(2026, 12, 2, 10, 0, tzinfo=CST), tick=False)
    case = _file(cast)
    client = login("street_official")
    assert _kpis(client.get("/insights/").content.decode())[-1] == "0"
    Case.objects.filter(pk=case.pk).update(resolve_due=case.filed_at - dt.timedelta(minutes=1))  # no event
    assert _kpis(client.get("/insights/").content.decode())[-1] == "0"  # the cached page
    time_machine.shift(dt.timedelta(seconds=61))
    assert _kpis(client.get("/insights/").content.decode())[-1] == "1"


def test_a_lifetime_of_zero_turns_the_cache_off(cast, login, settings):
    settings.YZYH_DASHBOARD_CACHE_SECONDS = 0
    case = _file(cast)
    client = login("street_official")
    assert _kpis(client.get("/insights/").content.decode())[-1] == "0"
    Case.objects.filter(pk=case.pk).update(resolve_due=case.filed_at - dt.timedelta(minutes=1))
    assert _kpis(client.get("/insights/").content.decode())[-1] == "1"


def test_a_rebuild_moves_the_generation(cast):
    from yizuyihui.insights.rebuilds import rebuild_all

    before = freshness.state()[1]
    rebuild_all()
    assert freshness.state()[1] > before
