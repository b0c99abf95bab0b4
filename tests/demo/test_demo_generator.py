"""The demo B市 has the paper's counts exactly and its proportions, and is deterministic per seed."""

import hashlib

import pytest
from django.db.models import Count

from yizuyihui.demo import generator
from yizuyihui.org.models import Level, OrgNode, Unit
from yizuyihui.people.models import Body, Household, MemberRole, Membership, Person, Registration


def fingerprint() -> str:
    h = hashlib.sha256()
    for row in OrgNode.objects.order_by("path").values_list("path", "name", "code"):
        h.update(repr(row).encode())
    for row in Person.objects.order_by("pk").values_list("name", "id_number", "phone", "node__code", "is_party_member"):
        h.update(repr(row).encode())
    for row in Membership.objects.order_by("pk").values_list("person__id_number", "unit__node__code", "body", "role"):
        h.update(repr(row).encode())
    return h.hexdigest()


def wipe():
    # Raw deletes in dependency order: Django's cascade collector would walk 50,000 rows.
    for model in (Registration, Membership, Person, Household, Unit, OrgNode):
        model.objects.all()._raw_delete(using="default")


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

    first = fingerprint()
    wipe()
    generator.generate(residents=3000, seed=7, with_activity=False, logins=False)
    assert fingerprint() == first
