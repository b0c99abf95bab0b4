"""Likely duplicates while filing: the htmx panel on the filing pages, and attaching to a matter."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from yizuyihui.cases.services import case_file, case_return
from yizuyihui.core.dates import day_text
from yizuyihui.triage.models import CaseSupport

ORIGINAL_TITLE = "景蓉华苑小区业委会未开业主大会就定高昂停车收费"
ORIGINAL_BODY = "物业公司要退出，业委会未开业主大会就制定高昂停车收费方案，投票由物业组织，不公开公正。联系电话13912345678"
REWORDED_TITLE = "景蓉华苑停车收费太高"
REWORDED_BODY = "景蓉华苑小区的业委会没有召开业主大会，就定了很高的停车收费方案，还让物业公司组织投票，很不公平。"
PLACE = "幸福一网格10号3单元"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def _file(c, unit, actor, title=ORIGINAL_TITLE, body=ORIGINAL_BODY, **kw):
    return case_file(unit=unit, actor=c.users[actor], title=title, description=body, channel="web", place=PLACE,
                     suggest=False, **kw)


def _panel(client, **params):
    return client.post(reverse("triage:duplicates"), params, HTTP_HX_REQUEST="true")


def test_reworded_duplicate_in_the_same_unit_is_suggested(cast, login):
    same = _file(cast, cast.unit_a, "resident")
    other = _file(cast, cast.unit_b, "community_cadre")  # the same text, another unit
    unrelated = _file(cast, cast.unit_a, "resident", title="井盖缺失", body="幸福路口的井盖丢了，夜里很危险")
    r = _panel(login("resident"), title=REWORDED_TITLE, description=REWORDED_BODY)
    assert r.status_code == 200
    html = r.content.decode()
    assert f'id="dup-{same.pk}"' in html
    assert f"dup-{other.pk}" not in html
    assert f"dup-{unrelated.pk}" not in html
    assert reverse("triage:support", args=[same.pk]) in html


def test_staff_search_the_unit_they_file_for(cast, login):
    in_a = _file(cast, cast.unit_a, "resident")
    in_b = _file(cast, cast.unit_b, "community_cadre")
    html = _panel(login("community_cadre"), unit=cast.unit_b.pk, title=REWORDED_TITLE,
                  description=REWORDED_BODY).content.decode()
    assert f'id="dup-{in_b.pk}"' in html and f"dup-{in_a.pk}" not in html
    assert reverse("cases:detail", args=[in_b.pk]) in html  # staff may open it (and merge there)


def test_other_units_are_refused(cast, login):
    _file(cast, cast.unit_d, "outsider")
    client = login("resident")
    assert _panel(client, unit=cast.unit_d.pk, title=REWORDED_TITLE).status_code == 403
    assert _panel(client, unit=cast.unit_b.pk, title=REWORDED_TITLE).status_code == 403  # not the resident's unit
    assert _panel(login("outsider"), unit=cast.unit_a.pk, title=REWORDED_TITLE).status_code == 403


def test_only_open_matters_are_suggested(cast, login):
    case = _file(cast, cast.unit_a, "resident")
    case_return(case=case, actor=cast.users["unit_leader"], reason="不属于本组")
    html = _panel(login("resident"), title=REWORDED_TITLE, description=REWORDED_BODY).content.decode()
    assert f"dup-{case.pk}" not in html


def test_panel_shows_no_personal_data(cast, login):
    person = cast.residents["resident"]
    person.name = "张秀兰"
    person.save(update_fields=["name"])
    case = _file(cast, cast.unit_a, "resident", reporter=person)
    for persona in ("resident", "building_head"):
        html = _panel(login(persona), title=REWORDED_TITLE, description=REWORDED_BODY).content.decode()
        assert f'id="dup-{case.pk}"' in html
        assert ORIGINAL_TITLE in html and day_text(case.filed_at) in html
        for secret in (person.name, person.phone, person.id_number, PLACE, "13912345678", "物业公司要退出",
                       person.household.address):
            assert secret not in html, secret


def test_short_or_empty_text_shows_nothing(cast, login):
    _file(cast, cast.unit_a, "resident")
    r = _panel(login("resident"), title="灯")
    assert r.status_code == 200 and b"dup-" not in r.content


def test_filing_pages_ask_for_duplicates_with_htmx(cast, login):
    for persona, url in (("resident", reverse("cases:resident_file")), ("grid_worker", reverse("cases:staff_file"))):
        html = login(persona).get(url).content.decode()
        assert f'hx-post="{reverse("triage:duplicates")}"' in html
        # keyup as typed; input too, for phone keyboards and Chinese input methods (no key events)
        assert 'hx-trigger="keyup changed delay:600ms, input changed delay:600ms"' in html
        assert 'id="duplicates"' in html
        assert "<script>" not in html  # CSP: no inline script, htmx does the work


def test_resident_follows_an_existing_matter(cast, login):
    case = _file(cast, cast.unit_a, "grid_worker")
    client = login("resident")
    url = reverse("triage:support", args=[case.pk])
    r = client.post(url, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and f'id="dup-{case.pk}"' in r.content.decode()
    assert client.post(url, HTTP_HX_REQUEST="true").status_code == 200  # a double click
    rows = list(CaseSupport.objects.filter(case=case))
    assert len(rows) == 1 and rows[0].person == cast.residents["resident"] and rows[0].user == cast.users["resident"]
    html = _panel(client, title=REWORDED_TITLE, description=REWORDED_BODY).content.decode()
    assert f"support/{case.pk}/" not in html  # already followed: no button
    # without htmx: back to the unit's public board
    other = _file(cast, cast.unit_a, "grid_worker", title="井盖缺失", body="夜里很危险")
    r = client.post(reverse("triage:support", args=[other.pk]))
    assert r.status_code == 302 and r["Location"] == reverse("cases:public_board", args=[cast.unit_a.pk])


def test_staff_record_support_for_the_resident_by_phone(cast, login):
    case = _file(cast, cast.unit_a, "resident")
    person = cast.residents["council_member"]
    client = login("grid_worker")
    r = client.post(reverse("triage:support", args=[case.pk]), {"reporter_phone": person.phone}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    assert CaseSupport.objects.get(case=case).person == person
    client.post(reverse("triage:support", args=[case.pk]), {"reporter_phone": ""}, HTTP_HX_REQUEST="true")
    assert CaseSupport.objects.filter(case=case, person__isnull=True, user=cast.users["grid_worker"]).count() == 1


def test_support_is_refused_outside_the_unit_and_for_closed_matters(cast, login):
    case = _file(cast, cast.unit_a, "resident")
    assert login("outsider").post(reverse("triage:support", args=[case.pk]), HTTP_HX_REQUEST="true").status_code == 403
    case_return(case=case, actor=cast.users["unit_leader"], reason="重复")
    r = login("resident").post(reverse("triage:support", args=[case.pk]), HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and not CaseSupport.objects.exists()
