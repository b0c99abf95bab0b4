"""The 督办 board: the matter's title, filters by state and level, pagination links (issue 10, item 14)."""

from __future__ import annotations

import datetime as dt

import pytest
from factories import file_matter

from yizuyihui.cases import services as s

pytestmark = pytest.mark.django_db


def test_the_board_shows_titles_filters_and_pages(cast, login):
    for i in range(32):
        file_matter(cast, title=f"井盖松动{i}")
    s.sweep_overdue(now=dt.datetime.now(dt.UTC) + dt.timedelta(days=30))
    client = login("street_official")
    html = client.get("/supervision/").content.decode()
    assert "井盖松动" in html and 'data-testid="filters"' in html and "page=2" in html
    assert "state=open&amp;page=2" in client.get("/supervision/?state=open").content.decode() or \
        "state=open&page=2" in client.get("/supervision/?state=open").content.decode()
    assert "井盖松动" not in client.get("/supervision/?level=street").content.decode()
    assert "井盖松动" in client.get("/supervision/?level=community").content.decode()
