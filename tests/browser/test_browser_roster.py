"""In a real browser, on a phone: a community cadre goes from the home page to a unit's roster,
adds a council member found by typing a name, ends another seat, and confirms a change the
paper's rules warn about."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from yizuyihui.demo.cast import PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("browser_page", [{"width": 390, "height": 844}], indirect=True)
def test_a_cadre_adds_a_council_member_and_ends_another(live_server, browser_page):
    from yizuyihui.demo.cast import build_cast
    from yizuyihui.people.models import Membership

    cast = build_cast()
    shots = Path(os.environ.get("YZYH_SCREENSHOTS", "test-results"))
    shots.mkdir(exist_ok=True)
    page = browser_page
    page.goto(f"{live_server.url}/")
    page.get_by_label("用户名").fill("community_cadre")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("您好")

    # home → 组织架构 (the community) → the grid → its unit page → 管理成员和岗位
    page.get_by_role("link", name="组织架构").click()
    page.get_by_role("link", name=cast.unit_a.name).click()
    expect(page.get_by_test_id("unit-name")).to_contain_text(cast.unit_a.name)
    page.get_by_test_id("manage-roster").click()
    expect(page.get_by_test_id("roster-title")).to_contain_text(cast.unit_a.name)
    council = page.get_by_test_id("body-council")
    expect(council.get_by_test_id("member")).to_have_count(5)

    # add: open the form, type part of a name, pick the person found, save
    council.get_by_text("添加成员").click()
    council.get_by_label("按姓名搜索").fill("grid")
    council.get_by_text("grid_worker").click()
    council.get_by_role("button", name="添加此人").click()
    expect(page.get_by_text("已保存。")).to_be_visible()
    council = page.get_by_test_id("body-council")
    expect(council.get_by_test_id("member")).to_have_count(6)
    expect(council.get_by_text("grid_worker")).to_be_visible()
    page.screenshot(path=str(shots / "roster-added.png"), full_page=True)

    # end one seat: six → five, within the rule, saved at once
    council.get_by_role("button", name="结束 议事会成员0 的席位").click()
    expect(page.get_by_text("已保存。")).to_be_visible()
    expect(page.get_by_test_id("body-council").get_by_test_id("member")).to_have_count(5)

    # end another: five → four breaks the 5–10 rule: warned, nothing saved until confirmed
    page.get_by_test_id("body-council").get_by_role("button", name="结束 议事会成员1 的席位").click()
    warning = page.get_by_test_id("roster-warnings")
    expect(warning).to_contain_text("理事会将有 4 人")
    expect(page.get_by_test_id("roster-change")).to_contain_text("结束 议事会成员1 在")
    page.screenshot(path=str(shots / "roster-warning.png"), full_page=True)
    assert Membership.objects.filter(unit=cast.unit_a, body="council", ended__isnull=True).count() == 5
    page.get_by_role("button", name="仍然保存").click()
    expect(page.get_by_text("已保存。")).to_be_visible()
    expect(page.get_by_test_id("body-council").get_by_test_id("member")).to_have_count(4)
    history = page.get_by_test_id("history")
    expect(history).to_contain_text("结束了 议事会成员1 在")
    expect(history).to_contain_text("经提醒后确认")
    page.screenshot(path=str(shots / "roster-history.png"), full_page=True)
    assert Membership.objects.filter(unit=cast.unit_a, body="council", ended__isnull=True).count() == 4
