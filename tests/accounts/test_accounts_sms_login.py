"""Logging in with an SMS code instead of a password; the password login and its lockout unchanged."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import override_settings

from yizuyihui.accounts.models import SmsCode
from yizuyihui.core.sms import MemorySMSBackend


@pytest.fixture(autouse=True)
def _outbox():
    MemorySMSBackend.outbox.clear()
    yield
    MemorySMSBackend.outbox.clear()


def _code(phone):
    texts = [t for to, t in MemorySMSBackend.outbox if to == phone]
    return re.search(r"(?<!\d)(\d{6})(?!\d)", texts[-1]).group(1)


def _send(client, phone, ip="10.0.3.1"):
    return client.post("/accounts/login/sms/", {"action": "send", "phone": phone}, REMOTE_ADDR=ip)


def _login(client, phone, code, **extra):
    return client.post("/accounts/login/sms/", {"action": "login", "sent": "1", "phone": phone, "code": code, **extra})


def test_a_resident_logs_in_with_a_code_texted_to_their_number(cast, client):
    phone = cast.residents["resident"].phone
    page = _send(client, phone)
    assert page.status_code == 200 and 'name="code"' in page.content.decode()
    response = _login(client, phone, _code(phone))
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/").context["user"] == cast.users["resident"]


def test_staff_may_log_in_by_code_too_and_go_where_they_were_going(cast, client):
    phone = cast.residents["grid_worker"].phone
    _send(client, phone)
    response = _login(client, phone, _code(phone), next="/cases/")
    assert response.status_code == 302 and response.url == "/cases/"
    assert _login(client, phone, "123456").status_code == 302  # already logged in: home


def test_an_outside_next_address_is_not_followed(cast, client):
    phone = cast.residents["resident"].phone
    _send(client, phone)
    response = _login(client, phone, _code(phone), next="https://evil.example/")
    assert response.status_code == 302 and response.url == "/"


def test_a_wrong_or_reused_code_does_not_log_in(cast, client):
    phone = cast.residents["resident"].phone
    _send(client, phone)
    code = _code(phone)
    response = _login(client, phone, "000000" if code != "000000" else "111111")
    assert response.status_code == 400 and "验证码不正确" in response.content.decode()
    assert not client.get("/accounts/login/sms/").context["user"].is_authenticated
    assert _login(client, phone, code).status_code == 302
    client.logout()
    response = _login(client, phone, code)
    assert response.status_code == 400 and "已使用" in response.content.decode()


def test_an_expired_code_does_not_log_in(cast, client):
    phone = cast.residents["resident"].phone
    with time_machine.travel(dt.datetime(2026, 3, 2, 4, 0, tzinfo=dt.UTC), tick=False) as clock:
        _send(client, phone)
        clock.shift(dt.timedelta(minutes=6))
        response = _login(client, phone, _code(phone))
    assert response.status_code == 400 and "过期" in response.content.decode()


def test_a_sign_up_code_does_not_log_in(cast, client):
    from yizuyihui.accounts.smscodes import sms_code_send

    phone = cast.residents["resident"].phone
    sms_code_send(phone=phone, purpose="signup", ip="10.0.3.9")
    assert _login(client, phone, _code(phone)).status_code == 400


def test_a_number_without_an_account_gets_no_code(cast, client):
    response = _send(client, "13711112222")
    assert response.status_code == 400 and "尚未注册" in response.content.decode()
    assert not MemorySMSBackend.outbox and not SmsCode.objects.exists()


def test_a_closed_account_gets_no_code(cast, client):
    user = cast.users["resident"]
    user.is_active = False
    user.save()
    assert _send(client, cast.residents["resident"].phone).status_code == 400
    assert not MemorySMSBackend.outbox


@pytest.mark.parametrize("phone", ["1380000000", "abc", "02012345678"])
def test_a_number_not_in_format_is_refused(cast, client, phone):
    response = _send(client, phone)
    assert response.status_code == 400 and "手机号格式不正确" in response.content.decode()
    assert not MemorySMSBackend.outbox


@override_settings(YZYH_SMS_PER_IP_HOURLY=2, YZYH_SMS_RESEND_SECONDS=0)
def test_login_codes_share_the_rate_limits(cast, client):
    phones = [cast.residents[p].phone for p in ("resident", "grid_worker", "unit_leader")]
    assert _send(client, phones[0]).status_code == 200
    assert _send(client, phones[1]).status_code == 200
    response = _send(client, phones[2])
    assert response.status_code == 429 and "网络" in response.content.decode()


@override_settings(AXES_FAILURE_LIMIT=2)
def test_a_password_lockout_does_not_stop_the_sms_login_which_clears_it_as_a_password_login_would(cast, client,
                                                                                                     password):
    for _ in range(2):
        client.post("/accounts/login/", {"username": "resident", "password": "wrong-wrong"})
    assert client.post("/accounts/login/", {"username": "resident", "password": password}).status_code == 429
    phone = cast.residents["resident"].phone
    _send(client, phone)
    assert _login(client, phone, _code(phone)).status_code == 302  # the phone proves the person
    client.logout()
    # axes' AXES_RESET_ON_SUCCESS hears the login signal: the password works again
    assert client.post("/accounts/login/", {"username": "resident", "password": password}).status_code == 302


def test_the_login_page_offers_the_sms_login_and_sign_up(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert "短信验证码登录" in page and "/accounts/login/sms/" in page and "/join/" in page


def test_the_login_audit_records_an_sms_login(cast, client):
    from yizuyihui.audit.models import AuditAction, AuditEvent

    phone = cast.residents["resident"].phone
    _send(client, phone)
    _login(client, phone, _code(phone))
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN, actor_id=cast.users["resident"].pk).exists()


def test_old_codes_are_purged_and_fresh_ones_kept(cast):
    from yizuyihui.accounts.smscodes import sms_code_send, sms_codes_purge

    with time_machine.travel(dt.datetime(2026, 3, 2, 4, 0, tzinfo=dt.UTC), tick=False) as clock:
        sms_code_send(phone="13912345678", purpose="login", ip="10.0.4.1")
        clock.shift(dt.timedelta(days=1, minutes=4))
        assert sms_codes_purge() == 0
        sms_code_send(phone="13912345679", purpose="login", ip="10.0.4.1")
        clock.shift(dt.timedelta(minutes=2))
        assert sms_codes_purge() == 1 and SmsCode.objects.count() == 1
