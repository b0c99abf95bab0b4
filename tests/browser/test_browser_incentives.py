"""In a real browser, on a phone, clicking from the home page: a resident sees the points of their
accepted matter, then of their volunteer hours, and redeems a reward of their community.

The record is made through the services (the unit leader accepts the matter, the community logs
the hours); the points appear when the five-minute derivation job has run (called here)."""

import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from yizuyihui.demo.cast import PASSWORD


def _derive():
    """What incentives.tasks.points_derive_task does every five minutes."""
    from yizuyihui.incentives.services import points_derive
    from yizuyihui.incentives.tasks import LOOK_BACK

    return points_derive(start=timezone.now() - LOOK_BACK)


def _to_my_points(page):
    page.get_by_role("link", name="一组一会+").first.click()  # the brand: back to the home page
    page.get_by_role("link", name="我的积分").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的积分")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("browser_page", [{"width": 390, "height": 844}], indirect=True)
def test_a_resident_earns_points_and_redeems_a_reward_on_a_phone(live_server, browser_page, settings):
    from yizuyihui.cases import services as cases
    from yizuyihui.demo.cast import build_cast
    from yizuyihui.incentives import services
    from yizuyihui.incentives.models import PointAccount, Redemption
    from yizuyihui.resources import services as res

    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    cast = build_cast()
    admin, cadre = cast.users["city_admin"], cast.users["community_cadre"]
    services.point_rule_save(actor=admin, event="matter_accepted", points=5, cap=20, period="month")
    services.point_rule_save(actor=admin, event="volunteer_hours", points=2, cap=60, period="month")
    services.reward_create(actor=cadre, node=cast.community, name="社区食堂餐券", cost=8, stock=3)
    services.reward_create(actor=cadre, node=cast.community, name="大米五斤", cost=50, stock=3)
    shots = Path(os.environ.get("YZYH_SCREENSHOTS", "test-results"))
    shots.mkdir(exist_ok=True)
    page, url = browser_page, live_server.url

    # 1. The resident's matter is accepted by the unit; the job derives the points.
    case = cases.case_file(unit=cast.unit_a, actor=cast.users["resident"], title="楼道灯坏了", description="三楼楼道灯不亮",
                           channel="web", suggest=False)
    cases.case_receive(case=case, actor=cast.users["unit_leader"])
    assert _derive() == 1
    page.goto(f"{url}/")
    page.get_by_label("用户名").fill("resident")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("您好")
    page.get_by_role("link", name="我的积分").click()
    expect(page.get_by_test_id("balance")).to_have_text("5")
    expect(page.get_by_test_id("history")).to_contain_text("反映问题被受理")
    page.screenshot(path=str(shots / "incentives-1-matter-accepted.png"), full_page=True)

    # 2. Two hours of volunteering for the community's team, logged by the cadre: +4.
    team = res.team_create(actor=cadre, node=cast.community, name="助老服务队", service_type="elder_care")
    res.volunteer_join(team=team, actor=cadre, person=cast.residents["council_member"], leader=True)
    volunteer = res.volunteer_join(team=team, actor=cadre, person=cast.residents["resident"])
    need = cases.case_file(unit=cast.unit_a, actor=cast.users["unit_leader"], title="独居老人送餐", description="",
                           channel="visit", suggest=False)
    dispatch = res.team_dispatch(team=team, actor=cadre, case=need)
    res.hours_log(dispatch=dispatch, actor=cadre, volunteer=volunteer, hours=2, on=timezone.localdate())
    assert _derive() == 1
    _to_my_points(page)
    expect(page.get_by_test_id("balance")).to_have_text("9")
    expect(page.get_by_test_id("history")).to_contain_text("志愿服务时长")
    page.screenshot(path=str(shots / "incentives-2-volunteered.png"), full_page=True)

    # 3. The resident redeems the meal voucher (8 points); the rice (50) is out of reach.
    voucher = page.get_by_test_id("reward").filter(has_text="社区食堂餐券")
    expect(page.get_by_test_id("reward").filter(has_text="大米五斤").get_by_role("button")).to_have_count(0)
    voucher.get_by_role("button", name="兑换").click()
    expect(page.get_by_text("兑换成功，请到社区领取")).to_be_visible()
    expect(page.get_by_test_id("balance")).to_have_text("1")
    expect(voucher).to_contain_text("已兑换")
    page.screenshot(path=str(shots / "incentives-3-redeemed.png"), full_page=True)
    assert Redemption.objects.get().reward.name == "社区食堂餐券"
    assert PointAccount.objects.get(person=cast.residents["resident"]).balance == 1
