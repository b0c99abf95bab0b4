"""Bad input gets a 4xx with a clear message and changes nothing (core/validation.py), on every
channel: pages, the API, Open311. One test per class of input: control characters, numbers no
column holds, dates nobody means, text over the common limits, unknown references."""

from __future__ import annotations

import pytest
from django.urls import reverse

from yizuyihui.accounts.apikeys import apikey_create, key_user_for
from yizuyihui.cases.models import Case
from yizuyihui.core.validation import TEXT_MAX

pytestmark = pytest.mark.django_db
HUGE = str(2**70)


@pytest.fixture
def key(cast):
    apikey_create(user=cast.users["resident"], name="t", raw="resident-key")[0]
    apikey_create(user=cast.users["grid_worker"], name="t", raw="staff-key")[0]
    return "resident-key"


def _open311_post(client, key, **extra):
    data = {"api_key": key, "service_code": "01", "description": "路灯坏了", "address_string": "幸福路口"}
    data.update(extra)
    return client.post("/open311/v2/requests.json", data)


@pytest.mark.parametrize("bad", ["\x00", "a\x00b", "\x1b[31m", "\x7f", "\x08"])
def test_control_characters_are_refused_on_every_channel(cast, login, client, key, bad):
    from yizuyihui.cases.models import Category

    Category.objects.get_or_create(code="01", defaults={"name": "城乡建设", "level": 1})
    before = Case.objects.count()
    page = login("resident").post(reverse("cases:resident_file"), {"title": f"路灯{bad}坏了", "description": ""})
    assert page.status_code == 400 and "control characters" in page.content.decode().lower() or "控制字符" in page.content.decode()
    client.logout()
    api = client.post("/api/cases/", {"unit_id": cast.unit_a.pk, "title": f"路灯{bad}"}, content_type="application/json",
                      HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.status_code == 422 and isinstance(api.json()["detail"], str)
    o311 = _open311_post(client, key, description=f"路灯{bad}坏了")
    assert o311.status_code == 400 and o311.json()[0]["code"] == 400
    query = client.get("/open311/v2/requests.xml", {"service_code": f"01{bad}"})
    assert query.status_code == 400 and query["Content-Type"].startswith("text/xml")
    assert Case.objects.count() == before


def test_the_same_length_limit_on_every_channel(cast, login, client, key):
    from yizuyihui.cases.models import Category

    Category.objects.get_or_create(code="01", defaults={"name": "城乡建设", "level": 1})
    long_text = "很" * (TEXT_MAX + 1)
    before = Case.objects.count()
    assert login("resident").post(reverse("cases:resident_file"), {"title": "路灯", "description": long_text}).status_code == 400
    client.logout()
    assert client.post("/api/cases/", {"unit_id": cast.unit_a.pk, "title": "路灯", "description": long_text},
                       content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 422
    assert _open311_post(client, key, description=long_text).status_code == 400
    assert Case.objects.count() == before
    ok = "很" * TEXT_MAX  # exactly the limit is fine everywhere
    assert _open311_post(client, key, description=ok).status_code == 201


@pytest.mark.parametrize("url", [
    "/open311/v2/requests.json?start_date=2024-13-45T00:00:00",
    "/open311/v2/requests.json?end_date=0001-01-01T00:00:00",
    "/open311/v2/requests.json?start_date=9999-12-31T00:00:00",
    "/open311/v2/requests.json?service_request_id=" + HUGE,
    "/open311/v2/requests.json?service_request_id=abc",
    "/open311/v2/requests.json?status=maybe",
])
def test_open311_queries_with_bad_parameters_are_400(client, url):
    response = client.get(url)
    assert response.status_code == 400, url
    assert response.json()[0]["description"]


@pytest.mark.parametrize("url", [
    "/insights/?end=9999-12-31", "/insights/?start=0001-01-01",
    "/visits/compliance/?end=9999-12-31", "/visits/compliance/?start=0001-01-01",
])
def test_pages_refuse_dates_nobody_means(cast, login, url):
    response = login("city_admin").get(url)
    assert response.status_code == 400
    assert "1900" in response.content.decode()


@pytest.mark.parametrize("query", [f"unit_id={HUGE}", f"offset={HUGE}", f"limit={HUGE}"])
def test_the_api_refuses_numbers_no_column_holds(cast, client, key, query):
    for path in ("/api/people/persons", "/api/org/units", "/api/cases/"):
        response = client.get(f"{path}?{query}", HTTP_AUTHORIZATION="Bearer staff-key")
        assert response.status_code == 422, (path, query, response.status_code)
        assert isinstance(response.json()["detail"], str)


def test_validation_errors_have_the_declared_shape(cast, client, key):
    response = client.post("/api/cases/", {"unit_id": "x"}, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert isinstance(detail, str) and "unit_id" in detail and "title" in detail


def test_huge_handler_ids_on_dispatch_are_refused(cast, login):
    from yizuyihui.cases.services import case_file, case_receive

    case = case_file(unit=cast.unit_a, actor=cast.users["resident"], title="路灯", description="", channel="web")
    case_receive(case=case, actor=cast.users["unit_leader"])
    response = login("unit_leader").post(reverse("cases:act", args=[case.pk, "dispatch"]), {"handlers": [HUGE]})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == "received"


def test_huge_named_responder_on_a_new_event_is_refused(cast, login):
    from yizuyihui.visits.models import Event

    response = login("grid_worker").post(reverse("visits:event_new"), {
        "unit": cast.unit_a.pk, "event_type": "sudden_hardship", "description": "突发困难", "named": [HUGE]})
    assert response.status_code == 400
    assert not Event.objects.exists()


def test_meeting_convene_and_visit_log_refuse_year_one(cast, login):
    from yizuyihui.meetings.models import Meeting
    from yizuyihui.people.models import Household
    from yizuyihui.visits.models import Visit

    response = login("unit_leader").post(reverse("meetings:unit_act", args=[cast.unit_a.pk, "convene"]),
                                         {"kind": "party_group", "when": "0001-01-01T00:00", "place_kind": "property_office"})
    assert response.status_code == 400 and not Meeting.objects.exists()
    household = Household.objects.filter(unit=cast.unit_a).first()
    response = login("grid_worker").post(reverse("visits:log", args=[household.pk]), {"visited_at": "0001-01-01T00:00"})
    assert response.status_code == 400 and not Visit.objects.exists()


def test_an_unknown_agenda_item_on_a_resolution_is_404(cast, login):
    import datetime as dt

    from django.utils import timezone

    from yizuyihui.meetings.services import meeting_convene

    meeting = meeting_convene(unit=cast.unit_a, actor=cast.users["unit_leader"], kind="party_group",
                              scheduled_at=timezone.now() + dt.timedelta(days=1), place_kind="property_office")
    response = login("unit_leader").post(reverse("meetings:act", args=[meeting.pk, "resolve"]),
                                         {"item": "987654", "text": "同意"})
    assert response.status_code == 404


def test_open311_reads_api_key_and_jurisdiction_from_the_query_string(cast, client, key, settings):
    from yizuyihui.cases.models import Category

    Category.objects.get_or_create(code="01", defaults={"name": "城乡建设", "level": 1})
    settings.YZYH_OPEN311_JURISDICTION = "bcity.gov.cn"
    data = {"service_code": "01", "description": "路灯坏了", "address_string": "幸福路口"}
    ok = client.post(f"/open311/v2/requests.json?api_key={key}&jurisdiction_id=bcity.gov.cn", data)
    assert ok.status_code == 201
    assert client.post(f"/open311/v2/requests.json?api_key={key}&jurisdiction_id=elsewhere", data).status_code == 404
    assert client.post("/open311/v2/requests.json?api_key=nope", data).status_code == 403
    assert key_user_for(key) == cast.users["resident"]
