"""六必报 on a phone: the kind first, then only its fields; units and households found by typing
(issue 10, item 13: no page ships thousands of options)."""

import pytest
from django.urls import reverse

from yizuyihui.people.models import Household
from yizuyihui.visits.models import Report

pytestmark = pytest.mark.django_db


def test_the_report_page_asks_the_kind_first(cast, login):
    html = login("city_admin").get(reverse("visits:report_new")).content.decode()
    assert html.count('data-testid="type-') == 6 and "<option" not in html


def test_each_kind_shows_only_its_fields_and_no_household_list(cast, login):
    client = login("city_admin")
    facility = client.get(reverse("visits:report_new") + "?type=damaged_facility").content.decode()
    assert 'name="place"' in facility and 'name="tenants"' not in facility and 'name="household"' not in facility
    rental = client.get(reverse("visits:report_new") + "?type=rental").content.decode()
    assert 'name="tenants"' in rental and 'name="came_from"' not in rental
    assert 'name="household" value=' not in rental  # no unit chosen yet: no households shipped


def test_households_are_found_by_typing_within_the_scope(cast, login):
    client = login("grid_worker")
    url = reverse("visits:report_pick", args=["household"])
    html = client.get(url, {"unit": cast.unit_a.pk, "household_q": "幸福一网格1"}).content.decode()
    assert "幸福一网格10号" in html
    assert client.get(url, {"unit": cast.unit_d.pk, "household_q": "和平"}).content.decode().count('type="radio"') == 0
    units = client.get(reverse("visits:report_pick", args=["unit"]), {"unit_q": "幸福"}).content.decode()
    assert cast.unit_a.name in units and cast.unit_d.name not in units


def test_a_rental_is_reported_with_the_picked_household(cast, login):
    household = Household.objects.filter(unit=cast.unit_a).first()
    response = login("grid_worker").post(reverse("visits:report_new"), {
        "report_type": "rental", "unit": cast.unit_a.pk, "household": household.pk, "tenants": 2,
        "person_name": "王五", "description": "短租"})
    assert response.status_code == 302
    assert Report.objects.get(report_type="rental").household == household


def test_a_resident_picks_their_own_unit_and_staff_pickers_ask_no_resident_post(cast, login):
    """filing_units adds the unit of a resident post; staff without one skip that query (their
    cached posts say so) — the pickers answer every keystroke."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from yizuyihui.accounts.scope import active_posts

    assert ("resident", cast.unit_a.node.path) in active_posts(cast.users["resident"])  # the cast's resident post
    units = login("resident").get(reverse("visits:report_pick", args=["unit"]), {"unit_q": "幸福"}).content.decode()
    assert cast.unit_a.name in units and cast.unit_d.name not in units
    client = login("grid_worker")
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("visits:report_pick", args=["unit"]), {"unit_q": "幸福"})
    assert not [q for q in queries.captured_queries if "'resident'" in q["sql"] and "people_post" in q["sql"]]
