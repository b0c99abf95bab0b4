"""Pages, home cards, dashboard panels and the demo generator."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from yizuyihui.people.models import Household
from yizuyihui.visits import services
from yizuyihui.visits.models import Finding, PlannedVisit


def test_logging_from_the_due_list_takes_one_post(cast, login):
    today = timezone.localdate()
    services.schedule_generate(under=cast.community, start=today, end=today)
    slot = PlannedVisit.objects.filter(household__unit=cast.unit_a, category="special").first()
    client = login("grid_worker")
    page = client.get(reverse("visits:due"))
    assert reverse("visits:log", args=[slot.household_id]) in page.content.decode()
    response = client.post(
        reverse("visits:log", args=[slot.household_id]) + f"?planned={slot.pk}",
        {"visited_at": "", "note": "", "finding": "楼道灯不亮", "action": "file"},
    )
    assert response.status_code == 200  # the time is required: the form comes back
    response = client.post(
        reverse("visits:log", args=[slot.household_id]) + f"?planned={slot.pk}",
        {"visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "finding": "楼道灯不亮", "action": "file",
         "latitude": "31.82", "longitude": "117.22"},
    )
    assert response.status_code == 302
    slot.refresh_from_db()
    assert slot.visit.latitude == 31.82
    finding = Finding.objects.get(visit=slot.visit)
    assert finding.case_id is not None


def test_compliance_counts_done_due_and_overdue(cast, login, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 18, 2, 0, tzinfo=dt.UTC))
    services.schedule_generate(under=None, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    key = Household.objects.filter(unit=cast.unit_a, category="key").first()
    services.visit_log(household=key, actor=cast.users["grid_worker"])
    from yizuyihui.visits.selectors import visit_coverage

    rows = {r.category: r for r in visit_coverage(user=cast.users["community_cadre"], node=None,
                                                  start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31))}
    assert (rows["key"].done, rows["key"].due, rows["key"].overdue) == (1, 0, 2)
    client = login("street_official")
    assert client.get(reverse("visits:compliance")).status_code == 200


def test_home_cards_and_dashboard_panels(cast, rf):
    from yizuyihui.visits.dashboard import dashboard_panels
    from yizuyihui.visits.home import home_cards, nav_items

    request = rf.get("/")
    request.user = cast.users["grid_worker"]
    assert any(c.url == reverse("visits:due") for c in home_cards(request))
    assert nav_items(request)
    panels = dashboard_panels(request, node=cast.community, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    assert [p.title for p in panels] and panels[0].rows[0][0] and panels[0].bars
    request.user = cast.users["resident"]
    assert {c.url for c in home_cards(request)} == {reverse("visits:event_new"), reverse("visits:report_new")}


def test_policy_page_edits_the_cadence(cast, login):
    client = login("city_admin")
    data = {"c-cadence_ordinary": "quarter", "c-cadence_key": "month", "c-cadence_special": "week"}
    for e, m in [("family_misfortune", 1440), ("sudden_hardship", 1440), ("community_emergency", 120),
                 ("neighbour_dispute", 1440), ("group_conflict", 120), ("public_security", 60)]:
        data[f"d-minutes_{e}"] = m
    assert client.post(reverse("visits:policy"), data).status_code == 302
    assert services.cadence_map()["ordinary"] == "quarter"
    assert services.duty_policy("public_security") == (False, 60)


def test_the_demo_makes_a_year_of_activity(cast):
    from yizuyihui.visits.demo import generate

    result = generate(seed=1, progress=lambda stage, n: None)
    assert result["planned_visits"] > 0 and result["visits"] > 0
    assert result["events"] > 0 and result["reports"] > 0


def test_a_unit_without_visitors_says_so_instead_of_an_empty_picker(cast, login):
    unit_b = cast.unit_b  # no grid worker, no member with an account
    assert not services.visitors_for_unit(unit_b).exists()
    page = login("community_cadre").get(reverse("visits:unit_schedule", args=[unit_b.pk]),
                                        HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'data-testid="no-visitors"' in page and "本单元暂无可分配的走访人" in page
    assert '<select name="visitor">' not in page
    page = login("community_cadre").get(reverse("visits:unit_schedule", args=[cast.unit_a.pk])).content.decode()
    assert '<select name="visitor">' in page and 'data-testid="no-visitors"' not in page


def test_the_compliance_page_reads_the_rollups_and_equals_the_tables(cast, login, time_machine):
    """The page's category, 六必到 and 六必报 figures come from the rollups (a visit just logged
    included: the queued buckets are folded in first) and equal the live counts; the per-unit table
    is live."""
    from yizuyihui.visits import dashboard, selectors
    from yizuyihui.visits.models import EventType, ReportType

    time_machine.move_to(dt.datetime(2026, 3, 18, 2, 0, tzinfo=dt.UTC), tick=False)
    services.schedule_generate(under=None, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    key = Household.objects.filter(unit=cast.unit_a, category="key").first()
    services.visit_log(household=key, actor=cast.users["grid_worker"])
    event = services.event_register(unit=cast.unit_a, event_type=EventType.NEIGHBOUR_DISPUTE, actor=None,
                                    description="楼上漏水")
    services.duty_check_in(duty=event.duties.get(assignee=cast.users["grid_worker"]), actor=cast.users["grid_worker"])
    services.report_file(unit=cast.unit_a, report_type=ReportType.DAMAGED_FACILITY, actor=cast.users["grid_worker"],
                         description="路灯坏了")
    start = dt.date(2026, 1, 1)
    for end in (dt.date(2026, 3, 18), dt.date(2026, 3, 31)):  # today (the page's default) is included
        for persona, node in (("community_cadre", None), ("street_official", None),
                              ("street_official", cast.unit_a.node)):
            user = cast.users[persona]
            page = dashboard.compliance(user=user, node=node, start=start, end=end)
            live = selectors.compliance(user=user, node=node, start=start, end=end)
            live.duties.pop("pending")  # not on the page; the rollups keep no such count
            assert page == live, (persona, end)
    assert [(r.done, r.overdue) for r in page.coverage if r.category == "key"] == [(1, 2)]
    assert page.duties["arrived"] == 1 and dict(page.reports)[str(ReportType.DAMAGED_FACILITY.label)] == 1
    html = login("street_official").get(reverse("visits:compliance") + "?start=2026-01-01&end=2026-03-31")
    assert html.status_code == 200 and cast.unit_a.name in html.content.decode()
