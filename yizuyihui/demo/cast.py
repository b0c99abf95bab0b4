"""A small fixed cast across the org tree, for tests and for trying the site by hand.

Like healthchecks' Alice/Bob/Charlie: each persona holds one post; `outsider` holds a post in a
different street and must see nothing of the first street.

    city 测试市
    ├── district 东区
    │   ├── street 东风街道
    │   │   ├── community 幸福社区 ── grid 幸福一网格 (unit A), grid 幸福二网格 (unit B)
    │   │   └── village 桃园村 ── natural village 上桃园 (unit C)
    │   └── street 西风街道 ── community 和平社区 ── grid 和平一网格 (unit D)
    └── county 北县 ── township 北乡 ── village 李家村 ── natural village 李家湾 (unit E)
"""

from __future__ import annotations

from dataclasses import dataclass

from yizuyihui.org.models import Level, OrgNode, Unit
from yizuyihui.org.services import node_create, unit_refresh_measures
from yizuyihui.people.models import Body, HouseholdCategory, MemberRole, Person, Role
from yizuyihui.people.services import household_create, membership_add, person_create, post_grant, user_create

PASSWORD = "demo-pass-2026"


@dataclass
class Cast:
    city: OrgNode
    district: OrgNode
    street: OrgNode
    community: OrgNode
    village: OrgNode
    other_street: OrgNode
    county: OrgNode
    unit_a: Unit
    unit_b: Unit
    unit_c: Unit
    unit_d: Unit
    unit_e: Unit
    users: dict  # persona → User
    residents: dict  # persona → Person


PERSONAS = {
    # persona: (role, node attribute on Cast)
    "city_admin": (Role.CITY_ADMIN, "city"),
    "district_official": (Role.DISTRICT_OFFICIAL, "district"),
    "department_handler": (Role.DEPARTMENT_HANDLER, "district"),
    "street_official": (Role.STREET_OFFICIAL, "street"),
    "community_cadre": (Role.COMMUNITY_CADRE, "community"),
    "grid_worker": (Role.GRID_WORKER, "unit_a"),
    "unit_leader": (Role.UNIT_LEADER, "unit_a"),
    "council_member": (Role.COUNCIL_MEMBER, "unit_a"),
    "building_head": (Role.BUILDING_HEAD, "unit_a"),
    "resident": (Role.RESIDENT, "unit_a"),
    "outsider": (Role.STREET_OFFICIAL, "other_street"),
}


def _phone(i: int) -> str:
    return f"138{i:08d}"


def _id(i: int) -> str:
    from yizuyihui.demo.names import make_id_number

    return make_id_number(i)


def build_cast() -> Cast:
    city = node_create(parent=None, name="测试市", level=Level.CITY, code="T")
    district = node_create(parent=city, name="东区", level=Level.DISTRICT, code="T-D1")
    street = node_create(parent=district, name="东风街道", level=Level.STREET, code="T-D1-S1")
    community = node_create(parent=street, name="幸福社区", level=Level.COMMUNITY, code="T-D1-S1-C1")
    grid_a = node_create(parent=community, name="幸福一网格", level=Level.GRID, code="T-D1-S1-C1-G1")
    grid_b = node_create(parent=community, name="幸福二网格", level=Level.GRID, code="T-D1-S1-C1-G2")
    village = node_create(parent=street, name="桃园村", level=Level.VILLAGE, code="T-D1-S1-V1")
    nv_c = node_create(parent=village, name="上桃园", level=Level.NATURAL_VILLAGE, code="T-D1-S1-V1-N1")
    other_street = node_create(parent=district, name="西风街道", level=Level.STREET, code="T-D1-S2")
    community_d = node_create(parent=other_street, name="和平社区", level=Level.COMMUNITY, code="T-D1-S2-C1")
    grid_d = node_create(parent=community_d, name="和平一网格", level=Level.GRID, code="T-D1-S2-C1-G1")
    county = node_create(parent=city, name="北县", level=Level.COUNTY, code="T-C1")
    township = node_create(parent=county, name="北乡", level=Level.TOWNSHIP, code="T-C1-T1")
    village_e = node_create(parent=township, name="李家村", level=Level.VILLAGE, code="T-C1-T1-V1")
    nv_e = node_create(parent=village_e, name="李家湾", level=Level.NATURAL_VILLAGE, code="T-C1-T1-V1-N1")
    units = {k: Unit.objects.get(node=n) for k, n in
             {"unit_a": grid_a, "unit_b": grid_b, "unit_c": nv_c, "unit_d": grid_d, "unit_e": nv_e}.items()}
    places = {"city": city, "district": district, "street": street, "community": community,
              "other_street": other_street, **{k: u.node for k, u in units.items()}}

    users, residents = {}, {}
    for i, (persona, (role, where)) in enumerate(PERSONAS.items(), start=1):
        node = places[where]
        # Everyone lives in a unit: their own, or the first one under their post (the outsider in unit D).
        home = node if node.level in (Level.GRID, Level.NATURAL_VILLAGE) else (grid_d if persona == "outsider" else grid_a)
        household = household_create(unit=home.unit, address=f"{home.name}{i}号", category=HouseholdCategory.ORDINARY)
        person = person_create(name=f"{persona}", gender="M" if i % 2 else "F", node=home, household=household,
                               phone=_phone(i), id_number=_id(i), is_party_member=role != Role.RESIDENT)
        user = user_create(username=persona, password=PASSWORD, person=person)
        post_grant(user=user, role=role, node=node, department="城管执法" if persona == "department_handler" else "")
        users[persona], residents[persona] = user, person

    # Unit A: a Party group of 3 led by unit_leader, a council of 5 headed by the same person (一肩挑).
    unit_a = units["unit_a"]
    membership_add(person=residents["unit_leader"], unit=unit_a, body=Body.PARTY_GROUP, role=MemberRole.LEADER, identity="cadre")
    membership_add(person=residents["grid_worker"], unit=unit_a, body=Body.PARTY_GROUP, identity="grid_worker")
    membership_add(person=residents["building_head"], unit=unit_a, body=Body.PARTY_GROUP, identity="building_head")
    membership_add(person=residents["unit_leader"], unit=unit_a, body=Body.COUNCIL, role=MemberRole.HEAD, identity="cadre")
    membership_add(person=residents["council_member"], unit=unit_a, body=Body.COUNCIL, identity="party_rep")
    membership_add(person=residents["building_head"], unit=unit_a, body=Body.COUNCIL, identity="building_head")
    for j in range(2):
        p = Person.objects.create(name=f"议事会成员{j}", gender="F", node=unit_a.node, is_party_member=False,
                                  phone=_phone(100 + j), id_number=_id(100 + j))
        membership_add(person=p, unit=unit_a, body=Body.COUNCIL, identity="mass_rep")
    for k in range(3):
        household_create(unit=unit_a, address=f"幸福一网格{10 + k}号",
                         category=[HouseholdCategory.ORDINARY, HouseholdCategory.KEY_ASSISTANCE, HouseholdCategory.SPECIAL][k])
    unit_refresh_measures()
    return Cast(city=city, district=district, street=street, community=community, village=village,
                other_street=other_street, county=county, users=users, residents=residents, **{k: Unit.objects.get(pk=u.pk) for k, u in units.items()})
