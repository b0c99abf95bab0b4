"""Tasks assigned to named people through the command roster, 'my tasks' on the phone's home page,
coverage counts kept as results come in, and the API (/api/emergency/)."""

from __future__ import annotations

import json

import pytest

from yizuyihui.cases.models import Case
from yizuyihui.emergency import selectors, services
from yizuyihui.emergency.models import CoverageCount, EmergencyTask, TaskKind, TaskStatus
from yizuyihui.org.models import Level
from yizuyihui.people.models import Household

pytestmark = pytest.mark.django_db


@pytest.fixture
def building(cast):
    """楼1 under 幸福一网格 with two of its households; the others stay at the grid."""
    from yizuyihui.org.services import node_create

    b = node_create(parent=cast.unit_a.node, name="幸福一网格1号楼", level=Level.BUILDING, code="T-B1")
    ids = list(Household.objects.filter(unit=cast.unit_a).order_by("pk").values_list("pk", flat=True)[:2])
    Household.objects.filter(pk__in=ids).update(node=b)
    return b


def _confirm(cast, e, node, persona, identity=""):
    post = services.command_propose(emergency=e, actor=cast.users["unit_leader"], node=node,
                                    person=cast.residents[persona], identity=identity)
    return services.command_decide(post=post, actor=cast.users["community_cadre"])


def _generate(cast, e, kind=TaskKind.DOOR_CHECK):
    return services.tasks_generate(emergency=e, actor=cast.users["community_cadre"], kind=kind)


# --- assignment through the roster ----------------------------------------------------------------------
def test_the_building_head_gets_their_building_and_the_grid_commander_the_rest(cast, community_emergency, building):
    e = community_emergency
    _generate(cast, e)
    assert not EmergencyTask.objects.filter(assignee__isnull=False).exists()  # nobody confirmed yet
    _confirm(cast, e, building, "building_head", "楼栋长")
    _confirm(cast, e, cast.unit_a.node, "grid_worker", "网格长")
    tasks = EmergencyTask.objects.filter(emergency=e, unit=cast.unit_a)
    assert set(tasks.filter(node=building).values_list("assignee", flat=True)) == {cast.residents["building_head"].pk}
    rest = tasks.exclude(node=building)
    assert rest.exists() and set(rest.values_list("assignee", flat=True)) == {cast.residents["grid_worker"].pk}
    # unit B has nobody confirmed: unassigned
    assert not EmergencyTask.objects.filter(emergency=e, unit=cast.unit_b, assignee__isnull=False).exists()

    counts = selectors.open_tasks_by_assignee(emergency=e, person_ids={cast.residents["building_head"].pk,
                                                                      cast.residents["grid_worker"].pk})
    assert counts == {cast.residents["building_head"].pk: 2, cast.residents["grid_worker"].pk: rest.count()}
    mine = list(selectors.my_tasks(emergency=e, user=cast.users["building_head"]))
    assert {t.node_id for t in mine} == {building.pk} and len(mine) == 2
    theirs = list(selectors.my_tasks(emergency=e, user=cast.users["grid_worker"]))
    assert building.pk not in {t.node_id for t in theirs} and len(theirs) == rest.count()


def test_tasks_generated_after_the_roster_is_confirmed_are_assigned_and_a_withdrawn_head_hands_back(
        cast, community_emergency, building):
    e = community_emergency
    head = _confirm(cast, e, building, "building_head")
    _confirm(cast, e, cast.unit_a.node, "grid_worker")
    _generate(cast, e)
    in_building = EmergencyTask.objects.filter(emergency=e, node=building)
    assert set(in_building.values_list("assignee", flat=True)) == {cast.residents["building_head"].pk}
    services.command_decide(post=head, actor=cast.users["community_cadre"], confirm=False)
    assert set(in_building.values_list("assignee", flat=True)) == {cast.residents["grid_worker"].pk}


def test_my_tasks_are_on_the_phone_home_page(cast, community_emergency, building, login):
    e = community_emergency
    _generate(cast, e)
    _confirm(cast, e, building, "building_head", "楼栋长")
    client = login("building_head")
    body = client.get("/").content.decode()
    t = EmergencyTask.objects.filter(emergency=e, node=building).order_by("pk").first()
    card = next(c for c in client.get("/").context["cards"] if c.url == f"/emergency/{e.pk}/tasks/" and c.value == 2)
    assert t.household.address in card.note and card.order == 0
    assert f"/emergency/{e.pk}/tasks/" in body
    # the unit's council member has nothing assigned: no "my tasks" card for them
    cards = login("council_member").get("/").context["cards"]
    assert not [c for c in cards if c.order == 0 and c.url == f"/emergency/{e.pk}/tasks/"]


def test_an_assignee_without_a_staff_post_sees_and_does_their_tasks(cast, community_emergency, building, login):
    """A "+" member confirmed as building head: their tasks, nobody else's."""
    from yizuyihui.people.models import Post

    e = community_emergency
    _generate(cast, e)
    Post.objects.filter(user=cast.users["building_head"]).update(active=False)  # now only a resident
    _confirm(cast, e, building, "building_head")
    client = login("building_head")
    r = client.get(f"/emergency/{e.pk}/tasks/")
    assert r.status_code == 200 and len(r.context["rows"]) == 2
    other = EmergencyTask.objects.filter(emergency=e).exclude(node=building).first()
    assert client.post(f"/emergency/task/{other.pk}/", {"result": "ok"}).status_code == 403
    mine = EmergencyTask.objects.filter(emergency=e, node=building).first()
    assert client.post(f"/emergency/task/{mine.pk}/", {"result": "ok"}).status_code == 302
    assert client.get(f"/emergency/{e.pk}/").status_code == 403  # the dashboard stays with the staff


# --- coverage counts --------------------------------------------------------------------------------------
def test_the_kept_coverage_counts_equal_a_fresh_count(cast, community_emergency):
    from yizuyihui.people.services import household_create

    e = community_emergency
    household_create(unit=cast.unit_b, address="幸福二网格9号")
    _generate(cast, e)
    _generate(cast, e, TaskKind.CARE)
    results = ["ok", "need", "not_home", "refused", "ok"]
    for i, t in enumerate(EmergencyTask.objects.filter(emergency=e).order_by("pk")[:5]):
        services.task_complete(task=t, actor=cast.users["community_cadre"], result=results[i], need_kind="food")
    kept = sorted(CoverageCount.objects.filter(emergency=e).values_list("kind", "node_id", "total", "reached", "done"))
    services.coverage_recount(emergency=e)
    fresh = sorted(CoverageCount.objects.filter(emergency=e).values_list("kind", "node_id", "total", "reached", "done"))
    assert kept == fresh
    cov = selectors.coverage(emergency=e)
    tasks = EmergencyTask.objects.filter(emergency=e, kind=TaskKind.DOOR_CHECK)
    assert (cov.total, cov.reached) == (tasks.count(), tasks.filter(result__in=["ok", "need"]).count())


# --- API --------------------------------------------------------------------------------------------------
def _post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_api_status_and_my_tasks(cast, community_emergency, building, login):
    e = community_emergency
    _generate(cast, e)
    _confirm(cast, e, building, "building_head")
    _confirm(cast, e, cast.unit_a.node, "grid_worker")
    client = login("street_official")
    r = client.get(f"/api/emergency/{e.pk}")
    assert r.status_code == 200
    door = {c["kind"]: c for c in r.json()["coverage"]}["door_check"]
    assert door["total"] == Household.objects.filter(unit__node__path__startswith=cast.community.path).count()
    assert {p["name"] for p in r.json()["door_check_by_place"]} >= {"幸福一网格"}
    assert [x["id"] for x in client.get("/api/emergency/").json()] == [e.pk]
    mine = login("building_head").get(f"/api/emergency/{e.pk}/tasks").json()
    assert len(mine) == 2 and {t["assignee_id"] for t in mine} == {cast.residents["building_head"].pk}
    assert login("outsider").get(f"/api/emergency/{e.pk}").status_code == 404
    assert login("outsider").get(f"/api/emergency/{e.pk}/tasks").status_code == 404


def test_api_task_result_outside_your_command_is_403_and_changes_nothing(cast, community_emergency, login):
    from yizuyihui.people.services import household_create

    e = community_emergency
    household_create(unit=cast.unit_b, address="幸福二网格1号")
    _generate(cast, e)
    t = EmergencyTask.objects.get(emergency=e, unit=cast.unit_b)
    for persona in ("grid_worker", "outsider", "resident"):
        r = _post(login(persona), f"/api/emergency/tasks/{t.pk}/result", {"result": "need", "need_kind": "food"})
        assert r.status_code == 403, persona
    t.refresh_from_db()
    assert t.status == TaskStatus.OPEN and t.result == "" and not Case.objects.exists()
    assert CoverageCount.objects.get(emergency=e, node=cast.unit_b.node, kind="door_check").done == 0


def test_api_double_submission_is_idempotent(cast, community_emergency, login):
    e = community_emergency
    _generate(cast, e)
    t = EmergencyTask.objects.filter(emergency=e, unit=cast.unit_a).order_by("pk").first()
    client = login("grid_worker")
    url = f"/api/emergency/tasks/{t.pk}/result"
    data = {"result": "need", "need_kind": "medicine", "need_text": "胰岛素", "submission": "phone-1"}
    first = _post(client, url, data)
    assert first.status_code == 200 and first.json()["recorded"] is True
    again = _post(client, url, data)
    other = _post(login("unit_leader"), url, {"result": "ok", "submission": "phone-2"})
    for r in (again, other):
        assert r.status_code == 200 and r.json()["recorded"] is False and r.json()["task"]["result"] == "need"
    assert Case.objects.count() == 1
    assert CoverageCount.objects.get(emergency=e, node=t.node, kind="door_check").done == 1
    needs = client.get(f"/api/emergency/{e.pk}/needs").json()
    assert needs["open"] == 1 and len(needs["rows"]) == 1
    assert _post(client, url, {"result": "maybe"}).status_code == 422


def test_the_review_counts_the_needs_found_though_switching_back_calms_them(cast, community_emergency):
    e = community_emergency
    _generate(cast, e)
    t = EmergencyTask.objects.filter(emergency=e, unit=cast.unit_a).order_by("pk").first()
    services.task_complete(task=t, actor=cast.users["grid_worker"], result="need", need_kind="medicine",
                           need_text="降压药")
    services.emergency_end(emergency=e, actor=cast.users["street_official"])
    e.refresh_from_db()
    assert Case.objects.get().mode == "calm"  # re-timed back to calm deadlines
    assert e.review["needs"]["total"] == 1 and e.review["needs"]["open"] == 1
    _rows, counts = selectors.needs(emergency=e, user=cast.users["street_official"])
    assert counts["open"] == 1
