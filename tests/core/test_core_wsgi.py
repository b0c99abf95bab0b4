"""The WSGI application gunicorn serves: key-authenticated API calls without a cookie take the
short middleware chain (core/wsgi.py), everything else the full one — and the short chain answers
as the full one does: the same statuses, the site's language, no cookie, the security headers."""

from __future__ import annotations

import io
import json

import pytest
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import translation

from yizuyihui.accounts.apikeys import apikey_create
from yizuyihui.cases.models import Case
from yizuyihui.core.wsgi import BROWSER_ONLY, key_api_middleware
from yizuyihui.wsgi import application

pytestmark = pytest.mark.django_db


def _environ(method: str, path: str, body: dict | None = None, **headers) -> dict:
    data = json.dumps(body).encode() if body is not None else b""
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "testserver",
               "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
               "wsgi.input": io.BytesIO(data), "CONTENT_LENGTH": str(len(data)), "HTTP_HOST": "testserver",
               "REMOTE_ADDR": "127.0.0.1"}
    if body is not None:
        environ["CONTENT_TYPE"] = "application/json"
    environ.update({f"HTTP_{k.upper()}": v for k, v in headers.items()})
    return environ


def _call(environ: dict) -> tuple[int, dict, bytes]:
    # As Django's test client does: the test's transaction must outlive the "request".
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        answer = {}

        def start_response(status, headers, *_exc):
            answer["status"], answer["headers"] = int(status.split()[0]), dict(headers)

        result = application(environ, start_response)
        try:
            content = b"".join(result)
        finally:
            getattr(result, "close", lambda: None)()
        return answer["status"], answer["headers"], content
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def raw_key(cast):
    return apikey_create(user=cast.users["grid_worker"], name="app", raw="wsgi-test-key-1")[1]


def test_only_cookieless_key_calls_to_the_api_take_the_short_chain():
    key, full = application.key_api, application.full
    assert application.handler_for(_environ("POST", "/api/cases/", {}, authorization="Bearer k")) is key
    assert application.handler_for(_environ("GET", "/api/cases/", x_api_key="k")) is key
    assert application.handler_for(_environ("POST", "/api/cases/", {}, authorization="Bearer k", cookie="sessionid=s")) is full
    assert application.handler_for(_environ("POST", "/api/cases/", {}, authorization="Basic a2V5")) is full
    assert application.handler_for(_environ("GET", "/cases/", authorization="Bearer k")) is full
    assert application.handler_for(_environ("POST", "/open311/v2/requests.json", {})) is key
    assert application.handler_for(_environ("GET", "/open311/v2/requests.json")) is key
    assert application.handler_for(_environ("GET", "/open311/v2/requests.json", cookie="sessionid=s")) is full


def test_the_short_chain_leaves_out_only_browser_middleware_and_keeps_new_ones():
    short = key_api_middleware(list(settings.MIDDLEWARE))
    assert not BROWSER_ONLY & set(short)
    for kept in ("django.middleware.security.SecurityMiddleware", "yizuyihui.core.validation.EdgeValidation",
                 "simple_history.middleware.HistoryRequestMiddleware", "yizuyihui.core.dbrouter.replica_reads"):
        assert kept in short
    assert "x.NewMiddleware" in key_api_middleware([*settings.MIDDLEWARE, "x.NewMiddleware"])


def test_a_key_filing_through_the_short_chain_is_stored_and_answered_like_the_full_one(cast, raw_key):
    status, headers, content = _call(_environ("POST", "/api/cases/", {"unit_id": cast.unit_a.pk, "title": "楼道灯坏了"},
                                              authorization=f"Bearer {raw_key}", idempotency_key="k-1"))
    assert status == 201, content
    case = Case.objects.get(public_id=json.loads(content)["public_id"])
    assert case.filed_by == cast.users["grid_worker"] and case.title == "楼道灯坏了"
    assert "Set-Cookie" not in headers  # no session was made
    assert headers.get("X-Content-Type-Options") == "nosniff" and headers.get("X-Frame-Options") == "DENY"
    # A retry with the same Idempotency-Key answers the stored matter and files nothing new.
    status, _h, again = _call(_environ("POST", "/api/cases/", {"unit_id": cast.unit_a.pk, "title": "楼道灯坏了"},
                                       authorization=f"Bearer {raw_key}", idempotency_key="k-1"))
    assert status == 200 and json.loads(again)["public_id"] == str(case.public_id)
    assert Case.objects.filter(title="楼道灯坏了").count() == 1


def test_a_bad_key_is_refused_by_both_chains_alike(cast, monkeypatch):
    def bad_key_call():
        return _environ("POST", "/api/cases/", {"unit_id": cast.unit_a.pk, "title": "x"}, authorization="Bearer no-such-key")

    short = _call(bad_key_call())
    monkeypatch.setattr(application, "handler_for", lambda environ: application.full)
    full = _call(bad_key_call())
    # The session fallback refuses it (no CSRF cookie): a refusal, not a server error, in both.
    assert short[0] == full[0] and short[0] in (401, 403)
    assert not Case.objects.filter(title="x").exists()


def test_the_short_chain_answers_in_the_site_language_even_after_an_english_page(cast, raw_key):
    translation.activate("en")  # what the thread may have left behind after a page in English
    try:
        status, _h, content = _call(_environ("POST", "/api/cases/", {"unit_id": cast.unit_a.pk, "title": "   "},
                                             authorization=f"Bearer {raw_key}", accept_language="en"))
    finally:
        translation.deactivate()
    assert status == 422 and json.loads(content)["detail"] == "请描述问题"


def test_a_cookie_call_to_the_api_still_needs_its_csrf_token(cast, client):
    client.force_login(cast.users["grid_worker"])
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    status, _h, _c = _call(_environ("POST", "/api/cases/", {"unit_id": cast.unit_a.pk, "title": "无令牌"}, cookie=cookie))
    assert status in (401, 403)
    assert not Case.objects.filter(title="无令牌").exists()


def test_open311_answers_alike_through_either_chain(cast, monkeypatch):
    from yizuyihui.cases.services import case_file

    case_file(unit=cast.unit_a, actor=cast.users["resident"], title="路灯不亮", description="", channel="web")
    short = _call(_environ("GET", "/open311/v2/requests.json"))
    monkeypatch.setattr(application, "handler_for", lambda environ: application.full)
    full = _call(_environ("GET", "/open311/v2/requests.json"))
    assert short[0] == full[0] == 200 and short[2] == full[2] and "路灯不亮" in short[2].decode()
    assert "Set-Cookie" not in short[1]


def test_an_open311_filing_through_the_short_chain_is_stored(cast):
    from urllib.parse import urlencode

    from yizuyihui.cases.models import Category

    apikey_create(user=cast.users["grid_worker"], name="hotline", raw="open311-wsgi-key")
    code = Category.objects.filter(level=1).first().code
    form = urlencode({"api_key": "open311-wsgi-key", "service_code": code, "lat": "28.2", "long": "112.9",
                      "description": "路面塌陷，请尽快处理", "attribute[unit]": cast.unit_a.node.code}).encode()
    environ = _environ("POST", "/open311/v2/requests.json")
    environ.update({"wsgi.input": io.BytesIO(form), "CONTENT_LENGTH": str(len(form)),
                    "CONTENT_TYPE": "application/x-www-form-urlencoded"})
    assert application.handler_for(environ) is application.key_api
    status, headers, content = _call(environ)
    assert status == 201, content
    case = Case.objects.get(pk=json.loads(content)[0]["service_request_id"])
    assert case.filed_by == cast.users["grid_worker"] and case.description == "路面塌陷，请尽快处理"
    assert "Set-Cookie" not in headers
