"""In a real browser, on a phone: the city administrator finds 配置 from the home page, opens the
deadline policies and is refused a negative duration."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from yizuyihui.demo.cast import PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("browser_page", [{"width": 390, "height": 844}], indirect=True)
def test_the_city_admin_reaches_the_deadline_policies_and_a_negative_one_is_refused(live_server, browser_page):
    from yizuyihui.cases.models import DeadlinePolicy
    from yizuyihui.demo.cast import build_cast

    build_cast()
    shots = Path(os.environ.get("YZYH_SCREENSHOTS", "test-results"))
    shots.mkdir(exist_ok=True)
    page = browser_page
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/")
    page.get_by_label("用户名").fill("city_admin")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="配置", exact=True).click()
    for label in ("事项分类", "办理时限", "工作日历", "走访与到场规则", "API 密钥"):
        expect(page.get_by_test_id("config-items")).to_contain_text(label)
    page.screenshot(path=str(shots / "config-hub.png"), full_page=True)
    page.get_by_role("link", name="办理时限").click()
    expect(page.locator("#content h1")).to_contain_text("时限规则")
    page.screenshot(path=str(shots / "config-deadlines.png"), full_page=True)
    before = DeadlinePolicy.objects.count()
    page.get_by_role("link", name="增加 时限规则").click()
    page.locator("#id_urgency").select_option("normal")
    page.locator("#id_tier").fill("2")
    page.locator("#id_respond_hours").fill("24")
    page.locator("#id_resolve_working_days").fill("-3")
    page.locator("input[name=_save]").click()
    expect(page.locator(".errorlist").first).to_contain_text("时长不能为负数")
    page.screenshot(path=str(shots / "config-refused.png"), full_page=True)
    assert DeadlinePolicy.objects.count() == before
    assert not [e for e in errors if "Content Security Policy" in e], errors
