"""The demo B市 has the paper's counts exactly and its proportions, and is deterministic per seed."""

import hashlib

import pytest
from django.db.models import Count
from wipe import wipe_city

from yizuyihui.demo import generator
from yizuyihui.org.imports import id_number_valid
from yizuyihui.org.models import Level, OrgNode, Unit
from yizuyihui.people.models import Body, Household, MemberRole, Membership, Person
from yizuyihui.places.models import Boundary, HouseholdPoint


def fingerprint() -> str:
    h = hashlib.sha256()
    for row in OrgNode.objects.order_by("path").values_list("path", "name", "code"):
        h.update(repr(row).encode())
    for row in Person.objects.order_by("pk").values_list("name", "id_number", "phone", "node__code", "is_party_member"):
        h.update(repr(row).encode())
    for row in Membership.objects.order_by("pk").values_list("person__id_number", "unit__node__code", "body", "role"):
        h.update(repr(row).encode())
    return h.hexdigest()


def wipe() -> None:
    wipe_city()


@pytest.mark.django_db
def test_the_demo_city_matches_the_paper_and_is_deterministic():
    generator.generate(residents=3000, seed=7, with_activity=False, logins=False)
    levels = dict(OrgNode.objects.order_by().values("level").annotate(n=Count("pk")).values_list("level", "n"))
    assert levels[Level.CITY] == 1
    assert levels[Level.DISTRICT] == 4 and levels[Level.COUNTY] == 3
    assert levels[Level.COMMUNITY] == 194 and levels[Level.VILLAGE] == 913
    assert Unit.objects.count() == 4915 == levels[Level.GRID] + levels[Level.NATURAL_VILLAGE]
    # exactly one unit per grid / natural village
    assert not OrgNode.objects.filter(level__in=[Level.GRID, Level.NATURAL_VILLAGE], unit__isnull=True).exists()

    units = list(Unit.objects.all())
    for unit in units:
        lo, hi = (3, 4) if unit.kind == "rural" else (3, 7)
        assert lo <= unit.party_group_size <= hi, unit
        assert 5 <= unit.council_size <= 10, unit
        assert unit.council_party_share >= (0.6 if unit.kind == "rural" else 0.5) - 1e-9, unit
    assert sum(u.one_shoulder for u in units) / len(units) > 0.6  # most units 一肩挑
    rural = [u.embedding_degree for u in units if u.kind == "rural"]
    urban = [u.embedding_degree for u in units if u.kind == "urban"]
    assert sum(rural) / len(rural) > sum(urban) / len(urban) + 0.2  # rural units embed deeper
    # one leader per Party group, one head per council
    leaders = Membership.objects.filter(body=Body.PARTY_GROUP, role=MemberRole.LEADER).values("unit").annotate(n=Count("pk"))
    assert {row["n"] for row in leaders} == {1} and len(leaders) == 4915
    assert not Membership.objects.filter(body=Body.PARTY_GROUP, person__is_party_member=False).exists()
    ordinary = Person.objects.filter(memberships__isnull=True, household__isnull=False).count()
    assert abs(ordinary - 3000) <= 4915  # rounding per unit: each unit gets round(share)
    assert set(Household.objects.values_list("category", flat=True)) == {"ordinary", "key", "special"}
    # Different people never share an ID number (the old random draw repeated ~20 in the demo
    # city, and an export → import then merged strangers); every number is valid and its sequence
    # code's parity matches the gender (GB 11643).
    numbers = list(Person.objects.values_list("id_number", "gender"))
    assert len({n for n, _ in numbers}) == len(numbers)
    assert all(id_number_valid(n) and int(n[16]) % 2 == (g == "M") for n, g in numbers)
    # the map: a valid boundary for every unit and a point for every household (places app)
    assert Boundary.objects.filter(node__unit__isnull=False).count() == 4915
    assert HouseholdPoint.objects.count() == Household.objects.count()

    first = fingerprint()
    wipe()
    generator.generate(residents=3000, seed=7, with_activity=False, logins=False)
    assert fingerprint() == first
