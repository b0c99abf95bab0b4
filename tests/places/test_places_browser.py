"""In a real browser, phone-sized: a resident taps the map to place a matter and finds it on the
public board's map (no tile server: only unit boundaries are drawn, as in the demo)."""

import pytest
from playwright.sync_api import expect

from yizuyihui.demo.cast import PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("browser_page", [{"width": 390, "height": 844}], indirect=True)
def test_a_resident_files_by_tapping_the_map_and_sees_it_on_the_board_map(live_server, browser_page):
    from yizuyihui.cases.models import Case
    from yizuyihui.demo.cast import build_cast
    from yizuyihui.places.cast import cast_features
    from yizuyihui.places.services import boundaries_import

    cast = build_cast()
    boundaries_import(features=cast_features(cast))
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("resident")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}/cases/new/")
    pick = page.locator("#pick-map")
    expect(pick).to_have_attribute("data-ready", "1")
    pick.scroll_into_view_if_needed()
    box = pick.bounding_box()
    # The map fits the resident's own unit: its centre is inside unit A.
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.get_by_test_id("pick-status")).to_have_text(cast.unit_a.name)
    page.locator("input[name=title]").fill("小区门口路灯不亮")
    page.get_by_role("button", name="提交").or_(page.get_by_role("button", name="发送")).first.click()
    expect(page.get_by_role("heading", level=1, name="小区门口路灯不亮")).to_be_visible()  # the confirmation shows the matter
    case = Case.objects.get(title="小区门口路灯不亮")
    assert 30.65 < case.lat < 30.66 and 117.48 < case.long < 117.49
    page.goto(f"{live_server.url}/places/board/{cast.unit_a.pk}/")
    expect(page.get_by_test_id("board-map")).to_have_attribute("data-ready", "1")
    expect(page.get_by_test_id("map-count")).to_have_text("地图上共 1 件事项")
    expect(page.locator(".leaflet-marker-icon").first).to_be_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_street_official_sees_the_matters_map_and_the_choropleth(live_server, browser_page):
    from yizuyihui.cases.services import case_file
    from yizuyihui.demo.cast import build_cast
    from yizuyihui.places.cast import cast_features
    from yizuyihui.places.services import boundaries_import

    cast = build_cast()
    boundaries_import(features=cast_features(cast))
    for i, long in enumerate((117.483, 117.486, 117.495)):
        case_file(unit=cast.unit_a if long < 117.49 else cast.unit_b, actor=cast.users["street_official"],
                  title=f"事项{i}", description="", channel="phone", lat=30.655, long=long)
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("street_official")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}/cases/")
    page.get_by_test_id("map-view").click()
    expect(page.get_by_test_id("matters-map")).to_have_attribute("data-ready", "1")
    expect(page.get_by_test_id("map-count")).to_have_text("地图上共 3 件事项")
    page.goto(f"{live_server.url}/places/measures/?measure=resolution")
    expect(page.get_by_test_id("measures-map")).to_have_attribute("data-ready", "1")
    expect(page.locator(".legend")).to_contain_text("办结")
    expect(page.locator("path.leaflet-interactive")).to_have_count(3)  # the street's three units (A, B, C)
