"""In a real browser, on a phone, clicking from the home page: a community cadre opens 考核 from
the navigation, sees the units of the community ranked, opens one and reads why (value, weight,
points per measure); the grid worker files an appeal and the cadre answers it."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from yizuyihui.demo.cast import PASSWORD


def _login(page, url, who):
    page.goto(f"{url}/")
    page.get_by_label("用户名").fill(who)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("您好")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("browser_page", [{"width": 390, "height": 844}], indirect=True)
def test_a_cadre_reads_the_league_and_answers_an_appeal_on_a_phone(live_server, browser_page, settings):
    from yizuyihui.demo.cast import build_cast
    from yizuyihui.incentives import performance
    from yizuyihui.incentives.models import Appeal
    from yizuyihui.insights.models import CaseDayUnit

    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    cast = build_cast()
    day = timezone.localdate().replace(day=1) - dt.timedelta(days=1) if timezone.localdate().month > 1 \
        else timezone.localdate()
    for unit, (filed, answered, resolved) in ((cast.unit_a, (20, 16, 18)), (cast.unit_b, (10, 10, 5))):
        CaseDayUnit.objects.create(unit_id=unit.pk, day=day, path=unit.node.path, filed=filed,
                                   responded_in_time=answered, resolved=resolved, rated=4, satisfied=3)
    performance.scores_compute(period=str(day.year))
    shots = Path(os.environ.get("YZYH_SCREENSHOTS", "test-results"))
    shots.mkdir(exist_ok=True)
    page, url = browser_page, live_server.url

    _login(page, url, "grid_worker")
    page.get_by_role("link", name="考核").click()
    expect(page.get_by_role("heading", level=2, name="我的考核")).to_be_visible()
    page.get_by_role("link", name="网格员个人 · 幸福一网格").click()
    expect(page.get_by_test_id("components")).to_contain_text("响应率")
    page.get_by_label("申诉说明").fill("三月两次走访漏记，请核实")
    page.get_by_role("button", name="提交申诉").click()
    expect(page.get_by_text("申诉已提交")).to_be_visible()
    page.screenshot(path=str(shots / "performance-1-appeal.png"), full_page=True)
    page.get_by_test_id("logout").click()

    _login(page, url, "community_cadre")
    page.get_by_role("link", name="考核").click()
    league = page.get_by_test_id("league").first
    expect(league).to_contain_text("幸福一网格")
    expect(league).to_contain_text("幸福二网格")
    page.screenshot(path=str(shots / "performance-2-league.png"), full_page=True)
    page.get_by_label("考核对象").select_option("grid_worker")
    page.get_by_role("button", name="查看").click()
    page.get_by_test_id("league").first.get_by_role("link").first.click()
    expect(page.get_by_test_id("appeals")).to_contain_text("三月两次走访漏记")
    page.screenshot(path=str(shots / "performance-3-detail.png"), full_page=True)
    page.get_by_label("答复内容").fill("已核实，补录后重新计算")
    page.get_by_role("button", name="提交答复").click()
    expect(page.get_by_text("已答复", exact=True)).to_be_visible()
    expect(page.get_by_test_id("appeals")).to_contain_text("已核实，补录后重新计算")
    page.screenshot(path=str(shots / "performance-3-answered.png"), full_page=True)
    assert Appeal.objects.get().answered_by == cast.users["community_cadre"]
