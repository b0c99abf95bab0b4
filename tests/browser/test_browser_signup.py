"""In a real browser, phone-sized, only taps from the public home page: a new resident signs up with
an SMS code (read from the in-memory SMS backend the live server sends through), files a matter by
tapping the map and finds it on the public board's map; a resident not on the register asks to join
and the grid worker confirms them from the worklist."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from yizuyihui.core.sms import MemorySMSBackend
from yizuyihui.demo.cast import PASSWORD


def _shots() -> Path:
    shots = Path(os.environ.get("YZYH_SCREENSHOTS", "test-results"))
    shots.mkdir(exist_ok=True)
    return shots


def _code(phone: str) -> str:
    texts = [text for to, text in MemorySMSBackend.outbox if to == phone]
    assert texts, "no code was texted"
    return re.search(r"(?<!\d)(\d{6})(?!\d)", texts[-1]).group(1)


def _sign_up(page, base, *, phone, name, id_number, shots, prefix):
    page.goto(f"{base}/")  # the public home page sends a visitor to log in
    expect(page.get_by_role("heading", level=1)).to_have_text("登录")
    page.screenshot(path=str(shots / f"{prefix}-1-login.png"), full_page=True)
    page.get_by_test_id("signup").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("居民注册")
    page.get_by_label("手机号").fill(phone)
    page.screenshot(path=str(shots / f"{prefix}-2-phone.png"), full_page=True)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.locator(".messages")).to_contain_text("验证码已发送至 139****")
    page.get_by_label("短信验证码").fill(_code(phone))
    page.get_by_label("姓名").fill(name)
    page.get_by_label("身份证号").fill(id_number)
    page.screenshot(path=str(shots / f"{prefix}-3-code.png"), full_page=True)
    page.get_by_role("button", name="注册", exact=True).click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("browser_page", [{"width": 390, "height": 844}], indirect=True)
def test_a_new_resident_signs_up_files_by_tapping_the_map_and_sees_it_on_the_board_map(live_server, browser_page):
    from yizuyihui.cases.models import Case
    from yizuyihui.demo.cast import build_cast
    from yizuyihui.demo.names import make_id_number
    from yizuyihui.people.models import Person
    from yizuyihui.people.services import household_create, person_create
    from yizuyihui.places.cast import cast_features
    from yizuyihui.places.services import boundaries_import

    MemorySMSBackend.outbox.clear()
    cast = build_cast()
    boundaries_import(features=cast_features(cast))
    household = household_create(unit=cast.unit_a, address="幸福一网格20号")
    person_create(name="王小梅", gender="F", node=cast.unit_a.node, household=household,
                  id_number=make_id_number(200), phone="")
    page, shots = browser_page, _shots()
    _sign_up(page, live_server.url, phone="13912345678", name="王小梅", id_number=make_id_number(200), shots=shots,
             prefix="signup")
    expect(page.get_by_role("heading", level=1)).to_have_text("您好，王小梅")
    expect(page.locator(".messages")).to_contain_text("幸福一网格")
    page.screenshot(path=str(shots / "signup-4-home.png"), full_page=True)
    assert Person.objects.get(name="王小梅").user is not None

    page.get_by_role("link", name=re.compile("反映问题")).click()
    pick = page.locator("#pick-map")
    expect(pick).to_have_attribute("data-ready", "1")
    pick.scroll_into_view_if_needed()
    box = pick.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # the map fits the resident's unit
    expect(page.get_by_test_id("pick-status")).to_have_text(cast.unit_a.name)
    page.locator("input[name=title]").fill("小区门口路灯不亮")
    page.screenshot(path=str(shots / "signup-5-file.png"), full_page=True)
    page.get_by_role("button", name="提交").first.click()
    expect(page.get_by_role("heading", level=1, name="小区门口路灯不亮")).to_be_visible()
    case = Case.objects.get(title="小区门口路灯不亮")
    assert case.filed_by.person.name == "王小梅" and case.lat is not None

    page.get_by_role("link", name="一组一会+").first.click()
    page.get_by_role("link", name=re.compile("公开栏")).click()
    page.get_by_test_id("board-map-link").click()
    expect(page.get_by_test_id("board-map")).to_have_attribute("data-ready", "1")
    expect(page.get_by_test_id("map-count")).to_have_text("地图上共 1 件事项")
    expect(page.locator(".leaflet-marker-icon").first).to_be_visible()
    page.screenshot(path=str(shots / "signup-6-board-map.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("browser_page", [{"width": 390, "height": 844}], indirect=True)
def test_a_resident_not_on_the_register_picks_their_grid_and_the_grid_worker_confirms(live_server, browser_page):
    from yizuyihui.demo.cast import build_cast
    from yizuyihui.demo.names import make_id_number
    from yizuyihui.people.models import Person

    MemorySMSBackend.outbox.clear()
    cast = build_cast()
    page, shots = browser_page, _shots()
    _sign_up(page, live_server.url, phone="13912345679", name="赵新来", id_number=make_id_number(300), shots=shots,
             prefix="join")
    expect(page.get_by_role("heading", level=1)).to_have_text("您住在哪里？")
    page.get_by_role("link", name="东区").click()
    page.get_by_role("link", name="东风街道").click()
    page.get_by_role("link", name="幸福社区").click()
    page.screenshot(path=str(shots / "join-4-unit.png"), full_page=True)
    page.get_by_role("button", name=re.compile("幸福一网格")).click()
    expect(page.get_by_test_id("join-status")).to_contain_text("等待网格员确认")
    page.screenshot(path=str(shots / "join-5-waiting.png"), full_page=True)
    page.get_by_test_id("logout").click()

    page.get_by_label("用户名").fill("grid_worker")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name=re.compile("居民加入申请")).click()
    row = page.get_by_test_id("join-row")
    expect(row).to_contain_text("赵新来")
    page.screenshot(path=str(shots / "join-6-worklist.png"), full_page=True)
    row.get_by_role("link", name="核实 / 驳回").click()
    expect(page.get_by_test_id("join-request")).to_contain_text(make_id_number(300))
    page.screenshot(path=str(shots / "join-7-review.png"), full_page=True)
    page.get_by_role("button", name="确认该居民").click()
    expect(page.locator(".messages")).to_contain_text("赵新来 已成为幸福一网格的居民")
    assert Person.objects.get(name="赵新来").node == cast.unit_a.node


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("browser_page", [{"width": 390, "height": 844}], indirect=True)
def test_a_resident_logs_in_with_an_sms_code_from_the_login_page(live_server, browser_page):
    from yizuyihui.demo.cast import build_cast

    MemorySMSBackend.outbox.clear()
    cast = build_cast()
    phone = cast.residents["resident"].phone
    page, shots = browser_page, _shots()
    page.goto(f"{live_server.url}/")
    page.get_by_test_id("sms-login").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("短信验证码登录")
    page.get_by_label("手机号").fill("1380000")  # one digit short of nothing: a clear error
    page.get_by_role("button", name="获取验证码").click()
    expect(page.locator(".messages")).to_contain_text("手机号格式不正确")
    page.get_by_label("手机号").fill(phone)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.locator(".messages")).to_contain_text("验证码已发送至 138****")
    page.get_by_label("短信验证码").fill(_code(phone))
    page.screenshot(path=str(shots / "sms-login.png"), full_page=True)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("您好，resident")
