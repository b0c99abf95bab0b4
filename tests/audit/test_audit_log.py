"""The append-only, hash-chained audit log: what it records, and `yzyh audit verify`."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from django.db import connection
from django.urls import reverse

from yizuyihui.accounts.apikeys import apikey_create
from yizuyihui.audit.models import AuditEvent
from yizuyihui.audit.services import audit_bench_fill, audit_record, audit_verify

pytestmark = pytest.mark.django_db


def _actions():
    return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))


def test_logins_failures_keys_and_posts_are_recorded(cast, client, password):
    AuditEvent.objects.all()._raw_delete(AuditEvent.objects.db)  # start from the cast's own rows
    from yizuyihui.audit.models import AuditHead

    AuditHead.objects.all().delete()
    client.post("/accounts/login/", {"username": "grid_worker", "password": "wrong-wrong"})
    client.post("/accounts/login/", {"username": "grid_worker", "password": password})
    apikey_create(user=cast.users["grid_worker"], name="bridge", actor=cast.users["grid_worker"])
    from yizuyihui.people.services import post_grant

    post_grant(user=cast.users["resident"], role="building_head", node=cast.unit_a.node)
    assert _actions()[:4] == ["login_failed", "login", "key_created", "post_changed"]
    failed = AuditEvent.objects.get(action="login_failed")
    assert failed.detail == {"username": "grid_worker"} and failed.ip == "127.0.0.1"
    assert "wrong-wrong" not in repr(list(AuditEvent.objects.values_list()))
    assert audit_verify().ok


def _tamper(sql, params):
    with connection.cursor() as cur:
        cur.execute(sql, params)


def test_verify_detects_an_edited_a_deleted_and_a_cut_off_row(cast):
    for i in range(5):
        audit_record(action="export", detail={"n": i})
    ids = list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True))
    assert audit_verify().ok
    _tamper("UPDATE audit_auditevent SET actor_name = %s WHERE id = %s", ["mallory", ids[2]])
    result = audit_verify()
    assert not result.ok and result.bad_id == ids[2]
    _tamper("UPDATE audit_auditevent SET actor_name = %s WHERE id = %s", ["", ids[2]])
    assert audit_verify().ok
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [ids[1]])
    result = audit_verify()
    assert not result.ok and result.bad_id == ids[2]


def test_verify_detects_deleted_newest_rows(cast):
    for i in range(3):
        audit_record(action="export", detail={"n": i})
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [AuditEvent.objects.order_by("-pk").first().pk])
    assert not audit_verify().ok


def test_rows_cannot_be_changed_or_deleted_through_the_application(cast):
    event = audit_record(action="export")
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


def test_the_cli_verifies_and_fails_loudly(cast):
    from yizuyihui.cli import main

    audit_bench_fill(rows=2000)
    out = CliRunner().invoke(main, ["audit", "verify"])
    assert out.exit_code == 0 and "intact" in out.output
    row = AuditEvent.objects.order_by("pk")[500]
    _tamper("UPDATE audit_auditevent SET ip = %s WHERE id = %s", ["1.2.3.4", row.pk])
    out = CliRunner().invoke(main, ["audit", "verify"])
    assert out.exit_code == 1 and str(row.pk) in out.output


def test_only_city_admins_read_the_log_and_filter_it(cast, login):
    audit_record(action="export", actor=cast.users["street_official"])
    audit_record(action="key_created", actor=cast.users["grid_worker"])
    assert login("street_official").get(reverse("audit:log")).status_code == 403
    html = login("city_admin").get(reverse("audit:log"), {"action": "export"}).content.decode()
    assert "street_official" in html and "grid_worker" not in html


def test_exports_and_confidential_reads_are_recorded(cast, login):
    login("street_official").get(reverse("org:unit_export"))
    assert AuditEvent.objects.filter(action="export", actor_name="street_official").exists()


def test_the_page_shows_the_detail_as_json_with_chinese_as_written(cast, login):
    """The detail used to be the dict's Python repr ({'name': '\\u5f20…'} style quoting)."""
    audit_record(action="export", actor=cast.users["street_official"], detail={"what": "住户名册", "rows": 3})
    html = login("city_admin").get(reverse("audit:log"), {"action": "export"}).content.decode()
    assert "{&quot;rows&quot;: 3, &quot;what&quot;: &quot;住户名册&quot;}" in html
    assert "{&#x27;" not in html
