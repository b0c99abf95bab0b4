"""配置: the city administrator's configuration pages exist, are linked from the navigation, refuse
everyone else (403, nothing changes), validate what they store, and record every change."""

import datetime as dt
import hashlib

import pytest
from django.urls import reverse

from yizuyihui.accounts.models import ApiKey
from yizuyihui.audit.models import AuditAction, AuditEvent
from yizuyihui.cases.models import Category, DeadlinePolicy, WorkingDay

pytestmark = pytest.mark.django_db

CONFIG_PAGES = ("config:cases_category_changelist", "config:cases_deadlinepolicy_changelist",
                "config:cases_workingday_changelist", "visits:policy", "accounts:api_keys",
                # pages that had no link at all (reachable only by typing their address)
                "org:import", "incentives:rules", "incentives:honour_titles", "audit:log")


def _policy_form(**over):
    data = {"category": "", "tier": "", "urgency": "normal", "mode": "calm", "respond_hours": "24",
            "resolve_hours": "0", "resolve_working_days": "3", "working_time": "on", "auto_escalate": "on",
            "_save": "1"}
    return {**data, **over}


def test_the_city_admin_reaches_every_configuration_page_from_the_navigation(cast, login):
    client = login("city_admin")
    home = client.get("/").content.decode()
    assert reverse("accounts:config") in home  # 配置 in the navigation
    hub = client.get(reverse("accounts:config"))
    assert hub.status_code == 200
    for name in CONFIG_PAGES:
        url = reverse(name)
        assert url in hub.content.decode(), name
        assert client.get(url).status_code == 200, name
    for name in ("config:visits_cadencepolicy_changelist", "config:visits_dutypolicy_changelist"):
        assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("persona", ["city_admin", "grid_worker", "resident"])
def test_the_header_links_the_name_to_my_account(cast, login, persona):
    """我的账号 (/accounts/me/: one's posts, API keys) had no link: the name in the header is one."""
    client = login(persona)
    home = client.get("/").content.decode()
    assert f'href="{reverse("accounts:profile")}" data-testid="me"' in home
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_the_extra_configuration_links_are_for_city_admins_only(cast, login):
    hub = login("city_admin").get(reverse("accounts:config")).content.decode()
    assert reverse("audit:log") in hub
    assert login("street_official").get(reverse("accounts:config")).status_code == 403


def test_the_configuration_pages_speak_chinese(cast, login):
    client = login("city_admin")
    assert "配置" in client.get(reverse("accounts:config")).content.decode()
    page = client.get(reverse("config:cases_deadlinepolicy_add")).content.decode()
    assert "响应" in page or "时限" in page


@pytest.mark.parametrize("persona", ["community_cadre", "street_official", "district_official", "resident"])
def test_others_get_403_and_nothing_changes(cast, login, persona):
    client = login(persona)
    assert reverse("accounts:config") not in client.get("/").content.decode()
    assert client.get(reverse("accounts:config")).status_code == 403
    assert client.get(reverse("config:cases_deadlinepolicy_changelist")).status_code == 403
    before = (DeadlinePolicy.objects.count(), Category.objects.count(), WorkingDay.objects.count())
    assert client.post(reverse("config:cases_deadlinepolicy_add"), _policy_form(tier="2")).status_code == 403
    assert client.post(reverse("config:cases_workingday_add"),
                       {"date": "2031-01-06", "is_working": "", "note": "x", "_save": "1"}).status_code == 403
    assert (DeadlinePolicy.objects.count(), Category.objects.count(), WorkingDay.objects.count()) == before


def test_a_deadline_policy_with_a_negative_duration_is_refused(cast, login):
    client = login("city_admin")
    before = DeadlinePolicy.objects.count()
    for bad in ({"resolve_working_days": "-1"}, {"respond_hours": "0"}, {"resolve_hours": "-2"},
                {"resolve_working_days": "0", "resolve_hours": "0"}, {"tier": "4"}):
        response = client.post(reverse("config:cases_deadlinepolicy_add"), _policy_form(**{"tier": "2", **bad}))
        assert response.status_code == 200 and "errorlist" in response.content.decode(), bad
    assert DeadlinePolicy.objects.count() == before


def test_a_good_deadline_policy_is_stored_and_recorded(cast, login):
    client = login("city_admin")
    DeadlinePolicy.objects.filter(tier=2, category=None, urgency="normal", mode="calm").delete()
    response = client.post(reverse("config:cases_deadlinepolicy_add"), _policy_form(tier="2"))
    assert response.status_code == 302
    policy = DeadlinePolicy.objects.get(tier=2, category=None, urgency="normal", mode="calm")
    assert policy.resolve_working_days == 3
    event = AuditEvent.objects.filter(action=AuditAction.CONFIG_CHANGED).latest("pk")
    assert event.object_id == str(policy.pk) and event.detail["change"] == "add"
    # the same combination twice is refused
    response = client.post(reverse("config:cases_deadlinepolicy_add"), _policy_form(tier="2"))
    assert response.status_code == 200 and DeadlinePolicy.objects.filter(tier=2, category=None).count() == 1


def test_a_calendar_exception_must_differ_from_the_weekly_rule(cast, login):
    client = login("city_admin")
    monday, saturday = dt.date(2031, 1, 6), dt.date(2031, 1, 11)
    add = reverse("config:cases_workingday_add")
    assert client.post(add, {"date": monday.isoformat(), "is_working": "on", "note": "", "_save": "1"}).status_code == 200
    assert client.post(add, {"date": saturday.isoformat(), "note": "", "_save": "1"}).status_code == 200
    assert not WorkingDay.objects.filter(date__in=[monday, saturday]).exists()
    assert client.post(add, {"date": monday.isoformat(), "note": "假日", "_save": "1"}).status_code == 302
    assert client.post(add, {"date": saturday.isoformat(), "is_working": "on", "note": "调休",
                             "_save": "1"}).status_code == 302
    assert dict(WorkingDay.objects.filter(date__in=[monday, saturday]).values_list("date", "is_working")) == {
        monday: False, saturday: True}


def test_the_taxonomy_edits_handler_types_per_tier_without_json(cast, login):
    client = login("city_admin")
    response = client.post(reverse("config:cases_category_add"), {
        "name": "井盖缺失", "code": "ZZ01", "level": "1", "active": "on",
        "tier1_types": ["unit"], "tier1_departments": "", "tier2_types": ["community"],
        "tier2_departments": "", "tier3_types": [], "tier3_departments": "城管执法，住建", "_save": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    category = Category.objects.get(code="ZZ01")
    assert category.handler_types == {"1": ["unit"], "2": ["community"],
                                      "3": ["department:城管执法", "department:住建"]}
    page = client.get(reverse("config:cases_category_change", args=[category.pk])).content.decode()
    assert "城管执法, 住建" in page


def test_an_api_key_made_from_the_configuration_page_is_shown_once_and_stored_hashed(cast, login):
    client = login("city_admin")
    response = client.post(reverse("accounts:api_keys"), {"name": "网格化系统"})
    raw = response.context["new_key"]
    assert raw and raw in response.content.decode()
    key = ApiKey.objects.get(name="网格化系统")
    assert key.digest == hashlib.sha256(raw.encode()).hexdigest() and key.prefix == raw[:12]
    assert raw not in client.get(reverse("accounts:api_keys")).content.decode()
    assert client.post(reverse("accounts:api_key_revoke", args=[key.pk])).status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
