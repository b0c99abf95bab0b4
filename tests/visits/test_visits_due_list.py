"""The due list: a household once, with its oldest due date; only actions the viewer may take;
visitors by name and post (issue 10, item 4)."""

import datetime as dt

import pytest
from django.urls import reverse

from yizuyihui.people.models import Household
from yizuyihui.visits import selectors, services

pytestmark = pytest.mark.django_db


def test_a_household_appears_once_with_its_oldest_due_date(cast, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 18, 2, 0, tzinfo=dt.UTC))
    services.schedule_generate(under=None, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    key = Household.objects.filter(unit=cast.unit_a, category="key").first()
    rows = [p for p in selectors.due_list(user=cast.users["grid_worker"]) if p.household_id == key.pk]
    assert len(rows) == 1
    assert rows[0].due == min(p.due for p in key.planned_visits.filter(visit__isnull=True,
                                                                      period_start__lte=dt.date(2026, 3, 18)))


def test_the_due_list_offers_logging_only_to_who_may_log(cast, login, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 18, 2, 0, tzinfo=dt.UTC))
    services.schedule_generate(under=None, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    key = Household.objects.filter(unit=cast.unit_a, category="key").first()
    log_url = reverse("visits:log", args=[key.pk])
    assert log_url in login("grid_worker").get(reverse("visits:due")).content.decode()
    for persona in ("street_official", "department_handler"):
        html = login(persona).get(reverse("visits:due") + "?who=all").content.decode()
        assert key.address in html and log_url not in html, persona


def test_the_unit_schedule_offers_logging_only_to_who_may_log(cast, login):
    """A street official reaches a unit's "who visits whom" from compliance: no "log" link that answers 403."""
    key = Household.objects.filter(unit=cast.unit_a, category="key").first()
    log_url = reverse("visits:log", args=[key.pk])
    page = reverse("visits:unit_schedule", args=[cast.unit_a.pk])
    assert log_url in login("grid_worker").get(page).content.decode()
    html = login("street_official").get(page).content.decode()
    assert key.address in html and log_url not in html
    assert login("street_official").get(log_url).status_code == 403


def test_the_due_list_page_reads_a_constant_number_of_queries(cast, login, time_machine):
    """Every row asks whether the viewer may log it: that must not be a query per household."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    time_machine.move_to(dt.datetime(2026, 3, 18, 2, 0, tzinfo=dt.UTC))
    client = login("grid_worker")

    def queries():
        with CaptureQueriesContext(connection) as q:
            page = client.get(reverse("visits:due"))
        assert page.status_code == 200
        return len(q.captured_queries), page.content.decode().count('data-testid="due-item"')

    services.schedule_generate(under=None, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    queries()  # the first look also reads the session's posts and name into the cache
    few, rows_few = queries()
    for i in range(6):
        Household.objects.create(unit=cast.unit_a, node=cast.unit_a.node, number=f"x{i}", address=f"和平路{90 + i}号",
                                 category="key")
    services.schedule_generate(under=None, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    many, rows_many = queries()
    assert rows_many >= rows_few + 6
    assert many == few
