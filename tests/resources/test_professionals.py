"""Professionals: per-type matching, property companies see and answer the matters of their estates."""

from __future__ import annotations

import pytest

from yizuyihui.cases import services as case_services
from yizuyihui.resources import services
from yizuyihui.resources.models import PlusRole, ProfessionalKind
from yizuyihui.resources.services import ResourceError, ResourceForbidden


def _property_case(cast, unit):
    return case_services.case_file(unit=unit, actor=cast.users["district_official"], title="小区物业不清运垃圾",
                                   description="", channel="visit", suggest=False)


def test_a_property_company_sees_property_matters_of_its_estates_only(cast, world):
    user = world.company_user
    own = _property_case(cast, cast.unit_a)
    elsewhere = _property_case(cast, cast.unit_b)
    assert user.has_perm("cases.view_case", own)
    assert not user.has_perm("cases.view_case", elsewhere)
    assert not user.has_perm("cases.view_case", world.other_case)  # 路灯: not a property matter


def test_a_property_company_answers_and_others_cannot(cast, world):
    case = _property_case(cast, cast.unit_a)
    note = services.property_answer(case=case, actor=world.company_user, text="明早八点前清运完毕")
    assert note.kind == "answer"
    with pytest.raises(ResourceForbidden):
        services.property_answer(case=case, actor=world.lawyer_user, text="x")


def test_drawing_in_a_professional_counts_their_load(cast, world):
    services.plus_member_draw(case=world.dispute, actor=cast.users["unit_leader"], role=PlusRole.MEDIATE,
                              source="professional", professional=world.lawyer)
    world.lawyer.refresh_from_db()
    assert world.lawyer.load == 1
    assert world.lawyer_user.has_perm("cases.view_case", world.dispute)


def test_property_supervisors_are_drawn_from_the_unit(cast, world):
    services.supervisor_appoint(company=world.company, unit=cast.unit_a, person=cast.residents["council_member"],
                                actor=cast.users["unit_leader"])
    with pytest.raises(ResourceError):
        services.supervisor_appoint(company=world.company, unit=cast.unit_a, person=world.volunteer,
                                    actor=cast.users["unit_leader"])


def test_a_police_officer_or_lawyer_must_be_a_person(cast):
    with pytest.raises(ResourceError):
        services.professional_register(actor=cast.users["community_cadre"], kind=ProfessionalKind.LEGAL, name="x",
                                       node=cast.community)
