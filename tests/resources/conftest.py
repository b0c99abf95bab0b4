"""A "+" world on top of the cast: a neighbour dispute in unit A, volunteers, professionals, a
property company, a village cadre of 桃园村 — all made through the services."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from yizuyihui.cases import services as case_services
from yizuyihui.cases.models import Category
from yizuyihui.people.models import Role
from yizuyihui.people.services import person_create, post_grant, user_create
from yizuyihui.resources import services
from yizuyihui.resources.models import EVENINGS, WEEKDAY_DAYTIME, ProfessionalKind, ServiceType


@dataclass
class World:
    dispute: object
    other_case: object
    volunteer_user: object
    volunteer: object
    team: object
    far_team: object
    lawyer_user: object
    lawyer: object
    police: object
    company_user: object
    company: object
    village_cadre: object


def _person_user(username, node, phone):
    person = person_create(name=username, gender="F", node=node, phone=phone)
    return person, user_create(username=username, password="x-pass-2026", person=person)


def _category(name, parent=None, code=""):
    return Category.objects.create(name=name, parent=parent, level=2 if parent else 1, code=code or name)


@pytest.fixture
def world(cast) -> World:
    leader = cast.users["unit_leader"]
    zf = _category("政法", code="ZF")
    dispute_cat = _category("邻里纠纷", zf, "ZF-1")
    dispute = case_services.case_file(unit=cast.unit_a, actor=cast.users["grid_worker"], title="楼上漏水邻里纠纷",
                                      description="两户因漏水争执", channel="visit", category=dispute_cat,
                                      reporter=cast.residents["resident"], place="幸福一网格3号楼502", suggest=False)
    other = case_services.case_file(unit=cast.unit_a, actor=cast.users["grid_worker"], title="路灯不亮",
                                    description="", channel="visit", suggest=False)
    v_person, v_user = _person_user("volunteer1", cast.unit_b.node, "13900000001")
    team = services.team_create(actor=cast.users["community_cadre"], node=cast.community, name="幸福法律服务队",
                                service_type=ServiceType.LEGAL)
    services.volunteer_join(team=team, actor=cast.users["community_cadre"], person=v_person,
                            availability=WEEKDAY_DAYTIME | EVENINGS, leader=True)
    helper, _u = _person_user("volunteer2", cast.unit_b.node, "13900000002")
    services.volunteer_join(team=team, actor=cast.users["community_cadre"], person=helper, availability=EVENINGS)
    far_person, _f = _person_user("farvol", cast.unit_d.node, "13900000003")
    far = services.team_create(actor=cast.users["district_official"], node=cast.unit_d.node.get_parent(),
                               name="和平法律服务队", service_type=ServiceType.LEGAL)
    services.volunteer_join(team=far, actor=cast.users["district_official"], person=far_person)
    l_person, l_user = _person_user("lawyer1", cast.unit_b.node, "13900000004")
    lawyer = services.professional_register(actor=cast.users["street_official"], kind=ProfessionalKind.LEGAL,
                                            name="张律师", node=cast.street, person=l_person)
    p_person, _p = _person_user("police1", cast.unit_b.node, "13900000005")
    police = services.professional_register(actor=cast.users["community_cadre"], kind=ProfessionalKind.POLICE,
                                            name="李警官", node=cast.community, person=p_person)
    c_person, c_user = _person_user("company1", cast.unit_b.node, "13900000006")
    company = services.professional_register(actor=cast.users["community_cadre"], kind=ProfessionalKind.PROPERTY,
                                             name="幸福物业", node=cast.community, estates=[cast.unit_a],
                                             staff=[c_person])
    cadre_person, cadre = _person_user("village_cadre", cast.unit_c.node, "13900000007")
    post_grant(user=cadre, role=Role.COMMUNITY_CADRE, node=cast.village)
    assert leader is not None
    return World(dispute=dispute, other_case=other, volunteer_user=v_user, volunteer=v_person, team=team, far_team=far,
                 lawyer_user=l_user, lawyer=lawyer, police=police, company_user=c_user, company=company,
                 village_cadre=cadre)
