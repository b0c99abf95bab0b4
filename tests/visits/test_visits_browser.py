"""A grid worker logs a visit on a phone-sized screen: due list → one screen → saved."""


import pytest
from django.utils import timezone

from yizuyihui.demo.cast import PASSWORD
from yizuyihui.visits import services
from yizuyihui.visits.models import PlannedVisit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}



@pytest.mark.parametrize("browser_page", [PHONE], indirect=True)
def test_a_grid_worker_logs_a_visit_on_a_phone(cast, live_server, browser_page):
    from playwright.sync_api import expect

    today = timezone.localdate()
    services.schedule_generate(under=cast.community, start=today, end=today)
    slot = PlannedVisit.objects.filter(household__unit=cast.unit_a, category="special").select_related("household").first()
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "grid_worker")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form.stack button[type=submit]").click()
    page.goto(f"{live_server.url}/visits/")
    item = page.get_by_test_id(f"log-{slot.household_id}")
    expect(item).to_be_visible()
    item.click()
    expect(page.get_by_test_id("household")).to_have_text(slot.household.address)
    # The time is filled in; the visitor only types what was found.
    assert page.input_value("#id_visited_at")
    page.fill("#id_note", "老人身体尚好")
    page.get_by_test_id("save").click()
    expect(page.locator(".messages")).to_be_visible()
    slot.refresh_from_db()
    assert slot.visit is not None and slot.visit.visitor.username == "grid_worker"
    assert slot.visit.note == "老人身体尚好"
    # Phone-sized: nothing on the due page is wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
