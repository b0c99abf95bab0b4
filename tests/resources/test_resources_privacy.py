"""Privacy of the "+": volunteers see a resident's masked phone and the address only once their team
is dispatched; an outside member's contact data only for their own village's cadres; a property
company sees and answers only the property matters of its estates; a "+" member only their matter."""

from __future__ import annotations

from django.urls import reverse

from yizuyihui.resources import services
from yizuyihui.resources.models import PlusRole, Source

PHONE = "13900000009"


def _resident_with_phone(cast):
    from yizuyihui.people.services import person_create

    return person_create(name="独居王奶奶", gender="F", node=cast.unit_a.node, phone=PHONE)


def test_volunteers_see_a_masked_phone_and_the_address_only_once_dispatched(cast, world, client):
    need = services.need_create(unit=cast.unit_a, actor=cast.users["unit_leader"], service_type="legal",
                                title="遗嘱咨询", address="幸福一网格7号楼301", contact=_resident_with_phone(cast))
    client.force_login(world.volunteer_user)  # the team's leader, a volunteer without a post
    page = client.get(reverse("resources:team", args=[world.team.pk])).content.decode()
    assert "遗嘱咨询" in page and "139****0009" in page
    assert PHONE not in page and "7号楼301" not in page
    assert client.get(reverse("resources:need", args=[need.pk])).status_code == 403  # the matching is the staff's
    services.team_dispatch(team=world.team, need=need, actor=cast.users["unit_leader"])
    page = client.get(reverse("resources:team", args=[world.team.pk])).content.decode()
    assert "幸福一网格7号楼301" in page and "139****0009" in page and PHONE not in page


def test_a_dispatched_volunteer_sees_the_matter_with_a_masked_reporter_phone(cast, world, client):
    reporter = world.dispute.reporter
    client.force_login(world.volunteer_user)
    assert client.get(reverse("resources:matter", args=[world.dispute.pk])).status_code == 403
    services.team_dispatch(team=world.team, case=world.dispute, actor=cast.users["unit_leader"])
    page = client.get(reverse("resources:matter", args=[world.dispute.pk])).content.decode()
    assert "幸福一网格3号楼502" in page  # the place, now that the team is on it
    if reporter.phone:
        assert reporter.phone not in page
    if reporter.id_number:
        assert reporter.id_number not in page
    # …and no other matter of the unit.
    assert client.get(reverse("resources:matter", args=[world.other_case.pk])).status_code == 403
    assert client.get(reverse("cases:detail", args=[world.other_case.pk])).status_code in (403, 404)


def test_outside_members_contact_is_shown_only_to_the_villages_cadres_on_the_page(cast, world, client):
    services.outside_member_register(village=cast.village, actor=world.village_cadre, name="李乡贤", where="深圳",
                                     what="电商", contact="13811112222", consent=True)
    url = reverse("resources:board", args=[cast.village.pk])
    client.force_login(world.village_cadre)
    assert "13811112222" in client.get(url).content.decode()
    for persona in ("street_official", "district_official", "city_admin"):
        client.force_login(cast.users[persona])
        page = client.get(url).content.decode()
        assert "13811112222" not in page and "138****2222" in page, persona


def test_a_property_company_finds_answers_and_is_heard_in_the_history(cast, world, client):
    from yizuyihui.cases import services as case_services

    case = case_services.case_file(unit=cast.unit_a, actor=cast.users["grid_worker"], title="小区电梯停运",
                                   description="", channel="visit", suggest=False)
    client.force_login(world.company_user)
    assert f"#{case.pk}" in client.get(reverse("resources:my_matters")).content.decode()
    assert f"#{world.other_case.pk}" not in client.get(reverse("resources:my_matters")).content.decode()
    client.post(reverse("resources:matter_act", args=[case.pk, "answer"]), {"text": "维保人员已到场"})
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "维保人员已到场" in page
    assert client.post(reverse("resources:matter_act", args=[world.other_case.pk, "answer"]),
                       {"text": "x"}).status_code == 403


def test_a_plus_member_lists_only_their_matter(cast, world, client):
    services.plus_member_draw(case=world.dispute, actor=cast.users["unit_leader"], role=PlusRole.WITNESS,
                              source=Source.RESIDENT, person=cast.residents["resident"])
    client.force_login(cast.users["resident"])
    page = client.get(reverse("resources:my_matters")).content.decode()
    assert f"#{world.dispute.pk}" in page and f"#{world.other_case.pk}" not in page
