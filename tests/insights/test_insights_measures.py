"""Measures from history: 三率, medians, tier shares, reopen rate, overdue."""

from __future__ import annotations

import datetime as dt

import pytest

from yizuyihui.cases import services as s
from yizuyihui.insights.measures import case_measures

pytestmark = pytest.mark.django_db
CST = dt.timezone(dt.timedelta(hours=8))


def test_measures_come_from_the_history(cast):
    u = cast.users
    t0 = dt.datetime(2026, 3, 2, 9, tzinfo=CST)
    a = s.case_file(unit=cast.unit_a, actor=u["resident"], title="a", description="", channel="web", now=t0)
    s.case_resolve_on_spot(case=a, actor=u["grid_worker"], note="ok", now=t0 + dt.timedelta(hours=1))
    s.case_feed_back(case=a, actor=u["council_member"], feedback="ok", now=t0 + dt.timedelta(hours=2))
    s.case_rate(case=a, actor=u["resident"], rating="satisfied", now=t0 + dt.timedelta(hours=3))
    b = s.case_file(unit=cast.unit_a, actor=u["resident"], title="b", description="", channel="web", now=t0)
    s.case_receive(case=b, actor=u["unit_leader"], now=t0 + dt.timedelta(hours=3))
    s.case_escalate(case=b, actor=u["unit_leader"], reason="复杂", now=t0 + dt.timedelta(hours=4))
    s.case_dispatch(case=b, actor=u["community_cadre"], handlers=[u["community_cadre"]], now=t0 + dt.timedelta(hours=5))
    s.case_claim(case=b, actor=u["community_cadre"], now=t0 + dt.timedelta(hours=5))
    s.case_resolve(case=b, actor=u["community_cadre"], result="ok", now=t0 + dt.timedelta(hours=9))
    m = case_measures(user=u["street_official"], start=t0 - dt.timedelta(days=1), end=t0 + dt.timedelta(days=1),
                      now=t0 + dt.timedelta(hours=10))
    assert (m.total, m.resolved, m.response_rate, m.resolution_rate, m.satisfaction_rate) == (2, 2, 1.0, 1.0, 1.0)
    assert (m.tier1_share, m.tier2_share) == (0.5, 1.0)
    assert m.median_response_hours == 2.0 and m.median_resolution_hours == 5.0
    assert m.tiers == {1: 1, 2: 1}
    assert case_measures(user=u["outsider"], start=t0 - dt.timedelta(days=1), end=t0 + dt.timedelta(days=1)).total == 0


def test_the_dashboard_page_renders_with_its_chart_data(cast, login):
    s.case_file(unit=cast.unit_a, actor=cast.users["resident"], title="a", description="", channel="web")
    html = login("community_cadre").get("/insights/").content.decode()
    assert 'id="insights-chart-data"' in html and "vendor/echarts/echarts.min.js" in html and "nonce=" in html


def _rated(cast, rating, *, unit="unit_a", t0):
    u = cast.users
    by = {"unit_a": "resident", "unit_b": "community_cadre"}[unit]
    c = s.case_file(unit=getattr(cast, unit), actor=u[by], title=rating, description="", channel="web", now=t0)
    s.case_resolve_on_spot(case=c, actor=u["community_cadre"], note="ok", now=t0 + dt.timedelta(hours=1))
    s.case_feed_back(case=c, actor=u["community_cadre"], feedback="ok", now=t0 + dt.timedelta(hours=2))
    if unit == "unit_a":
        s.case_rate(case=c, actor=u["resident"], rating=rating, now=t0 + dt.timedelta(hours=3))
    return c


def test_the_reopen_rate_counts_matters_residents_reopened(cast):
    """重办率: a dissatisfied rating reopens the matter (and clears its resolution); it still counts."""
    t0 = dt.datetime(2026, 3, 2, 9, tzinfo=CST)
    for rating in ("dissatisfied", "satisfied", "satisfied", "basic"):
        _rated(cast, rating, t0=t0)
    m = case_measures(user=cast.users["street_official"], start=t0 - dt.timedelta(days=1), end=t0 + dt.timedelta(days=1))
    assert (m.rated, m.reopened, m.reopen_rate) == (4, 1, 0.25)


def test_the_league_table_has_a_row_per_child_node_and_drills_down(cast, login):
    today = dt.datetime.now(CST).replace(hour=9)
    _rated(cast, "dissatisfied", t0=today - dt.timedelta(days=2))
    _rated(cast, "satisfied", unit="unit_b", t0=today - dt.timedelta(days=2))
    client = login("street_official")
    html = client.get("/insights/").content.decode()  # the street's children: the community and the village
    assert 'data-testid="league"' in html and f'data-testid="drill-{cast.community.pk}"' in html
    html = client.get(f"/insights/?node={cast.community.pk}").content.decode()  # drill down: the grids
    assert f'data-testid="drill-{cast.unit_a.node.pk}"' in html and f'data-testid="drill-{cast.unit_b.node.pk}"' in html
    assert "rows [[" not in html and "figures" not in html
