"""The API filing's unit read (issue 17): one hand-written SELECT, compiled once per process, that
loads the same unit and node an ORM read loads, and the matter an Idempotency-Key already made."""

from __future__ import annotations

import pytest
from factories import file_matter

from yizuyihui.cases.selectors import unit_for_filing
from yizuyihui.org.models import Unit

pytestmark = pytest.mark.django_db


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_the_unit_and_its_node_are_those_the_orm_loads(cast, django_assert_num_queries):
    for name in ("unit_a", "unit_c"):
        expected = Unit.objects.select_related("node").get(pk=getattr(cast, name).pk)
        with django_assert_num_queries(1):
            unit, seen = unit_for_filing(unit_id=expected.pk, user_id=cast.users["grid_worker"].pk,
                                         idempotency_key="k-1")
            node = unit.node  # loaded with it: no second query
        assert seen is None
        assert _fields(unit) == _fields(expected) and _fields(node) == _fields(expected.node)
        assert type(unit.one_shoulder) is bool and type(node.is_urban) is bool  # converted as the ORM does
        assert not unit._state.adding and unit._state.db == "default"


def test_the_key_finds_the_users_own_earlier_matter_only(cast):
    case = file_matter(cast, by="grid_worker", idempotency_key="retry-7")
    unit, seen = unit_for_filing(unit_id=cast.unit_a.pk, user_id=cast.users["grid_worker"].pk, idempotency_key="retry-7")
    assert unit.pk == cast.unit_a.pk and seen == case.pk
    assert unit_for_filing(unit_id=cast.unit_a.pk, user_id=cast.users["unit_leader"].pk,
                           idempotency_key="retry-7")[1] is None
    assert unit_for_filing(unit_id=cast.unit_a.pk, user_id=cast.users["grid_worker"].pk)[1] is None


def test_an_unknown_unit_is_none(cast):
    assert unit_for_filing(unit_id=987654, user_id=cast.users["grid_worker"].pk, idempotency_key="x") == (None, None)
