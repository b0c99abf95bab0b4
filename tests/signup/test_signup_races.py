"""One code, many requests at the same moment: it is accepted once (PostgreSQL row locks)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from yizuyihui.accounts.smscodes import sms_code_check, sms_code_send
from yizuyihui.signup.models import JoinRequest

PHONE = "13912345678"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_code_sent_by_eight_requests_at_once_is_accepted_once(cast, last_code):
    sms_code_send(phone=PHONE, purpose="login", ip="10.0.9.1")
    code = last_code(PHONE)
    barrier, results = threading.Barrier(8), []

    def check():
        try:
            barrier.wait(timeout=30)
            sms_code_check(phone=PHONE, purpose="login", code=code)
            results.append("ok")
        except Exception as exc:
            results.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=check) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert results.count("ok") == 1 and all(r == "ok" or r.startswith("SmsCodeError") for r in results), results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sign_ups_with_one_id_number_at_once_make_one_account(cast, last_code):
    from yizuyihui.demo.names import make_id_number
    from yizuyihui.people.models import Person
    from yizuyihui.people.services import household_create, person_create
    from yizuyihui.signup.services import signup_complete

    household = household_create(unit=cast.unit_a, address="幸福一网格20号")
    person_create(name="王小梅", gender="F", node=cast.unit_a.node, household=household,
                  id_number=make_id_number(200), phone="")
    phones = ["13912345670", "13912345671"]
    for phone in phones:
        sms_code_send(phone=phone, purpose="signup", ip="10.0.9.2")
    codes = {phone: last_code(phone) for phone in phones}
    barrier, results = threading.Barrier(2), []

    def join(phone):
        try:
            barrier.wait(timeout=30)
            signup_complete(phone=phone, code=codes[phone], name="王小梅", id_number=make_id_number(200))
            results.append("ok")
        except Exception as exc:
            results.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=join, args=(p,)) for p in phones]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert results.count("ok") == 1 and any(r.startswith("SignupError") for r in results), results
    assert JoinRequest.objects.count() == 1
    assert Person.objects.get(name="王小梅").user is not None
