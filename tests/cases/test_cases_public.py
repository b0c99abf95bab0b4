"""The one public-data policy (core/public.py) as Open311, the public board and SMS apply it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from yizuyihui.cases.models import Category
from yizuyihui.cases.public import is_confidential, public_summary
from yizuyihui.cases.services import case_file
from yizuyihui.core.public import mask_text
from yizuyihui.core.sms import MemorySMSBackend, send_sms

PHONE = "13812345678"
LANDLINE = "0551-12345678"
ID_X = "34010419900101123X"
ID_DIGITS = "110101199003077777"
HOME = "幸福小区12号楼3单元501室"


@pytest.mark.parametrize("text, secret", [
    (f"请联系我{PHONE}，谢谢", PHONE),
    ("电话 138 1234 5678 白天打", "1381234"),
    ("+86-13812345678", "12345678"),
    (f"座机{LANDLINE}找王阿姨", "12345678"),
    ("座机(0551)12345678", "12345678"),
    (f"身份证{ID_X}的老人", "19900101"),
    (f"身份证号 {ID_DIGITS.lower()}", "19900307"),
    ("旧证号110101900307777", "900307"),
])
def test_mask_text_hides_every_number_people_type(text, secret):
    masked = mask_text(text)
    assert secret not in masked.replace(" ", "").replace("-", "") and secret not in masked
    assert "*" in masked


def test_mask_text_keeps_ordinary_numbers_and_words():
    assert mask_text("3号楼的路灯坏了2天，影响50户") == "3号楼的路灯坏了2天，影响50户"
    assert mask_text("") == ""


@pytest.mark.django_db
def test_public_summary_drops_numbers_doors_and_the_reporters_address(cast):
    case = case_file(unit=cast.unit_a, actor=cast.users["resident"], title=f"{HOME}门口积水，联系{PHONE}",
                     description="", channel="web", place=HOME, suggest=False)
    summary = public_summary(case)
    assert PHONE not in summary and HOME not in summary and "501" not in summary and "积水" in summary


def _confidential_category(name="邻里纠纷"):
    top = Category.objects.get_or_create(code="X", defaults={"name": "社会矛盾", "level": 1})[0]
    return Category.objects.create(code=f"X.{name}", name=name, parent=top, level=2)


@pytest.mark.django_db
@pytest.mark.parametrize("title", ["邻里纠纷：楼上漏水", "群体利益冲突：拆迁补偿", "两家因宅基地边界争执"])
def test_disputes_are_confidential(cast, title):
    case = case_file(unit=cast.unit_a, actor=cast.users["grid_worker"], title=title, description="",
                     channel="visit", category=_confidential_category(), suggest=False)
    assert is_confidential(case)


@pytest.mark.django_db
def test_matters_from_dispute_events_are_confidential_whatever_their_title(cast):
    from yizuyihui.visits.services import event_register

    event = event_register(unit=cast.unit_a, actor=cast.users["grid_worker"], event_type="neighbour_dispute",
                           description="两户吵架", place="", file_matter=True)
    from yizuyihui.cases.models import Case

    case = Case.objects.get(pk=event.case_id)
    case.title = "漏水"  # even retitled
    assert is_confidential(case)


def _open311(client, **params):
    return client.get(reverse("open311:requests", args=["json"]), params)


@pytest.mark.django_db
def test_open311_publishes_only_the_public_view(cast, client):
    ordinary = case_file(unit=cast.unit_a, actor=cast.users["resident"], title=f"路灯坏了，电话{PHONE}",
                         description=f"我家在{HOME}，身份证{ID_X}，座机{LANDLINE}", channel="web", place=HOME,
                         suggest=False)
    dispute = case_file(unit=cast.unit_a, actor=cast.users["grid_worker"], title="邻里纠纷：楼上楼下漏水",
                        description=f"张三{PHONE}", channel="visit", suggest=False)
    group = case_file(unit=cast.unit_a, actor=cast.users["grid_worker"], title="拆迁补偿",
                      description="", channel="visit", category=_confidential_category("群体利益冲突"), suggest=False)
    ids = f"{ordinary.pk},{dispute.pk},{group.pk}"
    for fmt in ("json", "xml"):
        body = client.get(reverse("open311:requests", args=[fmt]), {"service_request_id": ids}).content.decode()
        for secret in (PHONE, "12345678", HOME, "501", "19900101", "张三", "漏水", "拆迁"):
            assert secret not in body, (fmt, secret)
    rows = _open311(client, service_request_id=ids).json()
    assert [r["service_request_id"] for r in rows] == [ordinary.pk]
    assert rows[0]["address"] == cast.unit_a.name and "路灯坏了" in rows[0]["description"]
    assert client.get(reverse("open311:request_detail", args=[dispute.pk, "json"])).status_code == 404
    listed = {r["service_request_id"] for r in _open311(client).json()}
    assert ordinary.pk in listed and dispute.pk not in listed and group.pk not in listed


@pytest.mark.django_db
def test_the_reporters_home_address_is_hidden_in_every_list(cast, client, login):
    """The reporter's household address typed into a title (no place given) is hidden on the Open311
    list, one matter's record and the unit's board alike — the lists read it per page, not per matter."""
    home = cast.residents["resident"].household.address
    case = case_file(unit=cast.unit_a, actor=cast.users["resident"], title=f"{home}楼道灯坏了",
                     description="", channel="web", suggest=False)
    bodies = [_open311(client).content.decode(),
              client.get(reverse("open311:request_detail", args=[case.pk, "json"])).content.decode(),
              login("resident").get(reverse("cases:public_board", args=[cast.unit_a.pk])).content.decode()]
    for body in bodies:
        assert "楼道灯坏了" in body and home not in body and "地址已隐去" in body


@pytest.mark.django_db
def test_the_public_board_applies_the_same_policy(cast, login):
    ordinary = case_file(unit=cast.unit_a, actor=cast.users["resident"], title=f"路灯坏了，电话{PHONE}",
                         description="", channel="web", place=HOME, suggest=False)
    case_file(unit=cast.unit_a, actor=cast.users["grid_worker"], title="邻里纠纷：楼上楼下漏水",
              description="", channel="visit", suggest=False)
    html = login("resident").get(reverse("cases:public_board", args=[cast.unit_a.pk])).content.decode()
    assert "路灯坏了" in html and PHONE not in html and "漏水" not in html
    assert ordinary.title not in html


def test_sms_bodies_are_masked(settings):
    settings.YZYH_SMS_BACKEND = "yizuyihui.core.sms.MemorySMSBackend"
    MemorySMSBackend.outbox.clear()
    send_sms(phone=PHONE, text=f"您的事项已受理，经办人电话{LANDLINE}，对方身份证{ID_X}")
    phone, text = MemorySMSBackend.outbox[-1]
    assert phone == PHONE and "12345678" not in text and "19900101" not in text


@pytest.mark.django_db
def test_the_open311_list_reads_a_page_of_matters_in_a_fixed_number_of_queries(cast, client,
                                                                               django_assert_max_num_queries):
    """The list loads only the columns the policy reads (public.PUBLIC_FIELDS): a column it
    reads but did not load would cost a query per matter."""
    from yizuyihui.visits.services import event_register

    leaf = Category.objects.create(code="Y.1.1", name="路灯", level=3, parent=Category.objects.create(
        code="Y.1", name="照明", level=2, parent=Category.objects.create(code="Y", name="市政", level=1)))

    def file(n):
        for i in range(n):
            case_file(unit=cast.unit_a, actor=cast.users["resident"], title=f"路灯坏了 {i}", description="",
                      channel="web", place=HOME, category=leaf, suggest=False)
        event_register(unit=cast.unit_a, actor=cast.users["grid_worker"], event_type="community_emergency",
                       description="路面塌陷", place="", file_matter=True)

    file(1)
    with django_assert_max_num_queries(50) as few:
        rows = _open311(client).json()
    assert len(rows) >= 2
    file(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        rows = _open311(client).json()
    assert len(rows) >= 8 and all(r["service_name"] == "路灯" and r["service_code"] == "Y" for r in rows
                                  if r["description"].startswith("路灯坏了"))
    assert {"status_notes", "requested_datetime", "updated_datetime", "expected_datetime"} <= set(rows[0])


@pytest.mark.django_db
def test_the_board_rows_read_the_result_cut_to_80_characters_the_rating_in_words_and_the_day(cast, login,
                                                                                            time_machine):
    """The board's rows are made in the view (cases.views._board_rows): the same words as before —
    the result cut at 80 characters, the rating's label, the filing day — for residents and staff."""
    from yizuyihui.cases import services as s

    time_machine.move_to(dt.datetime(2026, 5, 6, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False)
    long_result = "已联系物业更换楼道灯泡，并检查了同一单元其余楼层的照明线路，" * 4
    case = case_file(unit=cast.unit_a, actor=cast.users["resident"], title="楼道灯坏了", description="",
                     channel="web", suggest=False)
    s.case_resolve_on_spot(case=case, actor=cast.users["building_head"], note=long_result)
    s.case_feed_back(case=case, actor=cast.users["unit_leader"], feedback="已修好")
    s.case_rate(case=case, actor=cast.users["resident"], rating="satisfied")
    for persona in ("resident", "grid_worker", "street_official"):
        html = login(persona).get(reverse("cases:public_board", args=[cast.unit_a.pk])).content.decode()
        cell = re.search(r'data-label="办理结果">(.*?) <span', html).group(1)
        assert cell.startswith(long_result[:70]) and len(cell) <= 80 and long_result not in html, (persona, cell)
        assert '<span class="badge ok">满意</span>' in html and "satisfied" not in html
        assert 'data-label="已填单">05-06<' in html  # the filing day, in this year: no year shown
    assert login("outsider").get(reverse("cases:public_board", args=[cast.unit_a.pk])).status_code == 403
