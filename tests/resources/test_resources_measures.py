"""The dashboard's resources panel figures (selectors.measures): needs matched and time to match."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yizuyihui.resources import selectors, services


@pytest.mark.django_db
def test_needs_matched_and_hours_to_match(cast):
    now = timezone.now()
    needs = [services.need_create(unit=cast.unit_a, actor=cast.users["unit_leader"], service_type="elder_care",
                                  title=f"陪老人就医 {i}") for i in range(3)]
    for need, hours in zip(needs[:2], (2, 5), strict=True):  # matched after 2 h and 5 h; the third waits
        type(need).objects.filter(pk=need.pk).update(created_at=now - dt.timedelta(hours=10),
                                                     matched_at=now - dt.timedelta(hours=10 - hours))
    window = {"start": now - dt.timedelta(days=1), "end": now + dt.timedelta(days=1)}
    m = selectors.measures(path=cast.street.path, **window)
    assert (m.needs, m.needs_matched, m.hours_to_match) == (3, 2, pytest.approx(3.5))
    other = selectors.measures(path=cast.unit_b.node.path, **window)
    assert (other.needs, other.needs_matched, other.hours_to_match) == (0, 0, None)
