"""Notification bodies name people by their name and post, never by login name (issue 10, item 4).
The demo cast names persons after their logins: the test renames them first."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from yizuyihui.notifications.models import Notification
from yizuyihui.people.models import Person
from yizuyihui.visits import services
from yizuyihui.visits.models import EventType

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 5, 6, 10, 0, tzinfo=dt.UTC)


def test_a_missed_duty_notice_names_the_person_and_post_not_the_login(cast, login):
    Person.objects.filter(pk=cast.residents["unit_leader"].pk).update(name="王组长")
    services.event_register(unit=cast.unit_a, event_type=EventType.PUBLIC_SECURITY, actor=None, description="x", at=NOW)
    assert services.duty_sweep(now=NOW + dt.timedelta(hours=3)) >= 1
    notices = Notification.objects.filter(user=cast.users["community_cadre"], subject__contains="督办")
    bodies = [n.body for n in notices]
    mine = [b for b in bodies if "王组长" in b]
    assert mine, bodies
    assert "王组长 · " in mine[0] and cast.unit_a.name in mine[0]  # name · post · where
    assert not any("unit_leader" in b for b in bodies), bodies
    # And the inbox shows them so.
    inbox = login("community_cadre").get(reverse("notifications:inbox")).content.decode()
    assert "王组长" in inbox and "unit_leader" not in inbox
