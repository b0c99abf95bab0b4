"""Place → unit on the channels: Open311 without attribute[unit], the resident's map pick, and the
map endpoints read from the viewer's scope."""

from __future__ import annotations

import json

import pytest

from yizuyihui.accounts.apikeys import apikey_create
from yizuyihui.cases.models import Case, Category
from yizuyihui.cases.services import case_file


@pytest.fixture
def open311_key(mapped):
    apikey_create(user=mapped.users["city_admin"], name="12345 hotline", raw="hotline-key")
    return Category.objects.filter(level=1).first().code


def test_open311_with_coordinates_lands_in_the_unit_that_contains_them(mapped, open311_key, client):
    r = client.post("/open311/v2/requests.json", {"api_key": "hotline-key", "service_code": open311_key,
                                                  "lat": "30.655", "long": "117.495", "description": "井盖缺失"})
    assert r.status_code == 201, r.content
    case = Case.objects.get(pk=r.json()[0]["service_request_id"])
    assert case.unit == mapped.unit_b and (case.lat, case.long) == (30.655, 117.495)


@pytest.mark.parametrize(("lat", "long", "reason"), [("31.5", "118.8", "不在本市范围内"),
                                                     ("117.495", "30.655", "填反")])
def test_open311_refuses_a_point_outside_the_city_or_swapped_and_stores_nothing(open311_key, client, lat, long, reason):
    r = client.post("/open311/v2/requests.json", {"api_key": "hotline-key", "service_code": open311_key,
                                                  "lat": lat, "long": long, "description": "路灯不亮"})
    assert r.status_code == 400 and reason in r.json()[0]["description"]
    assert not Case.objects.exists()


def test_open311_attribute_unit_still_wins_over_coordinates(mapped, open311_key, client):
    r = client.post("/open311/v2/requests.json", {"api_key": "hotline-key", "service_code": open311_key,
                                                  "lat": "30.655", "long": "117.495", "description": "x",
                                                  "attribute[unit]": mapped.unit_a.node.code})
    assert Case.objects.get(pk=r.json()[0]["service_request_id"]).unit == mapped.unit_a


def test_a_resident_files_with_a_point_picked_on_the_map(mapped, login):
    client = login("resident")
    page = client.get("/cases/new/").content.decode()
    assert 'data-map="pick"' in page and "leaflet.js" in page
    r = client.post("/cases/new/", {"title": "楼道灯坏了", "lat": "30.6551", "long": "117.4852"})
    assert r.status_code == 302
    case = Case.objects.get(title="楼道灯坏了")
    assert (case.lat, case.long, case.unit) == (30.6551, 117.4852, mapped.unit_a)


def test_a_resident_point_outside_the_city_is_refused(mapped, login):
    client = login("resident")
    r = client.post("/cases/new/", {"title": "x 1", "lat": "31.5", "long": "118.8"})
    assert r.status_code == 200 and "不在本市范围内" in r.content.decode() and not Case.objects.exists()


def test_locate_names_the_unit_or_says_why_not(mapped, login):
    client = login("resident")
    assert client.get("/places/locate/?lat=30.655&long=117.495").json()["name"] == mapped.unit_b.name
    assert client.get("/places/locate/?lat=117.495&long=30.655").status_code == 400


def test_the_matters_map_shows_only_matters_in_scope(mapped, login):
    a = case_file(unit=mapped.unit_a, actor=mapped.users["grid_worker"], title="A 的事", description="", channel="phone", lat=30.655, long=117.485)
    d = case_file(unit=mapped.unit_d, actor=mapped.users["city_admin"], title="D 的事", description="", channel="phone", lat=30.665, long=117.485)
    ids = lambda persona: {f["properties"]["id"] for f in json.loads(login(persona).get("/places/matters.geojson").content)["features"]}  # noqa: E731
    assert ids("grid_worker") == {a.pk}
    assert ids("outsider") == {d.pk}
    assert ids("city_admin") == {a.pk, d.pk}


def test_the_public_board_map_carries_no_personal_data_or_links(mapped, login):
    case_file(unit=mapped.unit_a, actor=mapped.users["resident"], title="噪音扰民", description="", channel="phone", lat=30.655, long=117.485)
    body = json.loads(login("resident").get(f"/places/board/{mapped.unit_a.pk}.geojson").content)
    (feature,) = body["features"]
    assert set(feature["properties"]) == {"t", "s", "o"} and feature["properties"]["t"] == "噪音扰民"


def test_boundaries_follow_scope(mapped, login):
    names = lambda persona: {f["properties"]["name"] for f in json.loads(login(persona).get("/places/boundaries.geojson").content)["features"]}  # noqa: E731
    assert names("resident") == {mapped.unit_a.name}
    assert names("outsider") == {mapped.unit_d.name}
    assert len(names("city_admin")) == 5


def test_the_choropleth_values_are_per_unit_shares(mapped, login):
    case_file(unit=mapped.unit_a, actor=mapped.users["grid_worker"], title="一件事", description="", channel="phone", lat=30.655, long=117.485)
    values = login("street_official").get("/places/measures.json?measure=resolution").json()["values"]
    assert values == {str(mapped.unit_a.pk): 0.0}
    assert login("street_official").get("/places/measures.json?measure=nonsense").status_code == 400


def test_the_compact_pins_carry_the_same_matters_in_scope_with_their_place_and_status(mapped, login):
    a = case_file(unit=mapped.unit_a, actor=mapped.users["grid_worker"], title="A 的事" * 20, description="",
                  channel="phone", lat=30.655, long=117.485)
    d = case_file(unit=mapped.unit_d, actor=mapped.users["city_admin"], title="D 的事", description="",
                  channel="phone", lat=30.665, long=117.485)

    def pins(persona):
        body = login(persona).get("/places/matters.json").json()
        p, scale = body["p"], body["scale"]
        return {p[i]: (round(p[i + 1] / scale, 3), round(p[i + 2] / scale, 3), body["labels"][p[i + 3] >> 1],
                       bool(p[i + 3] & 1), p[i + 4]) for i in range(0, len(p), 5)}

    assert set(pins("grid_worker")) == {a.pk}
    assert set(pins("outsider")) == {d.pk}
    both = pins("city_admin")
    assert set(both) == {a.pk, d.pk}
    lat, long, status, overdue, title = both[a.pk]
    assert (lat, long, overdue) == (30.655, 117.485, False)
    assert status == str(a.get_status_display()) and title == a.title[:30]


def test_map_pages_give_leaflet_the_marker_images_under_the_manifest_storage(mapped, login, settings, tmp_path):
    """Leaflet reads its pin images' folder from leaflet.css; the manifest storage renames them
    (marker-icon.<hash>.png) and the pins showed a broken image: map.js takes their URLs from its tag."""
    import re
    from pathlib import Path

    from django.core.management import call_command

    import yizuyihui

    settings.STATIC_ROOT = str(tmp_path)
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}
    call_command("collectstatic", interactive=False, verbosity=0)  # settings' signal resets the storage
    html = login("grid_worker").get("/places/matters/").content.decode()
    tag = re.search(r'<script src="[^"]*places/map\.[0-9a-f]+\.js"[^>]*>', html).group(0)
    for attr, name in (("data-marker-icon", "marker-icon"), ("data-marker-icon-2x", "marker-icon-2x"),
                       ("data-marker-shadow", "marker-shadow")):
        url = re.search(rf'{attr}="([^"]+)"', tag).group(1)
        assert re.search(rf"/vendor/leaflet/images/{name}\.[0-9a-f]+\.png$", url), url
        assert (tmp_path / url.removeprefix(settings.STATIC_URL)).exists()
    js = (Path(yizuyihui.__file__).parent / "static/places/map.js").read_text()
    assert "dataset.markerIcon" in js and "L.Icon.Default.mergeOptions" in js
