"""/api/resources/: teams, needs, matching suggestions, dispatch and offers — each limited to the
caller's scope, with no resident's personal data beyond a masked phone (address once dispatched)."""

from __future__ import annotations

import json

from yizuyihui.resources import services
from yizuyihui.resources.models import Dispatch


def _need(cast):
    return services.need_create(unit=cast.unit_a, actor=cast.users["unit_leader"], service_type="legal",
                                title="法律咨询", address="幸福一网格3号楼502", contact=cast.residents["resident"])


def _post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_teams_are_listed_within_the_scope(cast, world, login):
    client = login("community_cadre")
    names = [t["name"] for t in client.get("/api/resources/teams").json()["items"]]
    assert "幸福法律服务队" in names and "和平法律服务队" not in names
    detail = client.get(f"/api/resources/teams/{world.team.pk}").json()
    assert detail["leader_name"] == "volunteer1" and {m["name"] for m in detail["members"]} == {"volunteer1",
                                                                                                "volunteer2"}
    assert "13900000001" not in json.dumps(detail)  # no contact data of volunteers
    client = login("outsider")
    assert client.get(f"/api/resources/teams/{world.team.pk}").status_code == 404


def test_a_volunteer_sees_their_own_team_only(cast, world, client):
    client.force_login(world.volunteer_user)
    assert [t["id"] for t in client.get("/api/resources/teams").json()["items"]] == [world.team.pk]
    assert client.get("/api/resources/needs").status_code == 403  # needs are the staff's


def test_a_need_is_created_matched_and_dispatched(cast, world, login):
    client = login("unit_leader")
    r = _post(client, "/api/resources/needs", {"unit_id": cast.unit_a.pk, "service_type": "legal", "title": "法律咨询",
                                               "address": "活动室"})
    assert r.status_code == 201, r.content
    need = r.json()
    assert need["address"] == ""  # not before a team is sent
    s = client.get(f"/api/resources/needs/{need['id']}/suggestions").json()
    teams = [x for x in s["suggestions"] if x["kind"] == "team"]
    assert teams[0]["id"] == world.team.pk
    assert all(x["name"] == "" for x in s["suggestions"] if x["kind"] == "volunteer")  # volunteers by team only
    r = _post(client, f"/api/resources/needs/{need['id']}/dispatch", {"team_id": world.team.pk})
    assert r.status_code == 201 and Dispatch.objects.filter(need_id=need["id"], team=world.team).exists()
    assert _post(client, f"/api/resources/needs/{need['id']}/dispatch", {"team_id": world.team.pk}).status_code == 422


def test_bad_needs_are_refused(cast, world, login):
    client = login("unit_leader")
    assert _post(client, "/api/resources/needs", {"unit_id": cast.unit_a.pk, "service_type": "golf",
                                                  "title": "x"}).status_code == 422
    assert _post(client, "/api/resources/needs", {"unit_id": cast.unit_a.pk, "service_type": "legal",
                                                  "title": " "}).status_code == 422
    assert _post(client, "/api/resources/needs", {"unit_id": cast.unit_d.pk, "service_type": "legal",
                                                  "title": "x"}).status_code == 404  # outside the scope
    assert _post(client, "/api/resources/needs", {"unit_id": cast.unit_a.pk, "service_type": "legal", "title": "x",
                                                  "when": 0}).status_code == 422
    client = login("grid_worker")  # sees the unit, does not keep its needs
    assert _post(client, "/api/resources/needs", {"unit_id": cast.unit_a.pk, "service_type": "legal",
                                                  "title": "x"}).status_code == 403


def test_the_needs_list_masks_the_contact_and_shows_the_address_once_dispatched(cast, world, login):
    need = _need(cast)
    client = login("unit_leader")
    [row] = client.get("/api/resources/needs").json()["items"]
    assert row["phone"].count("*") == 4 and row["address"] == ""
    services.team_dispatch(team=world.team, need=need, actor=cast.users["unit_leader"])
    [row] = client.get("/api/resources/needs").json()["items"]
    assert row["address"] == "幸福一网格3号楼502" and "*" in row["phone"]


def test_offers_are_read_in_the_village_and_recorded_by_its_keepers(cast, world, login):
    member = services.outside_member_register(village=cast.village, actor=world.village_cadre, name="李乡贤",
                                              where="深圳", what="电商", contact="13811112222", consent=True)
    client = login("street_official")
    r = _post(client, f"/api/resources/board/{cast.village.pk}/offers",
              {"member_id": member.pk, "kind": "sales", "title": "网店代销"})
    assert r.status_code == 201 and r.json()["member_name"] == "李乡贤"
    offers = client.get(f"/api/resources/board/{cast.village.pk}/offers").json()
    assert [o["title"] for o in offers] == ["网店代销"] and "13811112222" not in json.dumps(offers)
    client = login("community_cadre")  # another community's cadre: the village is not theirs
    assert client.get(f"/api/resources/board/{cast.village.pk}/offers").status_code == 404
