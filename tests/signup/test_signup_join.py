"""Residents join themselves: an SMS code, then the register by ID number or the grid worker."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import override_settings

from yizuyihui.accounts.models import SmsCode
from yizuyihui.core.errors import ServiceError
from yizuyihui.demo.names import make_id_number
from yizuyihui.notifications.models import Notification
from yizuyihui.people.models import Person, Post, Role
from yizuyihui.people.services import household_create, person_create
from yizuyihui.signup import services
from yizuyihui.signup.models import JoinRequest, JoinStatus

PHONE = "13912345678"
NEW_ID = make_id_number(300)  # on nobody's register


@pytest.fixture
def on_register(cast):
    """A resident of unit A on the register (imported), without an account."""
    household = household_create(unit=cast.unit_a, address="幸福一网格20号")
    return person_create(name="王小梅", gender="F", node=cast.unit_a.node, household=household,
                         id_number=make_id_number(200), phone="")


def _counts():
    return (get_user_model().objects.count(), Person.objects.count(), JoinRequest.objects.count(), Post.objects.count())


def _send(client, phone=PHONE, ip="10.0.0.1"):
    return client.post("/join/", {"action": "send", "phone": phone}, REMOTE_ADDR=ip)


def _join(client, code, *, phone=PHONE, name="王小梅", id_number=None):
    return client.post("/join/", {"action": "join", "sent": "1", "phone": phone, "code": code, "name": name,
                                  "id_number": id_number or make_id_number(200)})


# --- codes -------------------------------------------------------------------------------------------

def test_a_code_is_texted_and_stored_only_as_hashes(cast, client, last_code):
    assert _send(client).status_code == 200
    code = last_code(PHONE)
    row = SmsCode.objects.get()
    assert PHONE not in row.phone_hash and code not in row.digest and len(row.digest) == 64


def test_a_resident_on_the_register_signs_up_and_is_matched_by_id_number(on_register, client, last_code):
    _send(client)
    response = _join(client, last_code(PHONE))
    assert response.status_code == 302 and response.url == "/"
    on_register.refresh_from_db()
    user = on_register.user
    assert user is not None and not user.has_usable_password()
    assert on_register.phone == PHONE  # the number just proved is kept on the register
    join = JoinRequest.objects.get(user=user)
    assert join.status == JoinStatus.MATCHED and join.unit == on_register.household.unit
    assert Post.objects.filter(user=user, role=Role.RESIDENT, node=on_register.node).exists()
    assert client.get("/").context["user"] == user  # logged in


def test_a_matched_resident_can_file_and_rate(on_register, client, last_code, cast):
    from yizuyihui.cases import services as s
    from yizuyihui.cases.models import Case, CaseStatus

    _send(client)
    _join(client, last_code(PHONE))
    response = client.post("/cases/new/", {"title": "楼下垃圾没人清", "description": "两天了"})
    assert response.status_code == 302
    case = Case.objects.get(title="楼下垃圾没人清")
    on_register.refresh_from_db()
    assert case.unit == cast.unit_a and case.filed_by == on_register.user
    u = cast.users
    s.case_receive(case=case, actor=u["unit_leader"])
    s.case_dispatch(case=case, actor=u["unit_leader"], handlers=[u["grid_worker"]])
    s.case_claim(case=case, actor=u["grid_worker"])
    s.case_resolve(case=case, actor=u["grid_worker"], result="已清运")
    s.case_feed_back(case=case, actor=u["council_member"], feedback="已清运")
    response = client.post(f"/cases/{case.pk}/act/rate/", {"rating": "satisfied"})
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.rating == "satisfied", response.status_code


def test_a_resident_whose_register_entry_has_this_number_is_matched_at_once(on_register, client, last_code):
    on_register.phone = PHONE
    on_register.save()
    _send(client)
    assert _join(client, last_code(PHONE)).url == "/"
    assert JoinRequest.objects.get().status == JoinStatus.MATCHED


def test_another_number_on_the_register_needs_the_grid_worker_and_links_the_register_entry(on_register, client,
                                                                                          last_code, cast, login):
    on_register.phone = "13800009999"
    on_register.save()
    _send(client)
    response = _join(client, last_code(PHONE))
    assert response.status_code == 302 and response.url == "/join/status/"
    join = JoinRequest.objects.get()
    on_register.refresh_from_db()
    assert join.status == JoinStatus.PENDING and join.unit == cast.unit_a and on_register.user is None
    assert client.get("/cases/new/").status_code == 403  # not yet
    assert Notification.objects.filter(user=cast.users["grid_worker"], url=f"/join/review/{join.pk}/").exists()
    login("grid_worker").post(f"/join/review/{join.pk}/", {"action": "confirm"})
    on_register.refresh_from_db()
    assert on_register.user == join.user and on_register.phone == PHONE
    assert Person.objects.filter(name="王小梅").count() == 1  # linked, not duplicated
    assert on_register.household.address == "幸福一网格20号"  # kept


@pytest.mark.parametrize("wrong", ["000000", "12345", "abcdef", ""])
def test_a_wrong_code_creates_nothing(on_register, client, last_code, wrong):
    _send(client)
    right = last_code(PHONE)
    before = _counts()
    response = _join(client, wrong if wrong != right else "999999")
    assert response.status_code == 400
    assert _counts() == before
    assert Person.objects.get(pk=on_register.pk).user_id is None


def test_an_expired_code_creates_nothing(on_register, client, last_code):
    with time_machine.travel(dt.datetime(2026, 3, 2, 4, 0, tzinfo=dt.UTC), tick=False) as clock:
        _send(client)
        code = last_code(PHONE)
        before = _counts()
        clock.shift(dt.timedelta(minutes=5, seconds=1))
        response = _join(client, code)
    assert response.status_code == 400 and "过期" in response.content.decode()
    assert _counts() == before


def test_a_code_still_works_just_before_it_expires(on_register, client, last_code):
    with time_machine.travel(dt.datetime(2026, 3, 2, 4, 0, tzinfo=dt.UTC), tick=False) as clock:
        _send(client)
        clock.shift(dt.timedelta(minutes=4, seconds=59))
        assert _join(client, last_code(PHONE)).status_code == 302


def test_a_code_is_used_once(on_register, client, last_code, cast):
    _send(client)
    code = last_code(PHONE)
    assert _join(client, code).status_code == 302
    client.logout()
    before = _counts()
    # the same code again (for another ID number): refused, nothing created
    response = _join(client, code, id_number=NEW_ID, name="李四")
    assert response.status_code == 400
    assert _counts() == before


def test_five_wrong_tries_kill_the_code(on_register, client, last_code):
    _send(client)
    code = last_code(PHONE)
    for _ in range(5):
        _join(client, "000000" if code != "000000" else "111111")
    assert _join(client, code).status_code == 400  # even the right one now
    assert Person.objects.get(pk=on_register.pk).user_id is None


def test_a_new_code_replaces_the_old_one(on_register, client, last_code):
    with override_settings(YZYH_SMS_RESEND_SECONDS=0):
        _send(client)
        first = last_code(PHONE)
        _send(client)
        second = last_code(PHONE)
    if first != second:
        assert _join(client, first).status_code == 400
    assert _join(client, second).status_code == 302


def test_a_code_for_logging_in_does_not_sign_up(on_register, client, cast, last_code):
    from yizuyihui.accounts.smscodes import sms_code_send

    sms_code_send(phone=PHONE, purpose="login", ip="10.0.0.9")
    before = _counts()
    assert _join(client, last_code(PHONE)).status_code == 400
    assert _counts() == before


# --- rate limits -------------------------------------------------------------------------------------

def test_a_number_gets_one_code_a_minute(cast, client):
    with time_machine.travel(dt.datetime(2026, 3, 2, 4, 0, tzinfo=dt.UTC), tick=False) as clock:
        assert _send(client).status_code == 200
        response = _send(client)
        assert response.status_code == 429 and "秒后" in response.content.decode()
        clock.shift(dt.timedelta(seconds=61))
        assert _send(client).status_code == 200
    assert SmsCode.objects.count() == 2


@override_settings(YZYH_SMS_RESEND_SECONDS=0, YZYH_SMS_PER_NUMBER_HOURLY=3)
def test_a_number_gets_a_limited_number_of_codes_an_hour_from_any_ip(cast, client):
    from yizuyihui.core.sms import MemorySMSBackend

    with time_machine.travel(dt.datetime(2026, 3, 2, 4, 0, tzinfo=dt.UTC), tick=False) as clock:
        for i in range(3):
            assert _send(client, ip=f"10.0.1.{i}").status_code == 200
        response = _send(client, ip="10.0.1.99")
        assert response.status_code == 429 and "该手机号" in response.content.decode()
        assert len(MemorySMSBackend.outbox) == 3
        clock.shift(dt.timedelta(hours=1))
        assert _send(client, ip="10.0.1.99").status_code == 200


@override_settings(YZYH_SMS_PER_IP_HOURLY=4)
def test_an_ip_gets_a_limited_number_of_codes_an_hour_across_numbers(cast, client):
    from yizuyihui.core.sms import MemorySMSBackend

    with time_machine.travel(dt.datetime(2026, 3, 2, 4, 0, tzinfo=dt.UTC), tick=False):
        for i in range(4):
            assert _send(client, phone=f"1390000000{i}", ip="10.0.2.1").status_code == 200
        response = _send(client, phone="13900000009", ip="10.0.2.1")
        assert response.status_code == 429 and "网络" in response.content.decode()
        assert _send(client, phone="13900000009", ip="10.0.2.2").status_code == 200  # another network
    assert len(MemorySMSBackend.outbox) == 5


# --- numbers -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("phone", ["1391234567", "139123456789", "23912345678", "12012345678", "1391234567a", "",
                                   "010-12345678"])
def test_a_phone_number_not_in_format_is_refused_and_texts_nothing(cast, client, phone):
    from yizuyihui.core.sms import MemorySMSBackend

    response = _send(client, phone=phone)
    assert response.status_code == 400
    assert not MemorySMSBackend.outbox and not SmsCode.objects.exists()


@pytest.mark.parametrize("typed", ["139 1234 5678", "139-1234-5678", "+86 13912345678", "8613912345678"])
def test_a_phone_number_typed_with_spaces_or_country_code_is_accepted(cast, client, typed, last_code):
    assert _send(client, phone=typed).status_code == 200
    assert last_code(PHONE)


def test_an_already_registered_number_gets_no_code(cast, client):
    from yizuyihui.core.sms import MemorySMSBackend

    taken = cast.residents["resident"].phone  # the cast's resident has an account
    response = _send(client, phone=taken)
    assert response.status_code == 400 and "已注册" in response.content.decode()
    assert not MemorySMSBackend.outbox and not SmsCode.objects.exists()


def test_an_id_number_that_already_has_an_account_is_refused(cast, client, last_code):
    before = _counts()
    _send(client)
    response = _join(client, last_code(PHONE), name="resident", id_number=cast.residents["resident"].id_number)
    assert response.status_code == 400
    assert _counts() == before


def test_a_name_that_does_not_agree_with_the_register_is_refused(on_register, client, last_code):
    before = _counts()
    _send(client)
    assert _join(client, last_code(PHONE), name="王大梅").status_code == 400
    assert _counts() == before


def test_an_invalid_id_number_is_refused_before_the_code_is_spent(on_register, client, last_code):
    _send(client)
    code = last_code(PHONE)
    assert _join(client, code, id_number="110101199001011235").status_code == 400  # bad check digit
    assert _join(client, code).status_code == 302  # the code still works


# --- not on the register: the grid worker confirms ------------------------------------------------------

def _unmatched(client, last_code, cast, phone=PHONE):
    _send(client, phone=phone)
    response = _join(client, last_code(phone), phone=phone, name="赵新来", id_number=NEW_ID)
    assert response.status_code == 302 and response.url == "/join/unit/"
    join = JoinRequest.objects.filter(name="赵新来").latest("pk")
    assert join.status == JoinStatus.CHOOSING and join.person is None
    assert client.post("/join/unit/", {"unit": cast.unit_a.pk}).status_code == 302
    join.refresh_from_db()
    return join


def test_an_unmatched_resident_cannot_file_until_confirmed(cast, client, last_code):
    join = _unmatched(client, last_code, cast)
    assert join.status == JoinStatus.PENDING and join.unit == cast.unit_a
    assert Person.objects.filter(name="赵新来").count() == 0
    assert client.get("/cases/new/").status_code == 403
    assert "赵新来" in client.get("/join/status/").content.decode()


def test_the_grid_worker_is_told_and_confirms_from_the_worklist(cast, client, last_code, login):
    join = _unmatched(client, last_code, cast)
    note = Notification.objects.get(user=cast.users["grid_worker"])
    assert note.url == f"/join/review/{join.pk}/" and NEW_ID not in note.body and PHONE not in note.body
    assert not Notification.objects.filter(user=cast.users["unit_leader"]).exists()  # the grid worker is there
    resident = client
    from django.test import Client

    worker = Client()
    worker.force_login(cast.users["grid_worker"])
    page = worker.get("/cases/")
    assert page.status_code == 200 and 'id="join"' in page.content.decode() and "赵新来" in page.content.decode()
    response = worker.post(f"/join/review/{join.pk}/", {"action": "confirm", "next": "/cases/#join"})
    assert response.status_code == 302 and response.url == "/cases/#join"
    join.refresh_from_db()
    person = join.person
    assert join.status == JoinStatus.CONFIRMED and join.decided_by == cast.users["grid_worker"]
    assert person.node == cast.unit_a.node and person.id_number == NEW_ID and person.phone == PHONE
    assert person.user == join.user and person.gender == ("M" if int(NEW_ID[16]) % 2 else "F")
    assert Notification.objects.filter(user=join.user).exists()
    # now the resident files
    assert resident.post("/cases/new/", {"title": "门口井盖松动"}).status_code == 302
    assert 'id="join"' not in worker.get("/cases/").content.decode()  # nothing left to decide


def test_the_grid_worker_may_put_the_resident_in_a_household(cast, client, last_code, login):
    join = _unmatched(client, last_code, cast)
    household = household_create(unit=cast.unit_a, address="幸福一网格30号")
    worker = login("grid_worker")
    worker.post(f"/join/review/{join.pk}/", {"action": "confirm", "household": household.pk})
    household.refresh_from_db()
    assert Person.objects.get(name="赵新来").household == household and household.size == 1


def test_the_grid_worker_turns_a_request_down_and_the_resident_is_texted_why(cast, client, last_code, login,
                                                                           django_capture_on_commit_callbacks):
    from yizuyihui.core.sms import MemorySMSBackend

    join = _unmatched(client, last_code, cast)
    worker = login("grid_worker")
    assert worker.post(f"/join/review/{join.pk}/", {"action": "reject", "reason": ""}).status_code == 400
    MemorySMSBackend.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = worker.post(f"/join/review/{join.pk}/", {"action": "reject", "reason": "不住本网格"})
    assert response.status_code == 302
    join.refresh_from_db()
    assert join.status == JoinStatus.REJECTED and not join.user.is_active
    assert not Person.objects.filter(name="赵新来").exists()
    assert any("不住本网格" in text for to, text in MemorySMSBackend.outbox if to == PHONE)


@pytest.mark.parametrize("persona,allowed", [("grid_worker", True), ("unit_leader", True), ("community_cadre", True),
                                             ("council_member", False), ("building_head", False),
                                             ("street_official", False), ("outsider", False), ("resident", False)])
def test_only_the_grid_worker_unit_leader_or_community_cadre_decide(cast, client, last_code, persona, allowed):
    join = _unmatched(client, last_code, cast)
    from django.test import Client

    other = Client()
    other.force_login(cast.users[persona])
    from yizuyihui.audit.models import AuditAction, AuditEvent

    assert (other.get(f"/join/review/{join.pk}/").status_code == 200) is allowed
    # the full numbers shown are recorded; a refused look shows and records nothing
    assert AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_SHOWN, object_id=str(join.pk),
                                     actor_id=cast.users[persona].pk).exists() is allowed
    response = other.post(f"/join/review/{join.pk}/", {"action": "confirm"})
    join.refresh_from_db()
    assert (join.status == JoinStatus.CONFIRMED) is allowed
    if not allowed:
        assert response.status_code == 403 and not Person.objects.filter(name="赵新来").exists()


def test_a_decided_request_cannot_be_decided_again(cast, client, last_code):
    join = _unmatched(client, last_code, cast)
    services.join_request_confirm(join_request=join, actor=cast.users["grid_worker"])
    with pytest.raises(ServiceError):
        services.join_request_confirm(join_request=join, actor=cast.users["unit_leader"])
    with pytest.raises(ServiceError):
        services.join_request_reject(join_request=join, actor=cast.users["unit_leader"], reason="x")
    assert Person.objects.filter(name="赵新来").count() == 1


def test_without_a_grid_worker_the_unit_leader_then_the_community_cadre_is_told(cast, client, last_code):
    Post.objects.filter(role=Role.GRID_WORKER).update(active=False)
    join = _unmatched(client, last_code, cast)
    assert Notification.objects.filter(user=cast.users["unit_leader"], url=f"/join/review/{join.pk}/").exists()
    assert services.reviewers_for(cast.unit_b) == [cast.users["community_cadre"]]


def test_a_waiting_number_and_id_number_cannot_sign_up_twice(cast, client, last_code):
    _unmatched(client, last_code, cast)
    client.logout()
    assert _send(client).status_code == 400  # the number waits already
    with override_settings(YZYH_SMS_RESEND_SECONDS=0):
        _send(client, phone="13700000001")
    before = _counts()
    response = _join(client, last_code("13700000001"), phone="13700000001", name="赵新来", id_number=NEW_ID)
    assert response.status_code == 400 and _counts() == before


def test_the_unit_page_walks_down_the_tree_to_the_units(cast, client, last_code):
    _send(client)
    _join(client, last_code(PHONE), name="赵新来", id_number=NEW_ID)
    page = client.get("/join/unit/").content.decode()
    assert "东区" in page and "北县" in page  # one city: starts at its districts
    page = client.get(f"/join/unit/?node={cast.community.pk}").content.decode()
    assert cast.unit_a.name in page and cast.unit_b.name in page and 'name="unit"' in page


def test_only_the_applicant_sees_the_unit_page(cast, login):
    assert login("resident").get("/join/unit/").status_code == 403
