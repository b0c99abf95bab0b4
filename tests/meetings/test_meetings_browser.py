"""In a real browser: a meeting from the agenda to a resolution (Playwright + Debian's chromium)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from factories import file_matter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_meeting_runs_from_the_agenda_to_a_resolution_in_the_browser(cast, password, live_server, browser_page):
    from playwright.sync_api import expect

    from yizuyihui.meetings.models import Meeting

    page = browser_page
    case = file_matter(cast, title="小区东门雨后积水", description="下雨就淹",
                     channel="web", suggest=False)

    def submit(form):
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        expect(page.locator(".messages li.error")).to_have_count(0)

    def convene(form):
        # The place type is chosen, never defaulted; the meeting started an hour ago (a meeting
        # cannot be recorded as held before it starts).
        form.locator("select[name=place_kind]").select_option(index=1)
        started = timezone.localtime() - dt.timedelta(hours=1)
        form.locator("input[name=when]").fill(started.strftime("%Y-%m-%dT%H:%M"))
        submit(form)

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "unit_leader")
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("main form button[type=submit]")  # not the header's language switch

    # 议单: the matter goes on the agenda; a member's proposal joins it.
    page.goto(f"{live_server.url}/meetings/unit/{cast.unit_a.pk}/")
    with page.expect_navigation():
        page.get_by_test_id(f"agenda-case-{case.pk}").click()
    page.locator("details:has([data-testid=propose]) summary").click()
    propose = page.get_by_test_id("propose")
    propose.locator("input[name=title]").fill("楼道电动车充电")
    submit(propose)
    expect(page.get_by_test_id("proposed")).to_contain_text("小区东门雨后积水")

    # 组在前: the Party group's pre-meeting ranks the topics and sets the direction.
    convene(page.get_by_test_id("convene-party-group"))
    submit(page.get_by_test_id("hold"))
    for n, direction in ((1, "先疏通，再查原因"), (2, "安全第一，规范充电")):
        form = page.get_by_test_id(f"consider-{n}")
        form.locator("textarea[name=direction]").fill(direction)
        submit(form)
        expect(page.get_by_test_id(f"recorded-{n}")).to_be_visible()  # recorded once, shown as done

    # 会在后: the council with a "+" member, views, a counted vote and an action.
    page.goto(f"{live_server.url}/meetings/unit/{cast.unit_a.pk}/")
    expect(page.get_by_test_id("considered")).to_contain_text("先疏通，再查原因")
    convene(page.get_by_test_id("convene-council"))
    invite = page.get_by_test_id("invite")
    invite.locator("select[name=identity]").select_option("police")
    invite.locator("input[name=name]").fill("社区民警老王")
    submit(invite)
    expect(page.get_by_test_id("participants")).to_contain_text("社区民警老王")
    submit(page.get_by_test_id("hold"))
    expect(page.get_by_test_id("meeting-status")).not_to_have_text("")

    opinion = page.get_by_test_id("opinion-1")
    opinion.locator("select[name=participant]").select_option(label="社区民警老王 (" + _plus_label(page) + ")")
    opinion.locator("textarea[name=text]").fill("雨天可以协助疏导交通")
    submit(opinion)

    resolve = page.get_by_test_id("resolve-1")
    resolve.locator("textarea[name=text]").fill("疏通雨水管，物业出人、社区出钱")
    resolve.locator("select[name=decided_by]").select_option("vote")
    resolve.locator("input[name=votes_for]").fill("5")
    resolve.locator("input[name=votes_against]").fill("1")
    resolve.locator("input[name=action_title_0]").fill("联系施工队疏通雨水管")
    resolve.locator("select[name=action_owner_0]").select_option(value=str(cast.residents["grid_worker"].pk))  # labelled "name · body"
    resolve.locator("input[name=action_due_0]").fill((timezone.localdate() + dt.timedelta(days=7)).isoformat())
    submit(resolve)
    expect(page.get_by_test_id("resolution-1")).to_contain_text("疏通雨水管，物业出人、社区出钱")
    expect(page.get_by_test_id("resolution-1")).to_contain_text("5")

    minutes = page.get_by_test_id("minutes-form")
    minutes.locator("textarea[name=minutes]").fill("组长主持，各方充分发表意见。")
    submit(minutes)
    expect(page.get_by_test_id("minutes")).to_contain_text("各方充分发表意见")

    # The matter moved on in the closed loop, and the unit's board shows the resolution.
    case.refresh_from_db()
    assert case.status == "dispatched"
    assert Meeting.objects.filter(kind="council", status="held").count() == 1
    page.goto(f"{live_server.url}/meetings/board/{cast.unit_a.pk}/")
    expect(page.get_by_test_id("notice")).to_contain_text("疏通雨水管")


def _plus_label(page) -> str:
    """The "+" body's label in the page's language (the option text is "name (body)")."""
    option = page.locator("[data-testid=opinion-1] select[name=participant] option", has_text="社区民警老王")
    text = option.inner_text()
    return text[text.index("(") + 1 : text.rindex(")")]
