"""Password login, lockout after repeated failures, logout."""

import pytest
from django.test import override_settings


def test_a_persona_logs_in_with_the_password_and_lands_home(cast, client, password):
    response = client.post("/accounts/login/", {"username": "grid_worker", "password": password}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert response.context["user"].username == "grid_worker"


def test_a_wrong_password_is_refused(cast, client):
    response = client.post("/accounts/login/", {"username": "grid_worker", "password": "nope-nope"})
    assert response.status_code == 200 and not response.context["user"].is_authenticated


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failures_lock_the_account_even_with_the_right_password(cast, client, password):
    for _ in range(3):
        client.post("/accounts/login/", {"username": "street_official", "password": "wrong-wrong"})
    response = client.post("/accounts/login/", {"username": "street_official", "password": password})
    assert response.status_code == 429
    assert "locked" in response.content.decode().lower() or "锁定" in response.content.decode()
    # another account from the same machine is not locked: lockout is per username
    ok = client.post("/accounts/login/", {"username": "grid_worker", "password": password})
    assert ok.status_code == 302


def test_logout_needs_post_and_ends_the_session(cast, login):
    client = login("grid_worker")
    assert client.get("/accounts/logout/").status_code == 405
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("persona", ["street_official", "grid_worker", "resident"])
def test_django_admin_is_only_for_superusers(cast, login, persona):
    assert login(persona).get("/admin/").status_code == 302


def test_pages_are_chinese_by_default_and_english_on_request(cast, login):
    client = login("grid_worker")
    assert "退出" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Log out" in client.get("/").content.decode()


def test_an_english_browser_still_gets_chinese_until_the_switch_is_used(cast, login):
    client = login("grid_worker")
    assert "退出" in client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Log out" in client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
