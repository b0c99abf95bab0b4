"""Each role does its main job on a phone (390×844), from its home page, by clicking only (issue 10,
"Done when"). Every journey saves screenshots and prints its screens and seconds:

    JOURNEY <role>: <screens> screens, <seconds> s

Screens are page loads of the main frame after the home page; seconds are wall time from the home
page to the job done (the live server and Chromium share two cores with the test)."""

from __future__ import annotations

import datetime as dt
import io
import os
import time
from pathlib import Path

import pytest
from django.utils import timezone
from factories import file_matter
from playwright.sync_api import expect

from yizuyihui.cases import services as s
from yizuyihui.demo.cast import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.parametrize("browser_page", [{"width": 390, "height": 844}], indirect=True)]
SHOTS = Path(os.environ.get("YZYH_SCREENSHOTS", "test-results"))


@pytest.fixture(autouse=True)
def _fresh_case_caches():
    """A transactional test flushes the tables: per-process caches (taxonomy, policies) must go too."""
    from yizuyihui.cases.deadlines import calendar_reset_cache

    calendar_reset_cache()
    yield
    calendar_reset_cache()


class Journey:
    def __init__(self, page, live_server, role: str):
        self.page, self.url, self.role = page, live_server.url, role
        self.screens, self.started, self.n = 0, None, 0
        page.on("framenavigated", lambda frame: frame == page.main_frame and self._count())
        SHOTS.mkdir(exist_ok=True)

    def _count(self):
        if self.started is not None:
            self.screens += 1

    def login(self, persona: str):
        page = self.page
        page.goto(f"{self.url}/")  # the only typed address: the site itself
        page.get_by_label("用户名").fill(persona)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("您好")
        self.started = time.monotonic()

    def home(self):
        with self.page.expect_navigation():
            self.page.locator("header .brand").click()

    def click(self, locator):
        with self.page.expect_navigation():
            locator.click()
        expect(self.page.locator(".messages li.error")).to_have_count(0)

    def submit(self, form):
        self.click(form.locator("button[type=submit]").first)

    def shot(self, label: str):
        self.n += 1
        self.page.screenshot(path=str(SHOTS / f"{self.role}-{self.n:02d}-{label}.png"), full_page=True)

    def done(self):
        seconds = time.monotonic() - self.started
        line = f"JOURNEY {self.role}: {self.screens} screens, {seconds:.1f} s"
        print(line)
        with open(SHOTS / "journeys.txt", "a", encoding="utf-8") as out:
            out.write(line + "\n")


def _photo() -> dict:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(buf, "JPEG")
    return {"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": buf.getvalue()}


def test_a_resident_files_a_matter_and_later_rates_it(cast, live_server, browser_page):
    j = Journey(browser_page, live_server, "resident")
    page = browser_page
    j.login("resident")
    j.click(page.locator("a.card[href='/cases/new/']"))
    form = page.get_by_test_id("resident-file")
    form.locator("input[name=title]").fill("三号楼路灯不亮")
    form.locator("textarea[name=description]").fill("晚上很黑，老人不敢出门")
    j.submit(form)
    expect(page.get_by_test_id("confirmation")).to_be_visible()
    expect(page.get_by_test_id("matter-number")).to_contain_text("#")
    j.shot("confirmation")

    # Meanwhile the unit receives, dispatches, handles and feeds back.
    from yizuyihui.cases.models import Case

    u = cast.users
    case = Case.objects.get(title="三号楼路灯不亮")
    s.case_receive(case=case, actor=u["grid_worker"])
    s.case_dispatch(case=case, actor=u["unit_leader"], handlers=[u["building_head"]])
    s.case_claim(case=case, actor=u["building_head"])
    s.case_resolve(case=case, actor=u["building_head"], result="换了新灯")
    s.case_feed_back(case=case, actor=u["council_member"], feedback="路灯已换新，请您评价")

    j.home()
    j.click(page.locator("a.card[href='/cases/mine/']"))
    j.click(page.get_by_role("link", name="三号楼路灯不亮"))
    rate = page.get_by_test_id("rate")
    rate.locator("input[value=satisfied]").check()
    j.submit(rate)
    expect(page.get_by_test_id("status")).to_have_text("已关闭")
    j.shot("rated")
    j.done()


def test_a_grid_worker_receives_a_matter_and_logs_a_visit(cast, live_server, browser_page):
    from yizuyihui.visits import services as visits

    today = timezone.localdate()
    visits.schedule_generate(under=cast.community, start=today, end=today)
    case = file_matter(cast, title="单元门禁坏了")
    j = Journey(browser_page, live_server, "grid_worker")
    page = browser_page
    j.login("grid_worker")
    j.shot("home")
    j.click(page.locator("a.card[href='/cases/']").first)
    j.shot("worklist")
    j.click(page.get_by_test_id(f"row-{case.pk}").locator("a.btn"))
    j.submit(page.get_by_test_id("act-receive"))
    expect(page.get_by_test_id("status")).to_have_text("已收单")
    j.shot("received")

    j.home()
    j.click(page.locator("a.card[href='/visits/']").first)
    j.shot("due")
    j.click(page.get_by_test_id("due-item").first.locator("a").first)
    form = page.locator("form:has([data-testid=save])")
    form.locator("textarea[name=note]").fill("老人身体好，门禁已报修")
    j.click(page.get_by_test_id("save"))
    expect(page.locator(".messages li").first).to_contain_text("走访")
    j.shot("visit-logged")
    j.done()


def test_a_unit_leader_dispatches_feeds_back_and_runs_a_meeting(cast, live_server, browser_page):
    u = cast.users
    new = file_matter(cast, title="楼道堆放杂物")
    s.case_receive(case=new, actor=u["grid_worker"])
    done = file_matter(cast, title="垃圾桶满了没人清")
    s.case_receive(case=done, actor=u["grid_worker"])
    s.case_dispatch(case=done, actor=u["unit_leader"], handlers=[u["building_head"]])
    s.case_claim(case=done, actor=u["building_head"])
    s.case_resolve(case=done, actor=u["building_head"], result="已联系保洁清运")

    j = Journey(browser_page, live_server, "unit_leader")
    page = browser_page
    j.login("unit_leader")
    j.shot("home")
    # 派单
    j.click(page.locator("a.card[href='/cases/']").first)
    j.click(page.get_by_test_id(f"row-{new.pk}").locator("a.btn"))
    dispatch = page.get_by_test_id("act-dispatch")
    picker = dispatch.get_by_test_id("handler-picker")
    picker.locator("input[type=search]").fill("building")
    expect(picker.locator("label.pick")).to_have_count(1)
    picker.locator("label.pick input").first.check()
    # A second search keeps the first person ticked, as a chip above the new results.
    picker.locator("input[type=search]").fill("grid")
    chosen = picker.get_by_test_id("picker-chosen")
    expect(chosen.locator("input:checked")).to_have_count(1)
    expect(chosen).to_contain_text("building_head")
    expect(picker.locator(".picker-group label.pick")).to_have_count(1)
    picker.locator(".picker-group label.pick input").first.check()
    j.shot("dispatch")
    j.submit(dispatch)
    expect(page.get_by_test_id("status")).to_have_text("已派单")
    from yizuyihui.cases.models import Assignment

    assert set(Assignment.objects.filter(case=new).values_list("handler__username", flat=True)) == {
        "building_head", "grid_worker"}
    # 反馈
    j.home()
    j.click(page.locator("a.card[href='/cases/#feedback']"))
    j.click(page.get_by_test_id(f"row-{done.pk}").locator("a.btn"))
    feed = page.get_by_test_id("act-feed_back")
    feed.locator("textarea[name=reason]").fill("垃圾已清运，已电话告知居民")
    j.submit(feed)
    expect(page.get_by_test_id("status")).to_have_text("已反馈")
    j.shot("fed-back")
    # 议事: propose a topic, convene the Party group, hold it, record the direction.
    j.home()
    j.click(page.locator("nav.nav a[href='/meetings/']"))
    j.click(page.get_by_role("link", name=cast.unit_a.name).first)
    page.locator("details:has([data-testid=propose]) summary").click()
    propose = page.get_by_test_id("propose")
    propose.locator("input[name=title]").fill("楼道电动车充电")
    j.submit(propose)
    convene = page.get_by_test_id("convene-party-group")
    convene.locator("select[name=place_kind]").select_option(index=1)
    j.shot("convene")
    j.submit(convene)
    hold = page.get_by_test_id("hold")
    started = timezone.localtime() - dt.timedelta(minutes=30)
    hold.locator("input[name=held_at]").fill(started.strftime("%Y-%m-%dT%H:%M"))
    j.submit(hold)
    consider = page.get_by_test_id("consider-1")
    consider.locator("textarea[name=direction]").fill("安全第一，规范充电")
    j.submit(consider)
    expect(page.get_by_test_id("recorded-1")).to_be_visible()
    j.shot("meeting")
    j.done()


def test_a_handler_claims_progresses_with_a_photo_and_resolves(cast, live_server, browser_page):
    u = cast.users
    case = file_matter(cast, title="井盖松动")
    s.case_receive(case=case, actor=u["grid_worker"])
    s.case_dispatch(case=case, actor=u["unit_leader"], handlers=[u["building_head"]])

    j = Journey(browser_page, live_server, "handler")
    page = browser_page
    j.login("building_head")
    j.click(page.locator("a.card[href='/cases/']").nth(1))  # 领单 · 办单
    j.click(page.get_by_test_id(f"row-{case.pk}").locator("a.btn"))
    j.submit(page.get_by_test_id("act-claim"))
    expect(page.get_by_test_id("status")).to_have_text("已领单")
    page.locator("details.step:has([data-testid=act-progress]) > summary").click()
    progress = page.get_by_test_id("act-progress")
    progress.locator("textarea[name=reason]").fill("已设置警示，等待更换井盖")
    progress.locator("input[name=photos]").set_input_files(_photo())
    j.shot("progress")
    j.submit(progress)
    expect(page.get_by_test_id("timeline")).to_contain_text("已设置警示")
    resolve = page.get_by_test_id("act-resolve")
    resolve.locator("textarea[name=reason]").fill("井盖已更换")
    j.submit(resolve)
    expect(page.get_by_test_id("status")).to_have_text("已办结")
    j.shot("resolved")
    j.done()


def test_a_street_official_answers_a_supervision_and_drills_down_the_league_table(cast, live_server, browser_page):
    case = file_matter(cast, title="小区东门雨后积水")
    s.sweep_overdue(now=timezone.now() + dt.timedelta(days=3))  # no response in time: 督办

    j = Journey(browser_page, live_server, "street_official")
    page = browser_page
    j.login("street_official")
    j.click(page.locator("a.card[href='/supervision/']"))
    j.shot("board")
    j.click(page.get_by_role("link", name=case.title).first)
    page.locator("textarea[name=answer]").fill("已责成社区明日上门处理")
    j.click(page.locator("form:has(textarea[name=answer]) button"))
    expect(page.get_by_text("已责成社区明日上门处理")).to_be_visible()
    j.shot("answered")
    j.click(page.locator("nav.nav a[href='/insights/']"))
    expect(page.get_by_test_id("league")).to_be_visible()
    j.click(page.get_by_test_id(f"drill-{cast.community.pk}"))
    expect(page.get_by_test_id(f"drill-{cast.unit_a.node.pk}")).to_be_visible()
    j.shot("league")
    j.done()
