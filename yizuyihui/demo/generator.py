"""The synthetic B市: the paper's city, built through the services, deterministic for a seed.

Counts fixed by the paper (DOMAIN §1): 4 districts and 3 counties; 194 urban communities and 913
administrative villages; 4,915 units (one per grid / natural village). Party groups of 3–7
(3–4 in villages), councils of 5–10; rural councils ≥ 60 % Party members, urban ≥ 50 %; most
units 一肩挑; rural units embed deeper. Residents are configurable (`--residents`): ordinary
residents are created on top of the unit members, about 2.9 per household (3.2 M / 1.1 M).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from yizuyihui.demo import names
from yizuyihui.org.models import Level, OrgNode, Unit
from yizuyihui.org.services import NodeSpec, subtree_bulk_create, unit_refresh_measures
from yizuyihui.people.models import (
    Body,
    Gender,
    Household,
    HouseholdCategory,
    Identity,
    MemberRole,
    Membership,
    OutsideKind,
    Person,
    RegistrationKind,
    Role,
)
from yizuyihui.people.services import (
    households_bulk_create,
    memberships_bulk_create,
    persons_bulk_create,
    persons_bulk_insert,
    post_grant,
    registration_create,
    user_create,
)
from yizuyihui.places.demo import build_geography

CITY_CODE = "B"
DISTRICTS = 4
COUNTIES = 3
COMMUNITIES = 194
VILLAGES = 913
UNITS = 4915
URBAN_UNITS = 776  # 4 grids per community on average (M社区 has 4 units)
DEMO_PASSWORD = "yzyh-demo-2026"

URBAN_IDENTITIES = [Identity.SOCIAL_WORKER, Identity.IN_SERVICE, Identity.BUILDING_HEAD, Identity.OWNERS_COMMITTEE,
                    Identity.PROPERTY_REP, Identity.AREA_UNIT_REP, Identity.PARTY_REP, Identity.MASS_REP]
RURAL_IDENTITIES = [Identity.PARTY_REP, Identity.MASS_REP, Identity.WOMEN_REP, Identity.RICH_EXPERT, Identity.COOP_REP,
                    Identity.VILLAGE_COMMITTEE, Identity.GRAIN_GROWER, Identity.ELDER]
GROUP_IDENTITIES = [Identity.CADRE, Identity.PARTY_REP, Identity.GRID_WORKER, Identity.POLICE, Identity.BUILDING_HEAD,
                    Identity.SELF_EMPLOYED, Identity.ENTREPRENEUR, Identity.VETERAN]

Progress = Callable[[str, int], None]


def spread(total: int, buckets: int, rng: random.Random, lo: int, hi: int) -> list[int]:
    """`buckets` integers in [lo, hi] summing exactly to `total` (deterministic for the rng); the
    bounds widen when a small shape cannot meet them."""
    lo, hi = min(lo, total // buckets), max(hi, -(-total // buckets))
    assert lo * buckets <= total <= hi * buckets, (total, buckets, lo, hi)
    counts = [lo] * buckets
    left = total - lo * buckets
    while left:
        i = rng.randrange(buckets)
        if counts[i] < hi:
            counts[i] += 1
            left -= 1
    return counts


@dataclass(frozen=True)
class Shape:
    """The tree's size: the paper's city by default; `SMALL` builds in a second for tests."""

    districts: int = DISTRICTS
    counties: int = COUNTIES
    streets_per_district: int = 5
    townships_per_district: int = 2
    streets_per_county: int = 2
    townships_per_county: int = 10
    communities: int = COMMUNITIES
    villages: int = VILLAGES
    units: int = UNITS
    urban_units: int = URBAN_UNITS


PAPER = Shape()
SMALL = Shape(districts=1, counties=1, streets_per_district=1, townships_per_district=1, streets_per_county=1,
              townships_per_county=1, communities=3, villages=4, units=20, urban_units=8)


@dataclass
class DemoResult:
    units: int
    persons: int
    households: int
    memberships: int


def city_exists() -> bool:
    return OrgNode.objects.filter(code=CITY_CODE).exists()


def build_tree(rng: random.Random, shape: Shape = PAPER) -> OrgNode:
    """The tree, created with one bulk service call."""
    district_names = ["东城区", "西城区", "南湖区", "北山区"][: shape.districts]
    county_names = ["青阳县", "石台县", "望江县"][: shape.counties]
    # Paper: each district 5 streets (urban) + 2 townships; each county 2 streets + 10 townships.
    streets_per = [shape.streets_per_district] * shape.districts + [shape.streets_per_county] * shape.counties
    townships_per = [shape.townships_per_district] * shape.districts + [shape.townships_per_county] * shape.counties
    n_streets, n_townships = sum(streets_per), sum(townships_per)
    communities = spread(shape.communities, n_streets, rng, 4, 12)
    villages = spread(shape.villages, n_townships, rng, 15, 35)
    grids = spread(shape.urban_units, shape.communities, rng, 2, 7)
    natural = spread(shape.units - shape.urban_units, shape.villages, rng, 2, 9)
    used: set[str] = set()

    def unique(make: Callable[[], str], scope: set[str] = used) -> str:
        for _ in range(1000):
            name = make()
            if name not in scope:
                scope.add(name)
                return name
        raise RuntimeError("ran out of names")

    c_i = v_i = s_i = t_i = 0
    top: list[NodeSpec] = []
    for d in range(shape.districts + shape.counties):
        is_district = d < shape.districts
        dcode = f"{CITY_CODE}-{'D' if is_district else 'X'}{d + 1}"
        dnode = NodeSpec((district_names + county_names)[d], Level.DISTRICT if is_district else Level.COUNTY, dcode, is_district)
        for s in range(streets_per[d]):
            scode = f"{dcode}-S{s + 1:02d}"
            snode = NodeSpec(unique(lambda: names.place_name(rng) + "街道"), Level.STREET, scode, True)
            for c in range(communities[s_i]):
                ccode = f"{scode}-C{c + 1:02d}"
                cnode = NodeSpec(unique(lambda: names.place_name(rng) + "社区"), Level.COMMUNITY, ccode, True)
                for g in range(grids[c_i]):
                    cnode.children.append(NodeSpec(f"{cnode.name}第{g + 1}网格", Level.GRID, f"{ccode}-G{g + 1}", True))
                snode.children.append(cnode)
                c_i += 1
            dnode.children.append(snode)
            s_i += 1
        for t in range(townships_per[d]):
            tcode = f"{dcode}-T{t + 1:02d}"
            tnode = NodeSpec(unique(lambda: names.place_name(rng) + rng.choice(["镇", "乡"])), Level.TOWNSHIP, tcode, False)
            for v in range(villages[t_i]):
                vcode = f"{tcode}-V{v + 1:02d}"
                vnode = NodeSpec(unique(lambda: names.place_name(rng) + "村"), Level.VILLAGE, vcode, False)
                in_village: set[str] = set()  # natural-village names repeat across villages, not within one
                for n in range(natural[v_i]):
                    nv_name = unique(lambda: names.place_name(rng) + rng.choice(["", "组", "庄"]), in_village)
                    vnode.children.append(NodeSpec(nv_name, Level.NATURAL_VILLAGE, f"{vcode}-N{n + 1}", False))
                tnode.children.append(vnode)
                v_i += 1
            dnode.children.append(tnode)
            t_i += 1
        top.append(dnode)
    (city,) = [n for n in subtree_bulk_create(parent=None, specs=[NodeSpec("B市", Level.CITY, CITY_CODE, True, top)])
               if n.level == Level.CITY]
    return city


def _person(rng: random.Random, ids: names.IdNumbers, node_id: int, *, party: bool, household_id: int | None = None,
            age_lo: int = 18, age_hi: int = 85) -> Person:
    gender = Gender.MALE if rng.random() < 0.51 else Gender.FEMALE
    year = 2026 - rng.randint(age_lo, age_hi)
    return Person(name=names.person_name(rng, gender), gender=gender, birth_year=year,
                  id_number=ids.make(year, gender), phone=names.make_phone(rng), is_party_member=party,
                  node_id=node_id, household_id=household_id, is_migrant=rng.random() < 0.28)


def build_members(rng: random.Random, ids: names.IdNumbers, progress: Progress) -> tuple[int, int]:
    """Party group and council for every unit, created in bulk through the people services."""
    units = list(Unit.objects.select_related("node").order_by("node__path"))
    persons: list[Person] = []
    plan: list[tuple[int, list[tuple[int, str, str, str]]]] = []  # unit id → (person idx, body, role, identity)
    for unit in units:
        rural = unit.kind == "rural"
        group_size = rng.randint(3, 4) if rural else rng.randint(3, 7)
        council_size = rng.randint(5, 10)
        # Embedding: rural units put most or all of the group on the council, urban fewer.
        overlap = rng.randint(max(1, group_size - 1), group_size) if rural else rng.randint(1, max(1, group_size - 1))
        overlap = min(overlap, council_size)
        one_shoulder = rng.random() < (0.9 if rural else 0.75)
        group = [len(persons) + i for i in range(group_size)]
        for _ in group:
            persons.append(_person(rng, ids, unit.node_id, party=True, age_lo=28, age_hi=70))
        shared = group[:overlap] if one_shoulder else group[1 : overlap + 1] or group[:overlap]
        others_needed = council_size - len(shared)
        min_party_share = 0.6 if rural else 0.5
        party_needed = max(0, -(-int(min_party_share * council_size * 100) // 100) - len(shared))
        extra = []
        for k in range(others_needed):
            party = k < party_needed or rng.random() < 0.3
            extra.append(len(persons))
            persons.append(_person(rng, ids, unit.node_id, party=party, age_lo=25, age_hi=75))
        identities = RURAL_IDENTITIES if rural else URBAN_IDENTITIES
        seats = [(idx, Body.PARTY_GROUP, MemberRole.LEADER if i == 0 else MemberRole.MEMBER,
                  Identity.CADRE if i == 0 else rng.choice(GROUP_IDENTITIES)) for i, idx in enumerate(group)]
        council = shared + extra
        head = council[0]
        seats += [(idx, Body.COUNCIL, MemberRole.HEAD if idx == head else MemberRole.MEMBER,
                   Identity.CADRE if idx == group[0] else rng.choice(identities)) for idx in council]
        plan.append((unit.pk, seats))
    progress("members", 0)
    persons_bulk_create(persons=persons)
    ids = [p.pk for p in persons]  # assigned by persons_bulk_create
    memberships = [Membership(person_id=ids[idx], unit_id=unit_id, body=body, role=role, identity=identity,
                              started=dt.date(2021, 12, 31))
                   for unit_id, seats in plan for idx, body, role, identity in seats]
    memberships_bulk_create(memberships=memberships)
    progress("members", len(persons))
    return len(persons), len(memberships)


def build_residents(rng: random.Random, ids: names.IdNumbers, residents: int, progress: Progress) -> tuple[int, int]:
    """Ordinary residents in households, spread over units in proportion to a random weight."""
    units = list(Unit.objects.order_by("node__path").values_list("pk", "node_id", "kind", "name"))
    weights = [rng.uniform(0.5, 1.5) * (1.6 if kind == "urban" else 1.0) for _, _, kind, _ in units]
    total_w = sum(weights)
    plan: list[tuple[int, str, list[tuple[Household, int]]]] = []  # (node id, kind, [(household, size)])
    all_households: list[Household] = []
    for (unit_id, node_id, kind, uname), w in zip(units, weights, strict=True):
        n = int(round(residents * w / total_w))
        made: list[tuple[Household, int]] = []
        while n > 0:
            size = min(n, rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5]))
            r = rng.random()
            category = (HouseholdCategory.SPECIAL if r < 0.01 else HouseholdCategory.KEY_ASSISTANCE if r < 0.06
                        else HouseholdCategory.ORDINARY)
            number = len(made) + 1
            address = (f"{uname}{rng.choice(names.ROAD)}{number}号" if kind == "urban" else f"{uname}{number}号")
            made.append((Household(node_id=node_id, unit_id=unit_id, address=address, category=category, size=size), size))
            n -= size
        all_households.extend(h for h, _ in made)
        plan.append((node_id, kind, made))
    households_bulk_create(households=all_households)
    progress("households", len(all_households))
    outside_kinds = OutsideKind.values
    cities = ["合肥", "上海", "杭州", "南京", "苏州", "深圳"]

    def rows():
        # Plain tuples in PERSON_COLUMNS order (without id): no model objects for millions of rows.
        for node_id, kind, made in plan:
            for household, size in made:
                for _ in range(size):
                    gender = "M" if rng.random() < 0.51 else "F"
                    year = 2026 - rng.randint(0, 90)
                    outside = kind == "rural" and rng.random() < 0.12  # people from the village working elsewhere
                    yield (names.person_name(rng, gender), gender, year, ids.make(year, gender),
                           names.make_phone(rng), rng.random() < 0.07, rng.random() < 0.28, node_id, household.pk, "",
                           rng.choice(outside_kinds) if outside else "", rng.choice(cities) if outside else "", None)

    def counted(it):
        for i, row in enumerate(it, start=1):
            if i % 20000 == 0:
                progress("residents", 20000)
            yield row

    made_people = persons_bulk_insert(rows=counted(rows()))
    made_households = len(all_households)
    return made_people, made_households


DEMO_LOGINS = [
    # username, role, where ("unit" = the demo unit, "community", "street", "district", "city"), label
    ("admin", Role.CITY_ADMIN, "city", "市级管理员"),
    ("district", Role.DISTRICT_OFFICIAL, "district", "区级干部"),
    ("handler", Role.DEPARTMENT_HANDLER, "district", "执法部门办理人"),
    ("street", Role.STREET_OFFICIAL, "street", "街道干部"),
    ("cadre", Role.COMMUNITY_CADRE, "community", "社区两委干部"),
    ("leader", Role.UNIT_LEADER, "unit", "党小组组长（一肩挑）"),
    ("grid", Role.GRID_WORKER, "unit", "网格员"),
    ("council", Role.COUNCIL_MEMBER, "unit", "议事会成员"),
    ("building", Role.BUILDING_HEAD, "unit", "楼栋长"),
    ("resident", Role.RESIDENT, "unit", "居民"),
    ("village", Role.UNIT_LEADER, "rural_unit", "自然村党小组组长"),
]
# The officials' accounts have no person on the register: the names they go by on every page
# (the others take their person's name). A page never shows a login name.
DEMO_NAMES = {"admin": "周建华", "district": "吴志刚", "handler": "郑卫东", "street": "王秀英", "cadre": "李桂兰",
              "building": "赵国庆", "resident": "孙丽"}


def build_logins() -> list[tuple[str, str, str]]:
    """Accounts for each role around one urban unit (and one rural), bound to real members."""
    unit = Unit.objects.filter(kind="urban").select_related("node").order_by("node__path").first()
    rural = Unit.objects.filter(kind="rural").select_related("node").order_by("node__path").first()
    community = unit.node.get_parent()
    places = {"unit": unit.node, "rural_unit": rural.node, "community": community, "street": community.get_parent(),
              "district": community.get_parent().get_parent(), "city": OrgNode.objects.get(code=CITY_CODE)}
    roster = {m.role + m.body: m.person for m in Membership.objects.filter(unit=unit).select_related("person")}
    group = list(Membership.objects.filter(unit=unit, body=Body.PARTY_GROUP).select_related("person").order_by("pk"))
    council = list(Membership.objects.filter(unit=unit, body=Body.COUNCIL).select_related("person").order_by("pk"))
    rural_leader = Membership.objects.get(unit=rural, body=Body.PARTY_GROUP, role=MemberRole.LEADER).person
    resident = Person.objects.filter(node=unit.node, memberships__isnull=True, household__isnull=False).order_by("pk").first()
    bound = {"leader": roster.get("leaderparty_group"), "grid": group[-1].person, "council": council[-1].person,
             "building": group[1].person if len(group) > 1 else None, "resident": resident, "village": rural_leader}
    out = []
    for username, role, where, label in DEMO_LOGINS:
        person = bound.get(username)
        user = user_create(username=username, password=DEMO_PASSWORD, person=person,
                           first_name="" if person else DEMO_NAMES.get(username, label),
                           is_staff=username == "admin", is_superuser=username == "admin")
        post_grant(user=user, role=role, node=places[where], department="城管执法局" if username == "handler" else "")
        out.append((username, label, places[where].name))
    return out


def build_registrations(rng: random.Random) -> int:
    """三报到: in-service Party members and secretaries registered at communities and streets."""
    communities = list(OrgNode.objects.filter(level=Level.COMMUNITY).order_by("path")[:60])
    members = list(Person.objects.filter(is_party_member=True, memberships__isnull=True).order_by("pk")[:240])
    n = 0
    for i, person in enumerate(members):
        kind = RegistrationKind.IN_SERVICE if i % 40 else rng.choice(
            [RegistrationKind.COUNTY_SECRETARY, RegistrationKind.TOWNSHIP_SECRETARY])
        registration_create(person=person, kind=kind, node=communities[i % len(communities)],
                            employer=rng.choice(["市财政局", "市教育局", "区卫健委", "县农业农村局", "市自然资源局"]),
                            on=dt.date(2022, 1, 1) + dt.timedelta(days=rng.randint(0, 900)))
        n += 1
    return n


def generate_activity(*, seed: int, progress: Progress) -> dict[str, float]:
    """A year of matters, visits, meetings … from each app's demo.generate, made through the
    services. Notifications are silenced: history must not text or mail anyone."""
    import time

    from django.test import override_settings

    from yizuyihui.core.plugins import app_modules

    timings = {}
    with override_settings(YZYH_SMS_BACKEND="yizuyihui.core.sms.NullSMSBackend",
                           EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        for module in app_modules("demo"):
            if hasattr(module, "generate"):
                started = time.monotonic()
                module.generate(seed=seed, progress=progress)
                timings[module.__name__] = round(time.monotonic() - started, 1)
    return timings


def generate(*, residents: int = 50_000, seed: int = 2022, progress: Progress | None = None,
             with_activity: bool = True, logins: bool = True, shape: Shape = PAPER) -> DemoResult:
    progress = progress or (lambda stage, n: None)
    rng = random.Random(seed)
    # One ID number per person (different people never share one), none already in the database.
    ids = names.IdNumbers(rng, taken=set(Person.objects.exclude(id_number="").values_list("id_number", flat=True)))
    with transaction.atomic():
        build_tree(rng, shape)
        progress("tree", 1)
        n_members, n_memberships = build_members(rng, ids, progress)
    with transaction.atomic():
        n_residents, n_households = build_residents(rng, ids, residents, progress)
    with transaction.atomic():
        unit_refresh_measures()
        build_registrations(rng)
        progress("measures", 1)
    with transaction.atomic():
        progress("map", build_geography(seed=seed))  # unit boundaries and household points (places app)
    if logins:
        # Before the activity: the apps' demos act through the demo accounts (staff must exist).
        build_logins()
    if with_activity:
        generate_activity(seed=seed, progress=progress)
    return DemoResult(units=Unit.objects.count(), persons=n_members + n_residents, households=n_households,
                      memberships=n_memberships)
