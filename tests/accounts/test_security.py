"""Lockout by (username, IP) and by IP, session timeouts, password rules, TLS settings."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import subprocess
import sys

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings

pytestmark = pytest.mark.django_db


def _login(client, username, password, ip):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


@override_settings(AXES_FAILURE_LIMIT=3)
def test_nobody_can_lock_an_account_from_another_machine(cast, client, password):
    for _ in range(5):
        _login(client, "street_official", "wrong-wrong", "10.0.0.66")
    assert _login(client, "street_official", password, "10.0.0.66").status_code == 429
    assert _login(client, "street_official", password, "10.0.0.7").status_code == 302


@override_settings(AXES_IP_FAILURE_LIMIT=6)
def test_one_machine_trying_many_usernames_is_locked_out(cast, client, password):
    for i in range(6):
        _login(client, f"guess{i}", "wrong-wrong", "10.0.0.99")
    assert _login(client, "grid_worker", password, "10.0.0.99").status_code == 429
    assert _login(client, "grid_worker", password, "10.0.0.5").status_code == 302


def test_a_password_may_not_resemble_the_username(cast):
    user = cast.users["grid_worker"]
    with pytest.raises(ValidationError):
        validate_password("grid_worker2026", user)
    validate_password("Tz8-harbour-lamp", user)


def test_staff_sessions_end_after_30_idle_minutes_residents_do_not(cast, login, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC))
    staff = login("grid_worker")
    assert staff.get("/").status_code == 200
    time_machine.move_to(dt.datetime(2026, 3, 2, 1, 25, tzinfo=dt.UTC))
    assert staff.get("/").status_code == 200  # active: the idle clock restarts
    time_machine.move_to(dt.datetime(2026, 3, 2, 1, 56, tzinfo=dt.UTC))
    response = staff.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_resident_sessions_survive_idle_spells_but_not_the_absolute_lifetime(cast, client, time_machine):
    from django.contrib.auth import get_user_model

    time_machine.move_to(dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC))
    client.force_login(get_user_model().objects.get(username="resident"))
    assert client.get("/").status_code == 200
    time_machine.move_to(dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.UTC))
    assert client.get("/").status_code == 200
    time_machine.move_to(dt.datetime(2026, 3, 2, 13, 30, tzinfo=dt.UTC))  # past 12 h since login
    assert client.get("/").status_code == 302


def test_check_deploy_is_clean_in_the_production_configuration(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("YZYH_", "DJANGO_", "DATABASE_URL"))}
    env.update(YZYH_DATA_DIR=str(tmp_path), SECRET_KEY=secrets.token_urlsafe(60), YZYH_HTTPS="1",
               ALLOWED_HOSTS="yzyh.example.org", DJANGO_SETTINGS_MODULE="yizuyihui.settings")
    out = subprocess.run([sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
                         env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout
