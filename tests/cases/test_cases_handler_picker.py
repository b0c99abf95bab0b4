"""The handler picker (issue 10, item 12): search as you type, and the people ticked before a search
stay ticked across searches (chips above the results)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from factories import file_matter

from yizuyihui.cases import services as s

pytestmark = pytest.mark.django_db


def _search(login, case, **params):
    client = login("unit_leader")
    return client.get(reverse("cases:handler_search", args=[case.pk]), params, HTTP_ACCEPT_LANGUAGE="zh-hans")


def test_a_new_search_keeps_the_people_ticked_before_it(cast, login):
    case = file_matter(cast)
    s.case_receive(case=case, actor=cast.users["grid_worker"])
    head, worker = cast.users["building_head"], cast.users["grid_worker"]
    html = _search(login, case, q="grid", handlers=[head.pk]).content.decode()
    chosen, results = html.split('data-testid="picker-chosen"')[1].split("picker-group")[0], html.split("picker-group", 1)[1]
    assert f'value="{head.pk}" checked' in chosen
    assert f'value="{worker.pk}"' in results and f'value="{head.pk}"' not in results  # not listed twice


def test_a_ticked_person_the_matter_cannot_go_to_is_dropped(cast, login):
    case = file_matter(cast)
    s.case_receive(case=case, actor=cast.users["grid_worker"])
    outsider = cast.users["resident"]
    html = _search(login, case, q="grid", handlers=[outsider.pk, "x"]).content.decode()
    assert "picker-chosen" not in html and f'value="{outsider.pk}"' not in html
