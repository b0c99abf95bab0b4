"""ID-card and phone numbers are encrypted at rest and found by keyed hash (people/crypto.py)."""

from __future__ import annotations

import pytest
from django.db import connection

from yizuyihui.people.crypto import lookup_hash
from yizuyihui.people.models import Person
from yizuyihui.people.services import person_create, persons_bulk_insert

pytestmark = pytest.mark.django_db
PHONE, ID_NUMBER = "13912345678", "34010419900101123X"


def _dump() -> str:
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM people_person")
        return repr(cur.fetchall())


def test_a_database_dump_holds_no_number_in_clear(cast):
    person = person_create(name="王秀英", gender="F", node=cast.unit_a.node, phone=PHONE, id_number=ID_NUMBER)
    dump = _dump()
    assert PHONE not in dump and ID_NUMBER not in dump and "19900101" not in dump
    for p in cast.residents.values():  # the cast's people too
        assert p.phone not in dump
    person = Person.objects.get(pk=person.pk)
    assert (person.phone, person.id_number) == (PHONE, ID_NUMBER)


def test_the_bulk_path_encrypts_too(cast):
    row = ("李四", "M", 1980, ID_NUMBER, PHONE, False, False, cast.unit_a.node_id, None, "", "", "", None)
    assert persons_bulk_insert(rows=[row]) == 1
    assert PHONE not in _dump() and ID_NUMBER not in _dump()
    assert Person.objects.with_id_number(ID_NUMBER.lower()).get().phone == PHONE


def test_lookups_go_through_the_keyed_hash(cast, settings):
    person = person_create(name="王秀英", gender="F", node=cast.unit_a.node, phone=PHONE, id_number=ID_NUMBER)
    assert Person.objects.with_phone("139 1234 5678").get() == person
    assert not Person.objects.with_phone("").exists()
    digest = lookup_hash(PHONE)
    settings.YZYH_LOOKUP_KEY = "another-key-another-key-another-key"
    assert lookup_hash(PHONE) != digest  # without the key the hash cannot be recomputed
    person.phone = "13700001111"
    settings.YZYH_LOOKUP_KEY = "x" * 40
    person.save(update_fields=["phone"])
    assert Person.objects.with_phone("13700001111").get() == person


def test_staff_find_the_reporter_by_phone_when_filing(cast, login):
    from django.urls import reverse

    from yizuyihui.cases.models import Case

    resident = cast.residents["resident"]
    login("grid_worker").post(reverse("cases:staff_file"), {
        "unit": cast.unit_a.pk, "title": "楼道灯坏了", "channel": "phone", "reporter_phone": resident.phone})
    assert Case.objects.get().reporter == resident
