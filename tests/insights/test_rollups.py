"""The rollups the dashboard reads equal a from-scratch computation (measures.case_measures) over
seeded random histories: matters filed across units and local days (around midnight in
Asia/Shanghai), random steps by random personas at later times, sweeps, merges — for every
persona's scope, nodes and periods. Counts must be equal; medians/p90 within half a histogram
bucket of the exact values. `rebuild` must reproduce the incrementally maintained tables."""

from __future__ import annotations

import datetime as dt
import math
import random

import pytest

from yizuyihui.cases import services as s
from yizuyihui.cases.models import Case, CaseStatus
from yizuyihui.insights import rollups
from yizuyihui.insights.measures import case_measures
from yizuyihui.insights.models import CaseDayTotal, CaseDayUnit, RollupDirty

pytestmark = pytest.mark.django_db
CST = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2026, 3, 2, 0, 0, tzinfo=CST)
ACTIONS = ["receive", "return", "resolve_on_spot", "deliberate", "dispatch", "claim", "send_back", "progress",
           "suspend", "resume", "escalate", "resolve", "feed_back", "rate_ok", "rate_bad", "rate_basic", "close"]
LIFECYCLE = ["receive", "resolve_on_spot", "resolve", "feed_back", "rate_ok", "rate_basic"] * 2
PERSONAS = ["unit_leader", "grid_worker", "council_member", "community_cadre", "street_official", "department_handler",
            "resident"]


def _do(case, action, actor, cast, now):
    u = cast.users
    match action:
        case "receive": s.case_receive(case=case, actor=actor, now=now)
        case "return": s.case_return(case=case, actor=actor, reason="r", now=now)
        case "resolve_on_spot": s.case_resolve_on_spot(case=case, actor=actor, note="n", now=now)
        case "deliberate": s.case_deliberate(case=case, actor=actor, now=now)
        case "dispatch": s.case_dispatch(case=case, actor=actor, handlers=[u["grid_worker"], u["community_cadre"]], now=now)
        case "claim": s.case_claim(case=case, actor=actor, now=now)
        case "send_back": s.case_send_back(case=case, actor=actor, reason="r", now=now)
        case "progress": s.case_progress(case=case, actor=actor, note="n", now=now)
        case "suspend": s.case_suspend(case=case, actor=actor, reason="r", now=now)
        case "resume": s.case_resume(case=case, actor=actor, now=now)
        case "escalate": s.case_escalate(case=case, actor=actor, reason="r", now=now)
        case "resolve": s.case_resolve(case=case, actor=actor, result="ok", now=now)
        case "feed_back": s.case_feed_back(case=case, actor=actor, feedback="f", now=now)
        case "rate_ok": s.case_rate(case=case, actor=actor, rating="satisfied", now=now)
        case "rate_basic": s.case_rate(case=case, actor=actor, rating="basic", now=now)
        case "rate_bad": s.case_rate(case=case, actor=actor, rating="dissatisfied", now=now)
        case "close": s.case_close(case=case, actor=actor, now=now)


def _history(cast, rng: random.Random, n: int) -> dt.datetime:
    units = [cast.unit_a, cast.unit_a, cast.unit_b, cast.unit_c, cast.unit_d]
    last = T0
    for i in range(n):
        filed = T0 + dt.timedelta(days=rng.randrange(6), hours=rng.choice([0, 0.2, 7, 13, 23.5, 23.9]) + rng.random() / 10)
        unit = rng.choice(units)
        case = s.case_file(unit=unit, actor=cast.users["resident"] if unit == cast.unit_a else None, title=f"m{i}", description="",
                           channel="web", now=filed)
        now = filed
        for _ in range(rng.randrange(12)):
            now += dt.timedelta(hours=rng.choice([0.05, 0.5, 3, 20, 70, 400, 2000]) * rng.random())
            try:
                _do(case, rng.choice(ACTIONS + LIFECYCLE), cast.users[rng.choice(PERSONAS)], cast, now)
            except (s.CaseError, s.CaseForbidden):
                case = Case.objects.get(pk=case.pk)
            last = max(last, now)
        if rng.random() < 0.15:
            s.sweep_overdue(now=now + dt.timedelta(days=rng.randrange(1, 30)))
    return last


def _exact_quantile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, math.ceil(q * len(values)) - 1)] if values else None


def _close(got, exact):
    if exact is None:
        return got is None
    lo, hi = rollups.bucket_bounds(rollups.bucket(exact))
    return got is not None and abs(got - exact) <= (hi - lo) / 2 + 0.1


def _check(cast, user, node, start_day, end_day, now):
    tz = dt.timezone(dt.timedelta(hours=8))
    start = dt.datetime.combine(start_day, dt.time(), tzinfo=tz)
    end = dt.datetime.combine(end_day, dt.time(), tzinfo=tz)
    ref = case_measures(user=user, node=node, start=start, end=end, now=now)
    got = rollups.rollup_measures(user=user, node=node, start=start_day, end=end_day, now=now)
    for f in ("total", "responded_in_time", "resolved", "rated", "satisfied", "settled_tier1", "settled_tier2",
              "reopened", "overdue_open", "was_overdue"):
        assert getattr(got, f) == getattr(ref, f), (f, user.username, node, start_day, end_day)
    assert got.monthly == ref.monthly and got.tiers == ref.tiers
    # Medians are within half a bucket of statistics.median over the exact hours (a mean of two
    # middle values may sit in between two buckets: allow the larger of their half-widths).
    from yizuyihui.accounts.scope import scope_q

    qs = Case.objects.filter(scope_q(user, "unit__node"), filed_at__gte=start, filed_at__lt=end).exclude(
        status__in=[CaseStatus.MERGED, CaseStatus.RETURNED])
    if node is not None:
        qs = qs.filter(unit__node__path__startswith=node.path)
    resp = [(b - a).total_seconds() / 3600 for a, b in qs.values_list("filed_at", "responded_at") if b and b >= a]
    res = [(b - a).total_seconds() / 3600 for a, b in qs.values_list("filed_at", "resolved_at") if b and b >= a]
    for exact, got_median, values in ((ref.median_response_hours, got.median_response_hours, resp),
                                      (ref.median_resolution_hours, got.median_resolution_hours, res)):
        if exact is None:
            assert got_median is None
        else:
            widths = [bucket_width(v) for v in values]
            assert abs(got_median - exact) <= max(widths) / 2 + 0.1, (exact, got_median)
    assert _close(got.p90_response_hours, _exact_quantile(resp, 0.9))
    assert _close(got.p90_resolution_hours, _exact_quantile(res, 0.9))
    return ref.total


def bucket_width(hours):
    lo, hi = rollups.bucket_bounds(rollups.bucket(hours))
    return hi - lo


def _snapshot():
    fields = rollups.COUNTS + rollups.HISTS
    return ({(r.path, r.grain, r.day): tuple(getattr(r, f) for f in fields) for r in CaseDayTotal.objects.all()
             if any(getattr(r, f) for f in fields)},
            {(r.unit_id, r.day): tuple(getattr(r, f) for f in fields) for r in CaseDayUnit.objects.all()
             if any(getattr(r, f) for f in fields)})


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rollups_equal_the_from_scratch_measures(cast, seed):
    rng = random.Random(seed)
    last = _history(cast, rng, 28)
    assert RollupDirty.objects.exists()  # the events queued their buckets
    rollups.refresh()
    assert not RollupDirty.objects.exists()
    nodes = [None, cast.street, cast.community, cast.unit_a.node, cast.unit_c.node, cast.city]
    seen = 0
    for persona in ("city_admin", "district_official", "street_official", "community_cadre", "grid_worker", "outsider"):
        for node in nodes:
            if node is not None and not cast.users[persona].has_perm("org.view_node", node):
                continue
            for start_off, length in ((0, 7), (0, 1), (2, 2), (5, 30), (-3, 4), (-1, 1), (-40, 75), (0, 400)):
                start_day = T0.date() + dt.timedelta(days=start_off)
                for now in (T0 + dt.timedelta(days=3), last + dt.timedelta(days=1)):
                    seen += _check(cast, cast.users[persona], node, start_day, start_day + dt.timedelta(days=length), now)
    assert seen > 0
    whole = case_measures(user=cast.users["city_admin"], start=T0 - dt.timedelta(days=1), end=T0 + dt.timedelta(days=9))
    assert whole.resolved >= 3 and whole.median_response_hours is not None  # the histories are not trivial
    incremental = _snapshot()
    rollups.rebuild()
    assert _snapshot() == incremental


def test_a_merge_and_a_later_step_move_the_bucket(cast):
    u = cast.users
    a = s.case_file(unit=cast.unit_a, actor=u["resident"], title="a", description="", channel="web", now=T0)
    b = s.case_file(unit=cast.unit_a, actor=u["resident"], title="b", description="", channel="web", now=T0)
    rollups.refresh()
    m = rollups.rollup_measures(user=u["street_official"], start=T0.date(), end=T0.date() + dt.timedelta(days=1))
    assert m.total == 2 and m.resolved == 0
    s.case_merge(case=b, actor=u["unit_leader"], into=a, now=T0 + dt.timedelta(hours=1))
    s.case_resolve_on_spot(case=a, actor=u["grid_worker"], note="ok", now=T0 + dt.timedelta(hours=2))
    s.case_feed_back(case=a, actor=u["council_member"], feedback="ok", now=T0 + dt.timedelta(hours=3))
    s.case_rate(case=a, actor=u["resident"], rating="satisfied", now=T0 + dt.timedelta(hours=4))
    rollups.refresh()
    m = rollups.rollup_measures(user=u["street_official"], start=T0.date(), end=T0.date() + dt.timedelta(days=1))
    assert (m.total, m.resolved, m.settled_tier1, m.median_resolution_hours) == (1, 1, 1, 2.0)
    assert (m.rated, m.satisfied, m.satisfaction_rate) == (1, 1, 1.0)
    assert rollups.rollup_measures(user=u["outsider"], start=T0.date(), end=T0.date() + dt.timedelta(days=1)).total == 0


def test_hist_quantile_matches_the_median_rule():
    hist = {str(rollups.bucket(h)): 1 for h in (1.0, 2.0, 3.0, 10.0)}
    assert rollups.hist_quantile(hist, 0.5) == 2.5  # mean of the two middle values, as statistics.median
    assert rollups.hist_quantile({}, 0.5) is None
    assert rollups.bucket_bounds(rollups.bucket(100.4)) == (100, 101)
    assert rollups.bucket_bounds(rollups.bucket(2000)) == (1992, 2016)


@pytest.mark.postgres
def test_the_sql_bucket_agrees_with_python_on_edge_values():
    """rollups.bucket_sql over (later - earlier) in the database == rollups.bucket over Python's
    timedelta: bucket edges (every 0.1 h below 48 h, 48 h, every hour near 60 days, days beyond)
    exactly and ± 1 µs, and random durations with microseconds."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL: the rebuild is SQL there")
    rng = random.Random(17)
    seconds = [360 * k for k in range(0, 490)] + [3600 * h for h in range(40, 60)] + [3600 * h for h in range(1400, 1480)]
    seconds += [86400 * d for d in range(55, 400, 7)]
    deltas = [dt.timedelta(seconds=x) + dt.timedelta(microseconds=e) for x in seconds for e in (-1, 0, 1) if x + e >= 0]
    deltas += [dt.timedelta(microseconds=rng.randrange(0, 10**6 * 3600 * 24 * 400)) for _ in range(3000)]
    deltas += [dt.timedelta(hours=h) for h in (0.1, 0.3, 0.7, 4.8, 47.9, 47.99999, 1439.9, 1440.0, 1463.99)]
    base = dt.datetime(2026, 3, 1, 23, 59, 59, 999_999, tzinfo=CST)
    later = [base + d for d in deltas]
    with connection.cursor() as cur:
        cur.execute(f"SELECT {rollups.bucket_sql(rollups._hours_sql('t.b', 't.a'))} FROM unnest(%s::timestamptz[], "
                    f"%s::timestamptz[]) WITH ORDINALITY AS t(a, b, i) ORDER BY t.i", [[base] * len(later), later])
        got = [r[0] for r in cur.fetchall()]
    want = [rollups.bucket((b - base).total_seconds() / 3600) for b in later]
    assert got == want
    assert len(set(want)) > 1000  # the edges of all three bucket widths are covered


def test_rebuild_all_runs_the_registered_rebuilds(monkeypatch):
    calls = []

    def other(progress=None):
        calls.append("other")

    def plain():
        calls.append("plain")

    from yizuyihui.insights import rebuilds

    monkeypatch.setattr(rebuilds, "REBUILDS", [])
    rebuilds.register_rebuild(other)
    rebuilds.register_rebuild(plain)
    rebuilds.register_rebuild(other)
    took = rebuilds.rebuild_all()
    assert calls == ["other", "plain"]
    names = list(took)
    # the matters' first, then every panel source (visits, duties, reports, meetings), then the added ones
    assert names[0] == "yizuyihui.insights.rollups.rebuild"
    assert names[-2:] == [f"{__name__}.other", f"{__name__}.plain"]
    panels = names[1:-2]
    assert panels and all(n.startswith("panels:") for n in panels)
    assert {n.split(":")[1].split("_")[0] for n in panels} >= {"visits", "meetings"}, panels


@pytest.mark.parametrize("seed", [4, 5])
def test_the_league_from_rollups_equals_the_from_scratch_league(cast, seed):
    """rollups.rollup_league (the dashboard's league table) == measures.league_table for every
    persona over the children of the nodes it may open (and the top of the tree: its scope's
    roots' children), periods around the history's days, two clocks for the open-overdue count."""
    from yizuyihui.insights.measures import league_table

    rng = random.Random(seed)
    last = _history(cast, rng, 28)
    rollups.refresh()
    fields = ("total", "responded_in_time", "resolved", "rated", "satisfied", "settled_tier1", "settled_tier2",
              "reopened", "overdue_open", "was_overdue")
    seen = 0
    for persona in ("city_admin", "district_official", "street_official", "community_cadre", "grid_worker", "outsider"):
        user = cast.users[persona]
        for parent in (cast.city, cast.county, cast.district, cast.street, cast.community, cast.other_street):
            if not user.has_perm("org.view_node", parent):
                continue
            children = list(parent.get_children())
            for start_off, length in ((0, 7), (2, 2), (-3, 4), (-40, 75)):
                start_day = T0.date() + dt.timedelta(days=start_off)
                end_day = start_day + dt.timedelta(days=length)
                for now in (T0 + dt.timedelta(days=3), last + dt.timedelta(days=1)):
                    ref = league_table(user=user, nodes=children, start=dt.datetime.combine(start_day, dt.time(), tzinfo=CST),
                                       end=dt.datetime.combine(end_day, dt.time(), tzinfo=CST), now=now)
                    got = rollups.rollup_league(user=user, nodes=children, start=start_day, end=end_day, now=now)
                    assert [r.node for r in got] == [r.node for r in ref]
                    for g, r in zip(got, ref, strict=True):
                        assert [getattr(g.m, f) for f in fields] == [getattr(r.m, f) for f in fields], \
                            (persona, parent, r.node, start_day, end_day, now)
                        seen += r.m.total + 100 * r.m.overdue_open
    assert seen > 100  # matters counted, and some open past their deadline
    assert rollups.rollup_league(user=cast.users["city_admin"], nodes=[], start=T0.date(), end=T0.date()) == []
