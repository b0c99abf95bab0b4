"""On a phone (390×844) a table of many columns becomes one card per row (class "stack"): the public
board, 三报到 registrations and resolution actions used to squeeze a matter's title to two characters
a line, with the last column off the screen. Reached by clicking from the home page."""

import os
from pathlib import Path

import pytest
from factories import file_matter
from playwright.sync_api import expect

from yizuyihui.demo.cast import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.parametrize("browser_page", [{"width": 390, "height": 844}], indirect=True)]
SHOTS = Path(os.environ.get("YZYH_SCREENSHOTS", "test-results"))


def _login(page, url, persona):
    page.goto(f"{url}/")
    page.get_by_label("用户名").fill(persona)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("您好")


def _fits(page, title: str) -> None:
    """No table scrolls sideways, and the cell with `title` is as wide as the card (not a sliver).
    Measured once the page's stylesheet has applied: the DOM (and the heading the caller waited for)
    can be there before the CSS is, and an unstyled table measures as a sliver."""
    page.wait_for_load_state("load")
    page.wait_for_function("() => getComputedStyle(document.querySelector('table.stack thead')).display === 'none'")
    widths = page.evaluate("() => [...document.querySelectorAll('.table-wrap')].map(e => [e.clientWidth, e.scrollWidth])")
    assert widths and all(scroll <= client + 1 for client, scroll in widths), widths
    cell = page.locator("td.lead", has_text=title).first
    expect(cell).to_be_visible()
    assert cell.bounding_box()["width"] > 250
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390


def test_the_public_board_and_registrations_read_as_cards_on_a_phone(live_server, browser_page, settings):
    from yizuyihui.demo.cast import build_cast
    from yizuyihui.resources import services as res

    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    cast = build_cast()
    file_matter(cast, title="三号楼东侧路灯连续一周不亮")
    res.registration_register(person=cast.residents["outsider"], actor=cast.users["outsider"], kind="in_service",
                              node=cast.community, employer="市财政局", services=["elder_care", "legal"],
                              availability=0b111)
    SHOTS.mkdir(exist_ok=True)
    page, url = browser_page, live_server.url

    _login(page, url, "resident")
    page.locator("a.card", has_text="公开栏").first.click()
    _fits(page, "三号楼东侧路灯连续一周不亮")
    expect(page.get_by_test_id("board-table").locator("td[data-label='状态']")).to_have_text("已填单")
    page.screenshot(path=str(SHOTS / "phone-board-cards.png"), full_page=True)

    page.context.clear_cookies()
    _login(page, url, "community_cadre")
    page.get_by_role("navigation").get_by_role("link", name="资源").click()
    page.get_by_role("link", name="三报到登记").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("三报到登记")
    _fits(page, cast.residents["outsider"].name)
    expect(page.locator("table.stack td[data-label='服务']")).to_have_text("助老、法律服务")
    page.screenshot(path=str(SHOTS / "phone-registrations-cards.png"), full_page=True)
