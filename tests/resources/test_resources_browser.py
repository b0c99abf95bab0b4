"""On a phone, in a real browser: a leader draws a legal adviser and a volunteer team into a
neighbour dispute, they add notes, the team logs hours; a village publishes a 产品销售 need and an
outside member's offer is matched and recorded as fulfilled."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("browser_page", [PHONE], indirect=True)
def test_a_dispute_and_a_sales_need_are_served_by_linked_resources(cast, world, password, live_server, browser_page):
    from playwright.sync_api import expect

    from yizuyihui.resources.models import BoardMatch, ServiceHours

    page = browser_page
    case = world.dispute

    def login(username, pw):
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", pw)
        with page.expect_navigation():
            page.click("main form button[type=submit]")

    def submit(form):
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        expect(page.locator(".messages li.error")).to_have_count(0)

    # The unit leader draws in the suggested legal adviser and dispatches the legal volunteer team.
    login("unit_leader", password)
    page.goto(f"{live_server.url}/resources/matters/{case.pk}/")
    submit(page.get_by_test_id("draw-pro-legal"))
    submit(page.get_by_test_id(f"dispatch-team-{world.team.pk}"))
    expect(page.get_by_test_id("plus-count")).to_have_text("2")  # the adviser and the team leader

    # The legal adviser finds the matter in the "+" worklist and adds a note.
    login("lawyer1", "x-pass-2026")
    page.goto(f"{live_server.url}/resources/matters/")
    with page.expect_navigation():
        page.get_by_test_id("plus-matters").get_by_role("link").first.click()
    note = page.get_by_test_id("add-note")
    note.locator("textarea[name=text]").fill("已约双方周六上午调解")
    submit(note)
    expect(page.get_by_test_id("notes")).to_contain_text("已约双方周六上午调解")

    # The team leader adds a note and logs a member's hours.
    login("volunteer1", "x-pass-2026")
    page.goto(f"{live_server.url}/resources/matters/{case.pk}/")
    note = page.get_by_test_id("add-note")
    note.locator("textarea[name=text]").fill("志愿者已上门查看漏水点")
    submit(note)
    hours = page.get_by_test_id("log-hours")
    hours.locator("select[name=volunteer]").select_option(label="volunteer2")
    hours.locator("input[name=hours]").fill("2.5")
    submit(hours)
    expect(page.get_by_test_id("team-hours")).to_have_text("2.5")
    assert ServiceHours.objects.get().volunteer.person.name == "volunteer2"

    # The village: an outside member, a 产品销售 need, their offer, a match, the outcome.
    login("village_cadre", "x-pass-2026")
    page.goto(f"{live_server.url}/resources/board/{cast.village.pk}/")
    form = page.locator("form[action$='/act/member/']")
    for field, value in (("name", "李乡贤"), ("where", "深圳"), ("what", "电商"), ("contact", "13811112222")):
        form.locator(f"input[name={field}]").fill(value)
    form.locator("input[name=consent]").check()
    submit(form)
    need = page.get_by_test_id("publish-need")
    need.locator("select[name=kind]").select_option("sales")
    need.locator("input[name=title]").fill("桃子滞销求销路")
    submit(need)
    offer = page.get_by_test_id("publish-offer")
    offer.locator("select[name=kind]").select_option("sales")
    offer.locator("input[name=title]").fill("网店代销桃子")
    submit(offer)
    submit(page.get_by_test_id("match"))
    match = BoardMatch.objects.get()
    fulfil = page.get_by_test_id(f"fulfil-{match.pk}")
    fulfil.locator("input[name=outcome]").fill("售出桃子5000斤")
    fulfil.locator("input[name=value]").fill("20000")
    submit(fulfil)
    expect(page.get_by_test_id("board-matches")).to_contain_text("售出桃子5000斤")
    expect(page.get_by_test_id("contact")).to_have_text("13811112222")  # the village's own cadre
