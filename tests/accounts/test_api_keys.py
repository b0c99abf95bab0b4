"""API keys hashed at rest, shown once, managed by their owner and admins, accepted by every router;
idempotent filing under races; the superuser's API sees what the superuser's pages see."""

from __future__ import annotations

import json
import threading

import pytest
from click.testing import CliRunner
from django.db import close_old_connections, connection
from django.urls import reverse

from yizuyihui.accounts.apikeys import apikey_create, apikey_revoke, key_user_for
from yizuyihui.accounts.models import ApiKey
from yizuyihui.cases.models import Case
from yizuyihui.cases.services import case_file


@pytest.mark.django_db
def test_keys_are_hashed_at_rest_and_shown_once(cast, login):
    page = login("grid_worker").post(reverse("accounts:api_keys"), {"name": "hotline bridge"})
    html = page.content.decode()
    key = ApiKey.objects.get()
    raw = html.split('data-testid="new-key"')[1].split("<code>")[1].split("</code>")[0]
    assert raw.startswith("yzyh_") and len(raw) > 40
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM accounts_apikey")
        assert raw not in repr(cur.fetchall())  # a dump holds no usable key
    assert raw not in login("grid_worker").get(reverse("accounts:api_keys")).content.decode()  # never again
    assert key_user_for(raw) == cast.users["grid_worker"] and key.prefix in raw


@pytest.mark.django_db
def test_every_api_router_accepts_keys_and_records_last_use(cast, client):
    key, raw = apikey_create(user=cast.users["grid_worker"], name="script")
    for path in ("/api/org/units", "/api/people/persons", "/api/cases/"):
        assert client.get(path, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200, path
        assert client.get(path, HTTP_X_API_KEY=raw).status_code == 200, path
        assert client.get(path, HTTP_AUTHORIZATION="Bearer wrong").status_code == 401, path
    key.refresh_from_db()
    assert key.last_used_at is not None
    apikey_revoke(key=key)
    assert client.get("/api/org/units", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


@pytest.mark.django_db
def test_only_the_owner_and_city_admins_manage_a_key(cast, login):
    key, _raw = apikey_create(user=cast.users["grid_worker"], name="script")
    url = reverse("accounts:api_key_revoke", args=[key.pk])
    assert login("unit_leader").post(url).status_code == 404
    assert key_user_for(_raw) is not None
    admin_page = login("city_admin").get(reverse("accounts:api_keys")).content.decode()
    assert key.prefix in admin_page
    assert login("city_admin").post(url).status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None


@pytest.mark.django_db
def test_the_cli_creates_and_revokes_keys(cast):
    from yizuyihui.cli import main

    runner = CliRunner()
    out = runner.invoke(main, ["apikey", "create", "--user", "grid_worker", "--name", "12345 bridge"])
    assert out.exit_code == 0, out.output
    raw = out.output.strip().splitlines()[-1]
    assert key_user_for(raw) == cast.users["grid_worker"]
    key = ApiKey.objects.get(name="12345 bridge")
    assert runner.invoke(main, ["apikey", "revoke", str(key.pk)]).exit_code == 0
    assert key_user_for(raw) is None
    assert runner.invoke(main, ["apikey", "create", "--user", "nobody", "--name", "x"]).exit_code != 0


@pytest.mark.django_db
def test_the_same_idempotency_key_with_another_body_is_422(cast, client):
    _key, raw = apikey_create(user=cast.users["grid_worker"], name="script")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_IDEMPOTENCY_KEY": "k-1"}
    body = {"unit_id": cast.unit_a.pk, "title": "路灯坏了"}
    first = client.post("/api/cases/", body, content_type="application/json", **headers)
    again = client.post("/api/cases/", body, content_type="application/json", **headers)
    other = client.post("/api/cases/", {**body, "title": "井盖丢了"}, content_type="application/json", **headers)
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 422)
    assert again.json()["id"] == first.json()["id"] and Case.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_idempotency_key_make_one_matter(cast):
    from django.test import Client

    _key, raw = apikey_create(user=cast.users["grid_worker"], name="script")
    body = json.dumps({"unit_id": cast.unit_a.pk, "title": "路灯坏了"})
    barrier, codes = threading.Barrier(8), []

    def post():
        try:
            barrier.wait(timeout=30)
            r = Client().post("/api/cases/", body, content_type="application/json",
                              HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_IDEMPOTENCY_KEY="race-1")
            codes.append(r.status_code)
        finally:
            close_old_connections()
            connection.close()  # this thread's own connection: the test database must drop afterwards

    threads = [threading.Thread(target=post) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(codes).count(201) == 1 and set(codes) <= {200, 201, 409}, codes
    assert Case.objects.filter(idempotency_key="race-1").count() == 1


@pytest.mark.django_db
def test_the_superusers_api_sees_what_the_superusers_pages_see(cast, client):
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", "root@example.org", "a-long-pass-2026")
    case = case_file(unit=cast.unit_d, actor=cast.users["outsider"], title="井盖缺失", description="", channel="phone")
    client.force_login(root)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    assert client.get(f"/api/cases/{case.pk}").status_code == 200
    assert case.pk in [r["id"] for r in client.get("/api/cases/").json()]
