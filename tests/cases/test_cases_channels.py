"""Channels: resident page, staff entry, JSON API with Idempotency-Key, Open311 GeoReport v2 (XML and JSON)."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

import pytest
from factories import file_matter

from yizuyihui.accounts.apikeys import apikey_create, apikey_revoke
from yizuyihui.cases.models import Case, Category

pytestmark = pytest.mark.django_db


def test_a_resident_files_from_the_phone_page_in_one_screen(cast, login):
    client = login("resident")
    r = client.post("/cases/new/", {"title": "垃圾没人清", "description": "", "place": ""})
    assert r.status_code == 302
    case = Case.objects.get()
    assert case.channel == "web" and case.reporter == cast.residents["resident"] and case.place
    assert client.get(r["Location"]).status_code == 200


def test_staff_file_on_behalf_of_a_resident_by_phone(cast, login):
    client = login("grid_worker")
    r = client.post("/cases/staff/new/", {"unit": cast.unit_a.pk, "channel": "phone", "title": "噪音扰民",
                                          "reporter_phone": cast.residents["resident"].phone, "urgency": "normal"})
    assert r.status_code == 302
    case = Case.objects.get()
    assert case.channel == "phone" and case.reporter == cast.residents["resident"] and case.filed_by == cast.users["grid_worker"]


def test_the_detail_page_runs_a_step(cast, login):
    client = login("resident")
    client.post("/cases/new/", {"title": "路灯", "place": "1号楼"})
    case = Case.objects.get()
    client = login("unit_leader")
    assert client.post(f"/cases/{case.pk}/act/receive/").status_code == 302
    case.refresh_from_db()
    assert case.status == "received"
    assert "dispatch" in client.get(f"/cases/{case.pk}/").content.decode()


def test_the_api_creates_once_per_idempotency_key(cast, login):
    client = login("resident")
    body = json.dumps({"unit_id": cast.unit_a.pk, "title": "电梯故障"})
    r1 = client.post("/api/cases/", body, content_type="application/json", headers={"Idempotency-Key": "k-1"})
    r2 = client.post("/api/cases/", body, content_type="application/json", headers={"Idempotency-Key": "k-1"})
    assert (r1.status_code, r2.status_code) == (201, 200)
    assert r1.json()["id"] == r2.json()["id"] and Case.objects.count() == 1
    r3 = client.post("/api/cases/", body, content_type="application/json", headers={"Idempotency-Key": "k-2"})
    assert r3.status_code == 201 and Case.objects.count() == 2


def test_the_api_refuses_filing_for_another_unit(cast, login):
    r = login("resident").post("/api/cases/", json.dumps({"unit_id": cast.unit_d.pk, "title": "x"}),
                               content_type="application/json")
    assert r.status_code == 403


def test_the_api_runs_actions_with_permissions(cast, login):
    client = login("resident")
    case_id = client.post("/api/cases/", json.dumps({"unit_id": cast.unit_a.pk, "title": "x"}),
                          content_type="application/json").json()["id"]
    assert client.post(f"/api/cases/{case_id}/actions/receive", "{}", content_type="application/json").status_code == 403
    leader = login("unit_leader")
    r = leader.post(f"/api/cases/{case_id}/actions/receive", "{}", content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "received"
    r = leader.post(f"/api/cases/{case_id}/actions/receive", "{}", content_type="application/json")
    assert r.status_code == 422
    assert len(leader.get(f"/api/cases/{case_id}/events").json()) == 2


def test_the_api_accepts_a_bearer_key(cast, client):
    apikey_create(user=cast.users["grid_worker"], name="script", raw="secret-key-123")[0]
    r = client.post("/api/cases/", json.dumps({"unit_id": cast.unit_a.pk, "title": "y"}), content_type="application/json",
                    headers={"Authorization": "Bearer secret-key-123"})
    assert r.status_code == 201


def test_a_revoked_key_or_a_deactivated_user_is_refused_and_a_post_stays_cheap(cast, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = cast.users["grid_worker"]
    key = apikey_create(user=user, name="script", raw="secret-key-456")[0]
    headers = {"Authorization": "Bearer secret-key-456", "Idempotency-Key": "q-1"}
    body = json.dumps({"unit_id": cast.unit_a.pk, "title": "y"})
    client.post("/api/cases/", body, content_type="application/json", headers={**headers, "Idempotency-Key": "q-0"})
    with CaptureQueriesContext(connection) as ctx:  # warm: policy, calendar and taxonomy are cached
        r = client.post("/api/cases/", body, content_type="application/json", headers=headers)
    assert r.status_code == 201
    # key (hashed, accounts.ApiKey); the unit with the Idempotency-Key's earlier matter in one SELECT;
    # the matter and its filing event (one `WITH … INSERT` on PostgreSQL, two INSERTs elsewhere); the
    # rollup queue's INSERT (+ BEGIN/COMMIT or SAVEPOINTs in tests). The user's posts come from the
    # cache, the routing suggestion is a job after the commit, the taxonomy is cached (issue 17).
    sql = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"] and q["sql"] not in ("BEGIN", "COMMIT")]
    assert len(sql) == (4 if connection.vendor == "postgresql" else 5), sql
    assert sum("insights_rollupdirty" in q for q in sql) == 1
    assert sum(q.startswith("SELECT") for q in sql) == 2, sql
    r = client.post("/api/cases/", body, content_type="application/json", headers=headers)
    assert r.status_code == 200 and r.json()["id"] == Case.objects.get(idempotency_key="q-1").pk
    apikey_revoke(key=key)
    assert client.post("/api/cases/", body, content_type="application/json", headers=headers).status_code in (401, 403)
    key.revoked_at = None
    key.save()
    user.is_active = False
    user.save()
    assert client.post("/api/cases/", body, content_type="application/json", headers=headers).status_code in (401, 403)


def test_the_api_takes_a_category_and_answers_a_retry_with_another_unit(cast, client):
    """The category comes from the cached taxonomy; the unit and the Idempotency-Key are one SELECT,
    and a retry naming a unit that does not exist is still the key's other body (422), not a 404."""
    apikey_create(user=cast.users["grid_worker"], name="script", raw="secret-key-321")
    headers = {"Authorization": "Bearer secret-key-321", "Idempotency-Key": "c-1"}
    top = Category.objects.filter(level=1).first()
    body = {"unit_id": cast.unit_a.pk, "title": "y", "category_id": top.pk}
    r = client.post("/api/cases/", json.dumps(body), content_type="application/json", headers=headers)
    assert r.status_code == 201 and r.json()["category_id"] == top.pk
    r = client.post("/api/cases/", json.dumps({**body, "category_id": 2**40}), content_type="application/json",
                    headers={**headers, "Idempotency-Key": "c-2"})
    assert r.status_code == 422 and not Case.objects.filter(idempotency_key="c-2").exists()
    r = client.post("/api/cases/", json.dumps({**body, "unit_id": 2**40}), content_type="application/json",
                    headers=headers)
    assert r.status_code == 422 and "Idempotency-Key" in r.json()["detail"]
    r = client.post("/api/cases/", json.dumps({**body, "unit_id": 2**40}), content_type="application/json",
                    headers={**headers, "Idempotency-Key": "c-3"})
    assert r.status_code == 404


def test_open311_discovery_and_services_in_xml_and_json(client):
    assert client.get("/open311/v2/discovery.json").json()["endpoints"][0]["specification"].startswith("http://wiki.open311")
    root = ET.fromstring(client.get("/open311/v2/services.xml").content)
    assert root.tag == "services" and root.find("service/service_code") is not None
    services = client.get("/open311/v2/services.json").json()
    assert {"service_code", "service_name", "metadata", "type", "keywords", "group", "description"} <= set(services[0])
    definition = ET.fromstring(client.get(f"/open311/v2/services/{services[0]['service_code']}.xml").content)
    assert definition.find("attributes/attribute/code").text == "unit"


def test_open311_post_and_get_a_request(cast, client):
    apikey_create(user=cast.users["grid_worker"], name="app", raw="open311-key")[0]
    code = Category.objects.filter(level=1).first().code
    r = client.post("/open311/v2/requests.xml", {"api_key": "open311-key", "service_code": code, "lat": "28.2",
                                                 "long": "112.9", "description": "路面塌陷，请尽快处理",
                                                 "attribute[unit]": cast.unit_a.node.code})
    assert r.status_code == 201
    request_id = ET.fromstring(r.content).find("request/service_request_id").text
    got = client.get(f"/open311/v2/requests/{request_id}.json").json()[0]
    assert got["status"] == "open" and got["service_code"] == code and got["lat"] == 28.2
    assert "phone" not in got and "reporter" not in got
    listed = ET.fromstring(client.get(f"/open311/v2/requests.xml?service_code={code}&status=open").content)
    assert [e.text for e in listed.iter("service_request_id")] == [request_id]
    token = Case.objects.get(pk=request_id).public_id
    assert client.get(f"/open311/v2/tokens/{token}.json").json()[0]["service_request_id"] == int(request_id)


def test_open311_refuses_a_bad_key_with_an_error_document(cast, client):
    r = client.post("/open311/v2/requests.json", {"api_key": "nope", "service_code": "01", "description": "x", "lat": "1", "long": "1"})
    assert r.status_code == 403 and r.json()[0]["code"] == 403
    r = client.get("/open311/v2/requests/999999.xml")
    assert r.status_code == 404 and ET.fromstring(r.content).tag == "errors"


def test_the_public_board_shows_no_personal_data(cast, login):

    file_matter(cast, title="公共区域漏水", description="住户电话 13800000011",
              channel="web")
    html = login("resident").get(f"/cases/board/{cast.unit_a.pk}/").content.decode()
    assert "公共区域漏水" in html and cast.residents["resident"].phone not in html and "13800000011" not in html
