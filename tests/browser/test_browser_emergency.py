"""In a real browser, on a phone: 平急转换 from switch to review PDF.

A street official switches 幸福社区 to 疫情; the unit leader proposes the grid worker; the community
cadre (Party branch) confirms; the grid worker records door-to-door results; the dashboard shows
coverage rising; the street official switches back and downloads the review PDF.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from yizuyihui.demo.cast import PASSWORD


def _login(page, url, who):
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("用户名").fill(who)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def _logout(page):
    page.get_by_test_id("logout").click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("browser_page", [{"width": 390, "height": 844}], indirect=True)
def test_a_community_goes_to_emergency_mode_and_back_on_a_phone(live_server, browser_page, settings):
    from yizuyihui.demo.cast import build_cast
    from yizuyihui.emergency.models import Emergency, EmergencyTask

    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    from yizuyihui.places.cast import cast_features
    from yizuyihui.places.services import boundaries_import

    cast = build_cast()
    boundaries_import(features=cast_features(cast))
    shots = Path(os.environ.get("YZYH_SCREENSHOTS", "test-results"))
    shots.mkdir(exist_ok=True)
    page, url = browser_page, live_server.url

    # 1. the street official switches 幸福社区 to 疫情 and generates door-to-door tasks
    _login(page, url, "street_official")
    page.goto(f"{url}/emergency/")
    form = page.get_by_test_id("switch-form")
    form.locator("select[name=node]").select_option(str(cast.community.pk))
    form.locator("select[name=kind]").select_option("epidemic")
    form.locator("textarea[name=reason]").fill("社区出现确诊病例，启动封控管理")
    form.get_by_role("button").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("疫情")
    page.get_by_test_id("generate-door_check").click()
    expect(page.get_by_text("已生成")).to_be_visible()
    expect(page.get_by_test_id("coverage-door_check")).to_have_text("0%")
    page.screenshot(path=str(shots / "emergency-1-switched.png"), full_page=True)
    e = Emergency.objects.get()
    page.get_by_test_id("coverage-map-link").click()
    expect(page.get_by_test_id("coverage-map")).to_have_attribute("data-ready", "1")
    expect(page.get_by_test_id("map-coverage")).to_have_text("0%")
    page.screenshot(path=str(shots / "emergency-1b-map-before.png"), full_page=True)
    _logout(page)

    # 2. the unit leader proposes the grid worker for 幸福一网格
    _login(page, url, "unit_leader")
    page.goto(f"{url}/emergency/{e.pk}/roster/")
    form = page.get_by_test_id("propose-form").first
    form.locator("select[name=place]").select_option(str(cast.unit_a.node.pk))
    form.locator("select[name=person]").select_option(str(cast.residents["grid_worker"].pk))
    form.locator("input[name=identity]").fill("网格长")
    form.get_by_test_id("propose").click()
    expect(page.get_by_text("已推荐")).to_be_visible()
    _logout(page)

    # 3. the community cadre (Party branch) confirms; gaps are shown
    _login(page, url, "community_cadre")
    page.goto(f"{url}/emergency/{e.pk}/roster/")
    expect(page.get_by_test_id("gaps")).to_contain_text("3")
    page.get_by_test_id("confirm").first.click()
    expect(page.get_by_test_id("gaps")).to_contain_text("2")
    page.screenshot(path=str(shots / "emergency-2-roster.png"), full_page=True)
    _logout(page)

    # 4. the grid worker, confirmed as the grid's commander, finds the households assigned to them on
    #    the home page and goes door to door: one screen per household
    _login(page, url, "grid_worker")
    page.screenshot(path=str(shots / "emergency-3a-home-my-tasks.png"), full_page=True)
    page.get_by_role("link", name="我的任务").first.click()
    expect(page.get_by_test_id("assigned").first).to_be_visible()
    page.get_by_test_id("tasks").get_by_role("link").first.click()
    page.screenshot(path=str(shots / "emergency-3-task.png"), full_page=True)
    page.locator("input[name=result][value=need]").check()
    page.locator("select[name=need_kind]").select_option("medicine")
    page.locator("input[name=need_text]").fill("独居老人降压药只剩两天")
    page.get_by_test_id("task-submit").click()
    expect(page.get_by_text("已记录")).to_be_visible()
    done = 1
    unit_tasks = EmergencyTask.objects.filter(emergency=e, unit=cast.unit_a).count()
    while page.get_by_test_id("task-form").count() and done < unit_tasks:
        page.get_by_test_id("task-submit").click()  # 已入户，情况正常 (the default) and on to the next
        done += 1
        expect(page.get_by_text("已记录")).to_be_visible()
    page.get_by_role("link", name="平急转换").first.click()
    page.get_by_role("link", name="幸福社区").first.click()
    expect(page.get_by_test_id("coverage-door_check")).to_have_text("100%")  # their grid, fully covered
    page.screenshot(path=str(shots / "emergency-4-grid-covered.png"), full_page=True)
    _logout(page)

    # 5. the street official sees coverage risen and switches back; the review PDF downloads
    _login(page, url, "street_official")
    page.goto(f"{url}/emergency/{e.pk}/")
    expect(page.get_by_test_id("coverage-door_check")).not_to_have_text("0%")
    page.get_by_test_id("coverage-map-link").click()
    expect(page.get_by_test_id("coverage-map")).to_have_attribute("data-ready", "1")
    expect(page.get_by_test_id("map-coverage")).not_to_have_text("0%")
    page.screenshot(path=str(shots / "emergency-4b-map-after.png"), full_page=True)
    page.go_back()
    page.get_by_test_id("end").click()
    expect(page.get_by_test_id("review-pdf")).to_be_visible()
    page.screenshot(path=str(shots / "emergency-5-switched-back.png"), full_page=True)
    response = page.request.get(url + page.get_by_test_id("review-pdf").get_attribute("href"))
    assert response.status == 200 and response.body()[:4] == b"%PDF"
    (shots / "emergency-review.pdf").write_bytes(response.body())
    assert EmergencyTask.objects.filter(emergency=e, status="open").count() == 0
