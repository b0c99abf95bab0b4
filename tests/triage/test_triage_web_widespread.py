"""Widespread problems (民众普遍性问题): clusters across units, in scope, escalated to tier 3."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from yizuyihui.cases.models import Case, CaseEvent
from yizuyihui.cases.services import case_escalate, case_file, case_return
from yizuyihui.triage import selectors
from yizuyihui.triage.models import CaseSupport, WidespreadScan

pytestmark = pytest.mark.django_db

# Three planted problems in 东风街道 (units A, B, C), one in 西风街道 (unit D), and unrelated matters.
PARKING = ["伊景园滨河苑开发商捆绑销售车位，不买车位不给交房", "投诉伊景园滨河苑捆绑销售车位的问题",
           "伊景园滨河苑强制业主购买车位才能收房", "伊景园滨河苑开发商要求买房必须买车位",
           "反映伊景园滨河苑车位捆绑销售，侵害业主权益"]
BBQ = ["魅力之城小区临街门面烧烤夜宵摊油烟噪音扰民", "魅力之城小区楼下烧烤店油烟太大，半夜还很吵",
       "投诉魅力之城小区底商烧烤夜宵油烟扰民", "魅力之城小区一楼门面夜宵烧烤噪音油烟严重影响休息"]
DUST = ["丽发新城小区附近搅拌站灰尘大噪音大，严重影响居民生活", "丽发新城旁边的搅拌站粉尘污染严重",
        "投诉丽发新城小区附近搅拌站噪音扰民粉尘污染", "丽发新城搅拌站日夜施工，灰尘噪音影响学生上课"]
OTHER_STREET = ["和平路公交站台被拆除后一直没有恢复，老人等车很不方便", "和平路公交站台拆了没有重建，等车没地方",
                "投诉和平路公交站台拆除后未恢复"]
UNRELATED = ["K7县教师招聘面试不设大众评委，对试教结果有质疑", "城区节假日有人燃放孔明灯，存在火灾隐患，建议严禁",
             "北山镇荣合桥社区道路泥泞，村民出行困难，请求硬化道路", "希望增加社区老年食堂的开放时间"]


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def _file(c, unit, title, *, days_ago=0):
    actor = c.users["outsider"] if unit == c.unit_d else c.users["street_official"]
    return case_file(unit=unit, actor=actor, title=title, description=title + "，请有关部门尽快处理。",
                     channel="phone", suggest=False, now=timezone.now() - dt.timedelta(days=days_ago))


@pytest.fixture
def planted(cast):
    units = [cast.unit_a, cast.unit_b, cast.unit_c]
    out = {}
    for name, titles in (("parking", PARKING), ("bbq", BBQ), ("dust", DUST)):
        out[name] = [_file(cast, units[i % 3], t, days_ago=i) for i, t in enumerate(titles)]
    out["other_street"] = [_file(cast, cast.unit_d, t) for t in OTHER_STREET]
    out["unrelated"] = [_file(cast, units[i % 3], t) for i, t in enumerate(UNRELATED)]
    return out


def _matches(found: list[set[int]], planted) -> bool:
    """As in the similarity tests: a planted group comes back with at most one member missed and
    no stray matter."""
    ids = {c.pk for c in planted}
    best = max(found, key=lambda s: len(s & ids), default=set())
    return len(best & ids) >= len(ids) - 1 and not best - ids


def _problem_sets(user, node):
    return [set(p.member_ids) for p in selectors.widespread_problems(user=user, node=node)]


def test_planted_clusters_come_back_ranked_by_size_and_spread(cast, planted):
    problems = selectors.widespread_problems(user=cast.users["street_official"], node=cast.street)
    sets = [set(p.member_ids) for p in problems]
    assert len(sets) == 3
    for name in ("parking", "bbq", "dust"):
        assert _matches(sets, planted[name]), name
    assert sets[0] == {c.pk for c in planted["parking"]}  # the largest, in three units
    top = problems[0]
    assert top.size == 5 and top.spread == 3 and top.first_time < top.last_time
    assert "伊景园" in top.label or "车位" in top.label
    unrelated = {c.pk for c in planted["unrelated"]}
    assert not any(s & unrelated for s in sets)
    assert not any(s & {c.pk for c in planted["other_street"]} for s in sets)


def test_street_official_sees_the_street_and_the_outsider_does_not(cast, planted, login):
    html = login("street_official").get(reverse("triage:widespread")).content.decode()
    for name in ("parking", "bbq", "dust"):
        shown = [c for c in planted[name] if reverse("cases:detail", args=[c.pk]) in html]
        assert len(shown) >= len(planted[name]) - 1, name
    for c in planted["other_street"]:
        assert reverse("cases:detail", args=[c.pk]) not in html
    assert html.count('data-testid="problem"') == 3

    client = login("outsider")
    html = client.get(reverse("triage:widespread")).content.decode()
    for c in planted["parking"] + planted["bbq"] + planted["dust"]:
        assert reverse("cases:detail", args=[c.pk]) not in html
        assert c.title not in html
    for c in planted["other_street"]:
        assert reverse("cases:detail", args=[c.pk]) in html
    assert client.get(reverse("triage:widespread"), {"node": cast.street.pk}).status_code == 403


def test_community_cadre_sees_the_community_only(cast, planted, login):
    html = login("community_cadre").get(reverse("triage:widespread")).content.decode()
    in_community = [c for c in planted["parking"] if c.unit_id in (cast.unit_a.pk, cast.unit_b.pk)]
    in_village = [c for c in planted["parking"] if c.unit_id == cast.unit_c.pk]
    for c in in_community:
        assert reverse("cases:detail", args=[c.pk]) in html
    for c in in_village:
        assert reverse("cases:detail", args=[c.pk]) not in html


def test_members_roles_and_handlers_are_refused(cast, planted, login):
    for persona in ("unit_leader", "grid_worker", "resident", "department_handler"):
        assert login(persona).get(reverse("triage:widespread")).status_code == 403, persona


def test_district_sees_both_streets(cast, planted):
    sets = _problem_sets(cast.users["district_official"], cast.district)
    assert _matches(sets, planted["parking"]) and _matches(sets, planted["other_street"])


def test_support_counts_and_closed_matters_leave(cast, planted):
    parking = planted["parking"]
    CaseSupport.objects.create(case=parking[0], person=cast.residents["resident"], created_at=timezone.now())
    WidespreadScan.objects.all().delete()  # support is counted when the matters are clustered
    top = selectors.widespread_problems(user=cast.users["street_official"], node=cast.street)[0]
    assert top.support == 1
    case_return(case=parking[1], actor=cast.users["street_official"], reason="重复")
    top = next(p for p in selectors.widespread_problems(user=cast.users["street_official"], node=cast.street)
               if parking[0].pk in p.member_ids)
    assert parking[1].pk not in top.member_ids and top.size == 4


def test_clustering_is_cached_per_scope_until_the_matters_change(cast, planted, monkeypatch):
    from yizuyihui.triage import similarity

    calls = []
    real = similarity.cluster_hotspots
    monkeypatch.setattr(similarity, "cluster_hotspots", lambda items, **kw: calls.append(1) or real(items, **kw))
    user = cast.users["street_official"]
    first = _problem_sets(user, cast.street)
    assert _problem_sets(user, cast.street) == first and len(calls) == 1
    _problem_sets(cast.users["district_official"], cast.district)
    assert len(calls) == 2  # another scope, its own entry
    _file(cast, cast.unit_a, "伊景园滨河苑捆绑卖车位，不买不交房")
    sets = _problem_sets(user, cast.street)
    assert len(calls) == 3 and len(max(sets, key=len)) == 6


def test_periodic_task_warms_the_streets(cast, planted):
    from yizuyihui.triage.tasks import warm_widespread_task

    warm_widespread_task.call_local()
    assert selectors.widespread_problems(user=cast.users["street_official"], node=cast.street, compute=False)
    assert selectors.widespread_problems(user=cast.users["outsider"], node=cast.other_street, compute=False)


def test_escalating_a_problem_sends_its_matters_to_tier_3(cast, planted, login):
    dust = planted["dust"]
    # one member already went up to the community (tier 2) before
    case_escalate(case=dust[0], actor=cast.users["unit_leader"], reason="复杂")
    start_tier = {c.pk: (1 if c.pk != dust[0].pk else 2) for c in dust}
    problem = next(p for p in selectors.widespread_problems(user=cast.users["street_official"], node=cast.street)
                   if set(p.member_ids) == {c.pk for c in dust})
    client = login("street_official")
    html = client.get(reverse("triage:widespread")).content.decode()
    assert reverse("triage:widespread_escalate") in html
    r = client.post(reverse("triage:widespread_escalate"),
                    {"node": cast.street.pk, "label": problem.label, "case": [c.pk for c in dust]})
    assert r.status_code == 302
    reason = f"民众普遍性问题: {problem.label}"
    for c in dust:
        c.refresh_from_db()
        assert c.tier == 3 and c.node_id == cast.street.pk and c.status == "received"
        events = CaseEvent.objects.filter(case=c, action="escalate", reason=reason)
        # one event per level gone up: the service hands a matter up one level per call (逐级上交)
        assert events.count() == 3 - start_tier[c.pk]
        assert list(events.order_by("at", "pk").values_list("tier", flat=True)) == list(range(start_tier[c.pk] + 1, 4))
    # the other problems were not touched
    others = [c.pk for c in [*planted["parking"], *planted["bbq"]]]
    assert set(Case.objects.filter(pk__in=others).values_list("tier", flat=True)) == {1}
    # again: nothing more happens, the page says they are at tier 3 already
    before = CaseEvent.objects.count()
    client.post(reverse("triage:widespread_escalate"), {"node": cast.street.pk, "label": problem.label,
                                                        "case": [c.pk for c in dust]})
    assert CaseEvent.objects.count() == before


def test_escalation_is_refused_outside_the_scope(cast, planted, login):
    dust = planted["dust"]
    data = {"node": cast.street.pk, "label": "搅拌站", "case": [c.pk for c in dust]}
    for persona in ("outsider", "community_cadre", "unit_leader", "resident"):
        assert login(persona).post(reverse("triage:widespread_escalate"), data).status_code == 403, persona
    # the outsider's own street cannot smuggle in matters of another street
    data = {"node": cast.other_street.pk, "label": "搅拌站", "case": [c.pk for c in dust]}
    login("outsider").post(reverse("triage:widespread_escalate"), data)
    assert not CaseEvent.objects.filter(action="escalate").exists()


def test_dashboard_panel_and_home_card(cast, planted, login):
    from yizuyihui.triage.dashboard import dashboard_panels
    from yizuyihui.triage.selectors import warm_hotspots

    warm_hotspots()  # the job clusters; the dashboard panel only reads its result (issue 17)
    request = RequestFactory().get("/")
    request.user = cast.users["street_official"]
    panels = dashboard_panels(request, node=cast.street, start=None, end=None)
    assert len(panels) == 1
    figures = dict(panels[0].items)
    problems, matters, units = list(figures.values())[:3]
    assert problems == 3 and 12 <= matters <= 13 and units == 3
    request.user = cast.users["outsider"]
    assert dashboard_panels(request, node=cast.street, start=None, end=None) == []
    request.user = cast.users["unit_leader"]
    assert dashboard_panels(request, node=cast.unit_a.node, start=None, end=None) == []

    home = login("street_official").get(reverse("core:home")).content.decode()
    assert reverse("triage:widespread") in home
    assert reverse("triage:widespread") not in login("grid_worker").get(reverse("core:home")).content.decode()
    dash = login("street_official").get(reverse("insights:dashboard")).content.decode()
    assert f"{reverse('triage:widespread')}?node={cast.street.pk}" in dash


def test_the_page_is_paginated_and_never_clusters_a_big_scope_on_the_request(planted, cast, login, monkeypatch):
    from yizuyihui.triage import similarity, views

    client = login("street_official")
    monkeypatch.setattr(views, "WIDESPREAD_PAGE", 2)
    html = client.get(reverse("triage:widespread") + f"?node={cast.street.pk}").content.decode()
    assert html.count('data-testid="problem"') == 2 and 'data-testid="pager"' in html
    page2 = client.get(reverse("triage:widespread") + f"?node={cast.street.pk}&page=2").content.decode()
    assert page2.count('data-testid="problem"') >= 1
    WidespreadScan.objects.all().delete()
    monkeypatch.setattr(selectors, "COMPUTE_ON_REQUEST", 0)  # a big scope with nothing stored yet
    calls = []
    real = similarity.cluster_hotspots
    monkeypatch.setattr(similarity, "cluster_hotspots", lambda items, **kw: calls.append(1) or real(items, **kw))
    html = client.get(reverse("triage:widespread") + f"?node={cast.street.pk}").content.decode()
    assert 'data-testid="preparing"' in html and 'data-testid="problem"' not in html and not calls
    selectors.warm_hotspots()  # the periodic job
    n = len(calls)
    _file(cast, cast.unit_a, "伊景园滨河苑捆绑卖车位，不买不交房")  # the matters change: the page keeps reading
    html = client.get(reverse("triage:widespread") + f"?node={cast.street.pk}").content.decode()
    assert 'data-testid="problem"' in html and len(calls) == n


def test_the_job_stores_the_scopes_the_page_opens_on_in_the_database(cast, planted):
    """The job runs in the worker, the page in the web processes: the clusters are in a table that
    both read (a per-process cache was never seen by the page without Redis)."""
    assert selectors.warm_hotspots() >= 3  # the city, the district, the streets with matters
    scans = {s.node_id: s for s in WidespreadScan.objects.all()}
    assert {cast.city.pk, cast.district.pk, cast.street.pk, cast.other_street.pk} <= set(scans)
    assert scans[cast.street.pk].clusters.count() == 3
    assert selectors.warm_hotspots() == 0  # nothing changed: nothing clustered again


def test_a_community_reads_its_streets_stored_clusters_narrowed_to_its_matters(cast, planted, login, monkeypatch):
    from yizuyihui.triage import similarity

    selectors.warm_hotspots()
    calls = []
    monkeypatch.setattr(similarity, "cluster_hotspots", lambda items, **kw: calls.append(1) or [])
    html = login("community_cadre").get(reverse("triage:widespread")).content.decode()
    assert not calls  # nothing clustered on the request
    for c in planted["parking"]:
        shown = reverse("cases:detail", args=[c.pk]) in html
        assert shown == (c.unit_id in (cast.unit_a.pk, cast.unit_b.pk))


def test_the_home_cards_count_is_the_problems_pages_count(cast, planted):
    """widespread_count (the home card) counts what widespread_problems lists, from ids alone —
    also after a problem's matters are settled down to one (it drops out of both)."""
    from yizuyihui.cases.models import Case
    from yizuyihui.triage.tasks import warm_widespread_task

    warm_widespread_task.call_local()
    user, node = cast.users["street_official"], cast.street
    listed = selectors.widespread_problems(user=user, node=node, compute=False)
    assert len(listed) >= 2 and selectors.widespread_count(user=user, node=node) == len(listed)
    first = listed[0]
    Case.objects.filter(pk__in=first.member_ids[1:]).update(status="closed")  # all but one settled
    assert len(selectors.widespread_problems(user=user, node=node, compute=False)) == len(listed) - 1
    assert selectors.widespread_count(user=user, node=node) == len(listed) - 1
    assert selectors.widespread_count(user=cast.users["outsider"], node=node) == 0
