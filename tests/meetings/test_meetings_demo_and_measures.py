"""The demo generator, the mobilisation measures, the dashboard panel and the public notice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from yizuyihui.cases.models import CaseStatus
from yizuyihui.meetings import demo, services
from yizuyihui.meetings.dashboard import dashboard_panels
from yizuyihui.meetings.models import Decision, Meeting, MeetingStatus, Resolution
from yizuyihui.meetings.selectors import mobilisation

pytestmark = pytest.mark.django_db


def test_the_demo_makes_meetings_minutes_and_resolutions_through_the_services(cast):
    counts = demo.generate(seed=7, progress=lambda stage, n: None)
    assert counts["meetings"] >= 2 and counts["resolutions"] >= 1
    council = Meeting.objects.filter(unit=cast.unit_a, kind="council", status=MeetingStatus.HELD).get()
    assert council.minutes and council.participants.filter(body="plus").exists()
    # Unit A has accounts: its matters went on the agenda and moved on by resolution.
    moved = council.unit.cases.exclude(status__in=[CaseStatus.FILED, CaseStatus.RECEIVED])
    assert moved.count() == 2


def test_the_measures_count_meetings_topics_plus_members_and_attendance(cast, run_meeting):
    topic = run_meeting.propose()
    run_meeting.pre_meeting(topic)
    meeting = run_meeting.council(topic, hold=False)
    seats = list(meeting.participants.values_list("pk", flat=True))
    services.meeting_hold(meeting=meeting, actor=cast.users["unit_leader"], attended=seats[:-1])  # one "+" absent
    services.resolution_adopt(item=meeting.items.get(), actor=cast.users["unit_leader"], text="方案",
                              decided_by=Decision.CONSENSUS, actions=[run_meeting.spec(days=0)])
    m = mobilisation(paths=(cast.unit_a.node.path,))
    assert (m.council_meetings, m.group_meetings, m.topics_settled, m.resolutions) == (1, 1, 1, 1)
    assert m.plus_members == 1
    assert (m.attended, m.invited) == (3 + 6, 3 + 7)
    assert mobilisation(paths=(cast.other_street.path,)).council_meetings == 0
    tomorrow = timezone.now() + dt.timedelta(days=1)
    assert mobilisation(paths=(cast.unit_a.node.path,), start=tomorrow).council_meetings == 0


def _page_measures(html: str) -> list[str]:
    import re

    section = re.search(r'data-testid="measures">(.*?)</section>', html, re.S).group(1)
    return re.findall(r"<b>(.*?)</b>", section)


def test_the_meetings_pages_read_the_rollups_and_agree_with_the_tables_at_once(cast, run_meeting, login):
    """/meetings/ (the scope) and a unit's page show the all-time measures from insights' rollups —
    folded in before reading, so a meeting just held counts — equal to the tables' computation."""
    from yizuyihui.insights.models import PanelDirty

    topic = run_meeting.propose()
    run_meeting.pre_meeting(topic)
    meeting = run_meeting.council(topic)
    services.resolution_adopt(item=meeting.items.get(), actor=cast.users["unit_leader"], text="方案",
                              decided_by=Decision.CONSENSUS, actions=[run_meeting.spec(days=0)])
    assert PanelDirty.objects.exists()  # queued, not yet folded in by the job
    client = login("street_official")
    for url, path in (("/meetings/", cast.street.path), (f"/meetings/unit/{cast.unit_a.pk}/", cast.unit_a.node.path)):
        m = mobilisation(paths=(path,))
        shown = _page_measures(client.get(url).content.decode())
        assert shown[:4] == [str(m.council_meetings), str(m.group_meetings), str(m.topics_settled), str(m.plus_members)]
        assert (m.council_meetings, m.topics_settled) == (1, 1), url
    assert not PanelDirty.objects.exists()


def test_the_dashboard_panel_shows_the_measures_only_within_the_viewers_scope(cast, run_meeting):
    request = RequestFactory().get("/")
    request.user = cast.users["street_official"]
    start, end = timezone.now() - dt.timedelta(days=30), timezone.now() + dt.timedelta(days=1)
    (panel,) = dashboard_panels(request, node=cast.street, start=start, end=end)
    assert len(panel.items) == 7
    request.user = cast.users["outsider"]
    assert dashboard_panels(request, node=cast.street, start=start, end=end) == []


def test_the_public_notice_shows_resolutions_without_personal_data(cast, run_meeting, login):
    topic = run_meeting.propose("小区停车难")
    run_meeting.pre_meeting(topic)
    meeting = run_meeting.council(topic)
    services.resolution_adopt(item=meeting.items.get(), actor=cast.users["unit_leader"], text="夜间临时车位",
                              decided_by=Decision.VOTE, votes_for=5, votes_against=2, actions=[run_meeting.spec()])
    body = login("resident").get(reverse("meetings:board", args=[cast.unit_a.pk])).content.decode()
    assert "夜间临时车位" in body and "小区停车难" in body
    assert Resolution.objects.get().passed
    grid_worker = cast.residents["grid_worker"]
    for private in ("幸福小区物业办公室", "社区民警老王", grid_worker.name, grid_worker.phone):
        assert private not in body


def test_the_unit_page_lists_matters_to_put_on_the_agenda_and_the_flow_runs_through_the_pages(cast, login):
    from yizuyihui.cases.services import case_file

    case = case_file(unit=cast.unit_a, actor=cast.users["resident"], title="电动车楼道充电", description="",
                     channel="web", suggest=False)
    client = login("unit_leader")
    page = client.get(reverse("meetings:unit", args=[cast.unit_a.pk])).content.decode()
    assert "电动车楼道充电" in page
    client.post(reverse("meetings:unit_act", args=[cast.unit_a.pk, "from_case"]), {"case": case.pk})
    topic = case.meeting_topics.get()
    when = (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    r = client.post(reverse("meetings:unit_act", args=[cast.unit_a.pk, "convene"]),
                    {"kind": "council", "topics": [topic.pk], "when": when, "place_kind": "property_office"})
    assert r.status_code == 302 and not Meeting.objects.filter(kind="council").exists()  # 组在前: refused
    r = client.post(reverse("meetings:unit_act", args=[cast.unit_a.pk, "convene"]),
                    {"kind": "party_group", "topics": [topic.pk], "when": when, "place_kind": "service_centre"})
    pre = Meeting.objects.get(kind="party_group")
    assert r["Location"] == reverse("meetings:detail", args=[pre.pk])
    client.post(reverse("meetings:act", args=[pre.pk, "hold"]),
                {"attended": list(pre.participants.values_list("pk", flat=True))})
    item = pre.items.get()
    client.post(reverse("meetings:act", args=[pre.pk, "consider"]),
                {"item": item.pk, "rank": 1, "direction": "安全第一", "take_up": "1"})
    topic.refresh_from_db()
    assert topic.status == "considered"
    assert client.get(reverse("meetings:detail", args=[pre.pk])).status_code == 200
