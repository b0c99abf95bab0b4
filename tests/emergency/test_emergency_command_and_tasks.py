"""Grid command staffed bottom-up, tasks to full coverage, daily roll-up, switch-back hand-over."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from django.urls import reverse

from yizuyihui.cases.models import Case, Mode, Urgency
from yizuyihui.emergency import selectors, services
from yizuyihui.emergency.models import (
    CommandState,
    DailyReport,
    EmergencyTask,
    TaskKind,
    TaskStatus,
)
from yizuyihui.meetings.models import Topic
from yizuyihui.people.models import Household

pytestmark = pytest.mark.django_db


def door_tasks(cast, e):
    services.tasks_generate(emergency=e, actor=cast.users["community_cadre"], kind=TaskKind.DOOR_CHECK)
    return EmergencyTask.objects.filter(emergency=e, kind=TaskKind.DOOR_CHECK)


# --- command roster -----------------------------------------------------------------------------------
def test_the_unit_proposes_and_the_community_branch_confirms(cast, community_emergency):
    e = community_emergency
    _tops, gaps_before = selectors.roster(emergency=e)
    post = services.command_propose(emergency=e, actor=cast.users["unit_leader"], node=cast.unit_a.node,
                                    person=cast.residents["grid_worker"], identity="网格员")
    assert post.state == CommandState.PROPOSED and post.unit == cast.unit_a
    _tops, gaps = selectors.roster(emergency=e)
    assert gaps == gaps_before  # proposed is not staffed
    with pytest.raises(services.EmergencyForbidden):
        services.command_decide(post=post, actor=cast.users["unit_leader"])  # the unit cannot confirm itself
    services.command_decide(post=post, actor=cast.users["community_cadre"])
    tops, gaps = selectors.roster(emergency=e)
    assert gaps == gaps_before - 1
    # community 幸福社区 → grids 一网格 (staffed) and 二网格 (a gap); who commands whom is the tree
    assert [rn.node for rn in tops] == [cast.community]
    grids = {rn.node.name: rn for rn in tops[0].children}
    assert [p.person for p in grids["幸福一网格"].confirmed] == [cast.residents["grid_worker"]]
    assert grids["幸福二网格"].gap and tops[0].gap


def test_a_unit_proposes_only_for_its_own_place(cast, community_emergency):
    with pytest.raises(services.EmergencyForbidden):
        services.command_propose(emergency=community_emergency, actor=cast.users["unit_leader"],
                                 node=cast.unit_b.node, person=cast.residents["grid_worker"])
    with pytest.raises(services.EmergencyForbidden):  # outside the emergency's scope
        services.command_propose(emergency=community_emergency, actor=cast.users["outsider"],
                                 node=cast.unit_d.node, person=cast.residents["outsider"])


# --- tasks ---------------------------------------------------------------------------------------------
def test_tasks_are_generated_for_every_household_once(cast, community_emergency):
    e = community_emergency
    in_scope = Household.objects.filter(unit__node__path__startswith=cast.community.path)
    assert door_tasks(cast, e).count() == in_scope.count() > 0
    assert services.tasks_generate(emergency=e, actor=cast.users["community_cadre"], kind=TaskKind.DOOR_CHECK) == 0
    n = services.tasks_generate(emergency=e, actor=cast.users["community_cadre"], kind=TaskKind.CARE)
    assert n == in_scope.filter(category__in=["key", "special"]).count() == 2


def test_generating_tasks_needs_the_branch_or_above(cast, community_emergency):
    with pytest.raises(services.EmergencyForbidden):
        services.tasks_generate(emergency=community_emergency, actor=cast.users["grid_worker"], kind="door_check")
    assert not EmergencyTask.objects.exists()


def test_a_grid_worker_records_results_and_coverage_rises_to_full(cast, community_emergency):
    from yizuyihui.people.services import household_create

    e = community_emergency
    for i in range(2):
        household_create(unit=cast.unit_b, address=f"幸福二网格{i}号")
    tasks = list(door_tasks(cast, e).filter(unit=cast.unit_a))
    assert selectors.coverage(emergency=e).reached == 0
    for i, t in enumerate(tasks):
        services.task_complete(task=t, actor=cast.users["grid_worker"], result="ok", submission=f"s{i}")
    cov = selectors.coverage(emergency=e, node=cast.unit_a.node)
    assert (cov.reached, cov.total, cov.share) == (len(tasks), len(tasks), 1.0)
    whole = selectors.coverage(emergency=e)
    row = {r.node: r for r in whole.rows}[cast.unit_a.node]
    assert row.share == 1.0 and whole.reached == len(tasks) < whole.total  # unit B not reached yet
    assert not selectors.not_reached_by_place(emergency=e, node=cast.unit_a.node)
    [(place, items)] = selectors.not_reached_by_place(emergency=e)
    assert place == cast.unit_b.node and {t.household.address for t in items} == {"幸福二网格0号", "幸福二网格1号"}


def test_nobody_at_home_is_not_reached(cast, community_emergency):
    t = door_tasks(cast, community_emergency).filter(unit=cast.unit_a).first()
    services.task_complete(task=t, actor=cast.users["grid_worker"], result="not_home")
    assert selectors.coverage(emergency=community_emergency, node=cast.unit_a.node).reached == 0
    assert [p for p, _ in selectors.not_reached_by_place(emergency=community_emergency)] == [cast.unit_a.node]


def test_a_need_found_becomes_one_urgent_matter_and_a_double_submission_changes_nothing(cast, community_emergency):
    t = door_tasks(cast, community_emergency).filter(unit=cast.unit_a).first()
    t1, recorded = services.task_complete(task=t, actor=cast.users["grid_worker"], result="need", need_kind="medicine",
                                          need_text="降压药只剩两天", submission="abc")
    assert recorded
    case = Case.objects.get()
    assert case.urgency == Urgency.URGENT and case.mode == Mode.URGENT and t1.need_case == case
    assert case.unit == cast.unit_a and "降压药" in case.description
    t2, recorded = services.task_complete(task=t, actor=cast.users["unit_leader"], result="ok", submission="def")
    assert not recorded and t2.result == "need" and t2.done_by == cast.users["grid_worker"]
    assert Case.objects.count() == 1


def test_the_phone_form_is_idempotent_and_refuses_households_outside_your_command(cast, community_emergency, login):
    t = door_tasks(cast, community_emergency).filter(unit=cast.unit_b).first()
    if t is None:
        from yizuyihui.people.services import household_create

        household_create(unit=cast.unit_b, address="幸福二网格1号")
        t = door_tasks(cast, community_emergency).filter(unit=cast.unit_b).get()
    url = reverse("emergency:task", args=[t.pk])
    client = login("grid_worker")  # unit A's grid worker: unit B is not theirs
    assert client.get(url).status_code == 403
    assert client.post(url, {"result": "ok", "submission": "x"}).status_code == 403
    t.refresh_from_db()
    assert t.status == TaskStatus.OPEN
    # confirmed into unit B's command, the same person may
    post = services.command_propose(emergency=community_emergency, actor=cast.users["community_cadre"],
                                    node=cast.unit_b.node, person=cast.residents["grid_worker"], identity="支援")
    services.command_decide(post=post, actor=cast.users["community_cadre"])
    data = {"result": "ok", "note": "体温正常", "submission": "same"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    t.refresh_from_db()
    assert t.status == TaskStatus.DONE and t.note == "体温正常"
    assert EmergencyTask.objects.filter(status=TaskStatus.DONE).count() == 1


# --- daily reports -------------------------------------------------------------------------------------
FIGURES = ("households", "reached", "tasks_total", "tasks_done", "needs_open", "needs_met", "overdue")


def test_each_level_report_is_the_sum_of_its_children(cast):
    from yizuyihui.people.services import household_create

    for i in range(4):
        household_create(unit=cast.unit_b, address=f"幸福二网格{i}号", category="special" if i == 0 else "ordinary")
        household_create(unit=cast.unit_c, address=f"上桃园{i}号")
    e = services.emergency_switch(node=cast.street, actor=cast.users["street_official"], kind="flood", level=2,
                                  reason="汛情")
    for kind in TaskKind.values:
        services.tasks_generate(emergency=e, actor=cast.users["street_official"], kind=kind)
    tasks = list(EmergencyTask.objects.filter(emergency=e).order_by("pk"))
    for t in tasks[::2]:
        services.task_complete(task=t, actor=cast.users["street_official"], result="ok")
    services.task_complete(task=tasks[1], actor=cast.users["street_official"], result="need", need_kind="food")
    services.daily_reports_roll_up(emergency=e)
    reports = {r.node_id: r for r in DailyReport.objects.filter(emergency=e)}
    checked = 0
    for r in reports.values():
        children = [c for c in reports.values() if c.node.get_parent() and c.node.get_parent().pk == r.node_id]
        if children:
            for f in FIGURES:
                assert getattr(r, f) == sum(getattr(c, f) for c in children), (r.node.name, f)
            checked += 1
    assert checked >= 3  # street, community, village
    street = reports[cast.street.pk]
    door = EmergencyTask.objects.filter(emergency=e, kind="door_check")
    assert street.households == door.count() == Household.objects.filter(
        unit__node__path__startswith=cast.street.path).count()
    assert street.reached == door.filter(result__in=["ok", "need"]).count()
    assert street.tasks_done == EmergencyTask.objects.filter(emergency=e, status="done").count()
    assert street.needs_open == 1
    # rerun: same rows, notes kept
    services.daily_report_note(emergency=e, node=cast.community, day=street.day, actor=cast.users["community_cadre"],
                               note="全员到岗")
    services.daily_reports_roll_up(emergency=e)
    assert DailyReport.objects.filter(emergency=e).count() == len(reports)
    assert DailyReport.objects.get(emergency=e, node=cast.community).note == "全员到岗"


def test_report_pdf_and_xlsx_download(cast, community_emergency, login):
    client = login("community_cadre")
    url = reverse("emergency:report_pdf", args=[community_emergency.pk])
    r = client.get(url)
    assert r.status_code == 200 and r.content[:4] == b"%PDF"
    r = client.get(reverse("emergency:report_xlsx", args=[community_emergency.pk]))
    assert r.status_code == 200 and r.content[:2] == b"PK"


# --- switch back ----------------------------------------------------------------------------------------
def test_switch_back_hands_over_care_closes_the_rest_and_puts_the_review_on_every_council_agenda(cast, tmp_path):
    e = services.emergency_switch(node=cast.community, actor=cast.users["street_official"], kind="epidemic", level=3,
                                  reason="疫情")
    door = door_tasks(cast, e)
    services.tasks_generate(emergency=e, actor=cast.users["community_cadre"], kind=TaskKind.CARE)
    first = door.filter(unit=cast.unit_a).first()
    services.task_complete(task=first, actor=cast.users["grid_worker"], result="ok")
    open_door = door.filter(status="open").count()
    care = EmergencyTask.objects.filter(emergency=e, kind=TaskKind.CARE).count()
    services.emergency_end(emergency=e, actor=cast.users["street_official"], note="解除管控")
    e.refresh_from_db()
    assert e.log["handed_over"] == care and e.log["closed"] == open_door
    assert EmergencyTask.objects.filter(emergency=e, kind=TaskKind.CARE, status=TaskStatus.HANDED_OVER).count() == care
    assert not EmergencyTask.objects.filter(emergency=e, status=TaskStatus.OPEN).exists()
    assert e.review["tasks"]["door_check"]["reached"] == 1
    assert e.review["issues"]["not_reached"] == door.count() - 1
    topics = Topic.objects.filter(title__contains="复盘") | Topic.objects.filter(title__contains="After-action")
    assert set(topics.values_list("unit", flat=True)) == {cast.unit_a.pk, cast.unit_b.pk}
    with pytest.raises(services.EmergencyError):
        services.emergency_end(emergency=e, actor=cast.users["street_official"])
    # the review PDF: Chinese, with an embedded CJK SC font, and two charts
    from yizuyihui.emergency.review import review_pdf

    pdf = review_pdf(emergency=e)
    path = tmp_path / "review.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all("CJK-SC" in line for line in cjk), fonts
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True).stdout
    assert len(images.strip().splitlines()) >= 4  # header lines + two charts
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "复盘" in text and "幸福社区" in text


def test_the_dashboard_panel_shows_coverage(cast, community_emergency, rf):
    from yizuyihui.emergency.dashboard import dashboard_panels

    door_tasks(cast, community_emergency)
    request = rf.get("/")
    request.user = cast.users["street_official"]
    panels = dashboard_panels(request, node=cast.street, start=dt.date(2026, 1, 1), end=dt.date(2027, 1, 1))
    assert len(panels) == 1 and "幸福社区" in panels[0].title
    assert panels[0].items[0][1].startswith("0.0%")


def test_the_daily_job_rolls_up_from_the_set_local_hour(cast, time_machine):
    from yizuyihui.emergency.tasks import emergency_daily_reports

    cst = dt.timezone(dt.timedelta(hours=8))
    time_machine.move_to(dt.datetime(2026, 12, 1, 19, 0, tzinfo=cst), tick=False)
    e = services.emergency_switch(node=cast.community, actor=cast.users["street_official"], kind="epidemic", level=3,
                                  reason="疫情")
    assert emergency_daily_reports.call_local() == 0 and not DailyReport.objects.exists()
    time_machine.move_to(dt.datetime(2026, 12, 1, 20, 0, tzinfo=cst), tick=False)
    assert emergency_daily_reports.call_local() > 0
    assert DailyReport.objects.filter(emergency=e, node=cast.community, day=dt.date(2026, 12, 1)).exists()
