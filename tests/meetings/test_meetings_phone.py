"""The council meeting's forms on a phone (issue 10, item 5): invite a "+" member, record who
attended, then views and the resolution — on 390×844, nothing wider than the screen, every
checkbox beside its name. Screenshots under YZYH_SCREENSHOTS (default test-results/)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.parametrize("browser_page", [{"width": 390, "height": 844}], indirect=True)]
SHOTS = Path(os.environ.get("YZYH_SCREENSHOTS", "test-results"))
FITS = "document.documentElement.scrollWidth <= window.innerWidth"


def _fits(page, form):
    """Nothing on the page is wider than the phone, and each checkbox sits left of its name."""
    assert page.evaluate(FITS), page.evaluate("document.documentElement.scrollWidth")
    for label in form.locator("label:has(input[type=checkbox])").all():
        box, text = label.locator("input").bounding_box(), label.locator("span").first.bounding_box()
        assert box["x"] < text["x"] and abs((box["y"] + box["height"] / 2) - (text["y"] + text["height"] / 2)) < 16


def test_a_council_meeting_invites_and_records_attendance_on_a_phone(cast, password, live_server, browser_page,
                                                                     run_meeting):
    SHOTS.mkdir(exist_ok=True)
    page = browser_page
    topic = run_meeting.propose(title="小区东门雨后积水，需疏通雨水管")
    run_meeting.pre_meeting(topic)

    page.goto(f"{live_server.url}/")
    page.get_by_label("用户名").fill("unit_leader")
    page.get_by_label("密码").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    with page.expect_navigation():
        page.locator("nav.nav a[href='/meetings/']").click()
    with page.expect_navigation():
        page.get_by_role("link", name=cast.unit_a.name).first.click()
    convene = page.get_by_test_id("convene-council")
    _fits(page, convene)
    convene.locator("select[name=place_kind]").select_option(index=1)
    with page.expect_navigation():
        convene.locator("button[type=submit]").click()

    invite = page.get_by_test_id("invite")
    expect(invite).to_be_visible()
    assert invite.bounding_box()["width"] <= 390
    page.screenshot(path=str(SHOTS / "meeting-phone-01-invite.png"), full_page=True)
    invite.locator("select[name=identity]").select_option("police")
    invite.locator("input[name=name]").fill("社区民警老王")
    with page.expect_navigation():
        invite.locator("button[type=submit]").click()
    expect(page.get_by_test_id("participants")).to_contain_text("社区民警老王")
    hold = page.get_by_test_id("hold")
    _fits(page, hold)
    page.screenshot(path=str(SHOTS / "meeting-phone-02-attendance.png"), full_page=True)

    # It took place an hour ago: the time is corrected, then views and the outcome on the phone.
    import datetime as dt

    from django.utils import timezone

    started = timezone.localtime() - dt.timedelta(hours=1)
    hold.locator("input[name=held_at]").fill(started.strftime("%Y-%m-%dT%H:%M"))
    with page.expect_navigation():
        hold.locator("button[type=submit]").click()
    resolve = page.get_by_test_id("resolve-1")
    expect(resolve).to_be_visible()
    _fits(page, resolve)
    page.screenshot(path=str(SHOTS / "meeting-phone-03-resolve.png"), full_page=True)
