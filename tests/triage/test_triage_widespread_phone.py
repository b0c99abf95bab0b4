"""The widespread-problem page on a phone (390×844), reached by clicking from the home page: the
stored clusters, their matters as a list that fits the screen. Screenshot under YZYH_SCREENSHOTS."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from yizuyihui.cases.services import case_file
from yizuyihui.triage import selectors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.parametrize("browser_page", [{"width": 390, "height": 844}], indirect=True)]
SHOTS = Path(os.environ.get("YZYH_SCREENSHOTS", "test-results"))
PARKING = ["伊景园滨河苑开发商捆绑销售车位，不买车位不给交房", "投诉伊景园滨河苑捆绑销售车位的问题",
           "伊景园滨河苑强制业主购买车位才能收房", "伊景园滨河苑开发商要求买房必须买车位"]


def test_a_street_official_opens_the_widespread_problems_on_a_phone(cast, password, live_server, browser_page):
    units = [cast.unit_a, cast.unit_b, cast.unit_c]
    for i, title in enumerate(PARKING):
        case_file(unit=units[i % 3], actor=cast.users["street_official"], title=title, description=title, channel="phone",
                  suggest=False, now=timezone.now() - dt.timedelta(days=i))
    selectors.warm_hotspots()  # the periodic job
    page = browser_page
    page.goto(f"{live_server.url}/")
    page.get_by_label("用户名").fill("street_official")
    page.get_by_label("密码").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    with page.expect_navigation():
        page.locator("a.card[href='/triage/widespread/']").click()
    expect(page.get_by_test_id("problem").first).to_be_visible()
    expect(page.get_by_test_id("members").first.locator("li")).to_have_count(4)
    expect(page.get_by_test_id("worked-out")).to_contain_text("未办结事项")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "widespread-phone.png"), full_page=True)
