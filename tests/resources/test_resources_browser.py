"""On a phone, in a real browser, by clicks from the home page: a leader draws a legal adviser and
a volunteer team into a neighbour dispute, they add notes (seen in the matter's history), the team
logs hours; a village publishes a 产品销售 need, sends its outside member their personal link, the
member offers from their phone, and the village matches the offer and records it as fulfilled."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("browser_page", [PHONE], indirect=True)
def test_a_dispute_and_a_sales_need_are_served_by_linked_resources(cast, world, password, live_server, browser_page,
                                                                  settings):
    from playwright.sync_api import expect

    from yizuyihui.resources.models import BoardMatch, BoardPost, ServiceHours

    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    shots = Path(os.environ.get("YZYH_SCREENSHOTS", "test-results")) / "resources"
    shots.mkdir(parents=True, exist_ok=True)
    page = browser_page
    case = world.dispute

    def shot(name):
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)

    def login(username, pw):
        """From the home page: the anonymous visitor is sent to the login form, then home."""
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", pw)
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        expect(page.get_by_role("heading", level=1)).to_be_visible()

    def click(locator):
        with page.expect_navigation():
            locator.click()

    def submit(form):
        with page.expect_navigation():
            form.locator("button[type=submit]").first.click()
        expect(page.locator(".messages li.error")).to_have_count(0)

    # The unit leader: home → the inbox → the dispute → its "+" page; draws in the suggested legal
    # adviser and dispatches the legal volunteer team the matching ranks first.
    login("unit_leader", password)
    click(page.locator("a.card[href='/cases/']").first)
    click(page.get_by_test_id(f"row-{case.pk}").locator("td.title a"))
    click(page.get_by_test_id("case-extra-link"))
    shot("1-leader-plus-page")
    submit(page.get_by_test_id("draw-pro-legal"))
    submit(page.get_by_test_id(f"dispatch-team-{world.team.pk}"))
    expect(page.get_by_test_id("plus-count")).to_have_text("2")  # the adviser and the team leader
    shot("2-leader-drawn-and-dispatched")

    # The legal adviser: home → "My “+” matters" → the dispute; adds a note.
    login("lawyer1", "x-pass-2026")
    click(page.locator("a.card[href='/resources/matters/']"))
    click(page.get_by_test_id("plus-matters").get_by_role("link").first)
    note = page.get_by_test_id("add-note")
    note.locator("textarea[name=text]").fill("已约双方周六上午调解")
    submit(note)
    expect(page.get_by_test_id("notes")).to_contain_text("已约双方周六上午调解")

    # The team leader: home → "My “+” matters" → the dispute; a note and a member's hours.
    login("volunteer1", "x-pass-2026")
    click(page.locator("a.card[href='/resources/matters/']"))
    click(page.get_by_test_id("plus-matters").get_by_role("link").first)
    note = page.get_by_test_id("add-note")
    note.locator("textarea[name=text]").fill("志愿者已上门查看漏水点")
    submit(note)
    hours = page.get_by_test_id("log-hours")
    hours.locator("select[name=volunteer]").select_option(label="volunteer2")
    hours.locator("input[name=hours]").fill("2.5")
    submit(hours)
    expect(page.get_by_test_id("team-hours")).to_have_text("2.5")
    shot("3-team-leader-hours")
    assert ServiceHours.objects.get().volunteer.person.name == "volunteer2"

    # The leader sees the "+" notes in the matter's history (cases' page, through the provider).
    login("unit_leader", password)
    click(page.locator("a.card[href='/cases/']").first)
    click(page.get_by_test_id(f"row-{case.pk}").locator("td.title a"))
    expect(page.get_by_test_id("timeline")).to_contain_text("已约双方周六上午调解")
    expect(page.get_by_test_id("timeline")).to_contain_text("志愿者已上门查看漏水点")
    shot("4-case-history-with-plus-notes")

    # The village cadre: home → 资源链接 → the village's board; an outside member (with consent), a
    # 产品销售 need, and the member's personal link.
    login("village_cadre", "x-pass-2026")
    click(page.locator("nav.nav a[href='/resources/']"))
    click(page.locator(f"a[href='/resources/board/{cast.village.pk}/']"))
    form = page.locator("form[action$='/act/member/']")
    for field, value in (("name", "李乡贤"), ("where", "深圳"), ("what", "电商"), ("contact", "13811112222")):
        form.locator(f"input[name={field}]").fill(value)
    form.locator("input[name=consent]").check()
    submit(form)
    need = page.get_by_test_id("publish-need")
    need.locator("select[name=kind]").select_option("sales")
    need.locator("input[name=title]").fill("桃子滞销求销路")
    submit(need)
    member_id = page.locator("[data-testid^=link-]").first.get_attribute("data-testid").split("-")[1]
    submit(page.get_by_test_id(f"link-{member_id}"))
    link = page.locator(".messages li", has_text="/resources/o/").inner_text()
    link = link[link.index("http"):].split()[0]
    shot("5-village-board-link")

    # The outside member, in Shenzhen, opens the link the village sent by SMS: offers to sell online.
    page.context.clear_cookies()
    page.goto(link)
    expect(page.get_by_test_id("village-needs")).to_contain_text("桃子滞销求销路")
    offer = page.get_by_test_id("my-offer")
    offer.locator("select[name=kind]").select_option("sales")
    offer.locator("input[name=title]").fill("网店代销桃子")
    submit(offer)
    expect(page.get_by_test_id("my-offers")).to_contain_text("网店代销桃子")
    shot("6-outside-member-offer")
    assert BoardPost.objects.get(is_offer=True).member.person.name == "李乡贤"

    # The cadre matches the need with the offer and records the outcome.
    login("village_cadre", "x-pass-2026")
    click(page.locator("nav.nav a[href='/resources/']"))
    click(page.locator(f"a[href='/resources/board/{cast.village.pk}/']"))
    submit(page.get_by_test_id("match"))
    match = BoardMatch.objects.get()
    fulfil = page.get_by_test_id(f"fulfil-{match.pk}")
    fulfil.locator("input[name=outcome]").fill("售出桃子5000斤")
    fulfil.locator("input[name=value]").fill("20000")
    submit(fulfil)
    expect(page.get_by_test_id("board-matches")).to_contain_text("售出桃子5000斤")
    expect(page.get_by_test_id("contact")).to_have_text("13811112222")  # the village's own cadre
    shot("7-village-board-fulfilled")
    match.refresh_from_db()
    assert match.fulfilled_at is not None and match.value == 20000

    # The member follows the outcome by the same link.
    page.context.clear_cookies()
    page.goto(link)
    expect(page.get_by_test_id("my-matches")).to_contain_text("售出桃子5000斤")


@pytest.mark.parametrize("browser_page", [PHONE], indirect=True)
def test_a_cadre_builds_a_team_and_registers_a_property_company_on_a_phone(cast, world, password, live_server,
                                                                         browser_page, settings):
    from playwright.sync_api import expect

    from yizuyihui.resources.models import Professional, PropertySupervisor, VolunteerTeam

    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    shots = Path(os.environ.get("YZYH_SCREENSHOTS", "test-results")) / "resources"
    shots.mkdir(parents=True, exist_ok=True)
    page = browser_page

    def click(locator):
        with page.expect_navigation():
            locator.click()

    def submit(form):
        with page.expect_navigation():
            form.locator("button[type=submit]").first.click()
        expect(page.locator(".messages li.error")).to_have_count(0)

    page.goto(f"{live_server.url}/")
    page.fill("input[name=username]", "community_cadre")
    page.fill("input[name=password]", password)
    click(page.locator("main form button[type=submit]"))
    click(page.locator("nav.nav a[href='/resources/']"))
    click(page.locator("a[href='/resources/teams/']"))
    form = page.get_by_test_id("team-create")
    form.locator("input[name=name]").fill("幸福助老队")
    form.locator("select[name=service_type]").select_option("elder_care")
    submit(form)
    search = page.get_by_test_id("person-search")
    member = cast.residents["council_member"]
    search.locator("input[name=q]").fill(member.name)
    submit(search)
    add = page.get_by_test_id("add-volunteer")
    add.locator("input[name=leader]").check()
    add.locator("input[name=slot][value='0']").check()
    add.locator("input[name=slot][value='1']").check()
    submit(add)
    expect(page.get_by_test_id("team-leader")).to_have_text(member.name)
    page.screenshot(path=str(shots / "8-team-page.png"), full_page=True)
    team = VolunteerTeam.objects.get(name="幸福助老队")
    assert (team.member_count, team.availability) == (1, 0b11)

    click(page.locator("nav.nav a[href='/resources/']"))
    click(page.locator("a[href='/resources/professionals/']"))
    form = page.get_by_test_id("professional-create")
    form.locator("select[name=kind]").select_option("property")
    form.locator("input[name=name]").fill("安居物业")
    submit(form)
    estates = page.get_by_test_id("estates-form")
    page.locator("summary", has_text="小区").or_(page.locator("details.panel summary").first).first.click()
    estates.locator(f"input[name=unit][value='{cast.unit_a.pk}']").check()
    submit(estates)
    supervisor = page.get_by_test_id("supervisor-form").first
    supervisor.locator("select[name=person]").select_option(str(cast.residents["building_head"].pk))
    submit(supervisor)
    expect(page.get_by_test_id("supervisors")).to_contain_text(cast.residents["building_head"].name)
    page.screenshot(path=str(shots / "9-property-company.png"), full_page=True)
    company = Professional.objects.get(name="安居物业")
    assert PropertySupervisor.objects.filter(company=company, unit=cast.unit_a).count() == 1
