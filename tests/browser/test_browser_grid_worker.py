"""In a real browser: a grid worker logs in on a phone and opens their unit page."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from yizuyihui.demo.cast import PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("browser_page", [{"width": 390, "height": 844}], indirect=True)
def test_a_grid_worker_logs_in_and_opens_their_unit(live_server, browser_page):
    from yizuyihui.demo.cast import build_cast

    cast = build_cast()
    page = browser_page
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    page.get_by_label("用户名").fill("grid_worker")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("您好")
    page.get_by_role("link", name="我的一组一会").click()
    expect(page.get_by_test_id("unit-name")).to_contain_text(cast.unit_a.name)
    expect(page.get_by_text("党小组").first).to_be_visible()
    # the grid worker's role needs residents' phones: shown in full
    expect(page.get_by_text(cast.residents["council_member"].phone).first).to_be_visible()
    shots = Path(os.environ.get("YZYH_SCREENSHOTS", "test-results"))
    shots.mkdir(exist_ok=True)
    page.screenshot(path=str(shots / "grid-worker-unit.png"), full_page=True)
