"""The community's management pages: teams (members, leaders, times), professionals (staff, estates,
supervisors) and units' needs — made through the pages, validated, limited to the user's scope."""

from __future__ import annotations

from django.urls import reverse

from yizuyihui.resources import services
from yizuyihui.resources.models import (
    EVENINGS,
    Dispatch,
    Need,
    Professional,
    PropertySupervisor,
    Volunteer,
    VolunteerTeam,
    slot_bit,
)


def _msgs(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_a_community_cadre_creates_a_team_and_keeps_its_members(cast, world, login):
    client = login("community_cadre")
    page = client.get(reverse("resources:teams")).content.decode()
    assert 'data-testid="team-create"' in page and cast.community.name in page
    r = client.post(reverse("resources:team_create"), {"node": cast.community.pk, "name": "幸福助老队",
                                                        "service_type": "elder_care"})
    team = VolunteerTeam.objects.get(name="幸福助老队")
    assert r.status_code == 302 and r["Location"] == reverse("resources:team", args=[team.pk])
    # The person picker searches the cadre's scope by name; no raw numbers to type.
    member = cast.residents["council_member"]
    found = client.get(reverse("resources:team", args=[team.pk]), {"q": member.name[:2]}).content.decode()
    assert f'<option value="{member.pk}">' in found
    client.post(reverse("resources:team_act", args=[team.pk, "join"]),
                {"person": member.pk, "slot": [str(b) for b in range(7, 9)]})
    v = Volunteer.objects.get(team=team, person=member)
    assert v.availability == (1 << 7) | (1 << 8)
    client.post(reverse("resources:team_act", args=[team.pk, "leader"]), {"volunteer": v.pk})
    team.refresh_from_db()
    assert team.leader == member
    client.post(reverse("resources:team_act", args=[team.pk, "times"]), {"volunteer": v.pk, "slot": ["20"]})
    team.refresh_from_db()
    assert team.availability == slot_bit(6, 2)
    client.post(reverse("resources:team_act", args=[team.pk, "leave"]), {"volunteer": v.pk})
    team.refresh_from_db()
    assert (team.member_count, team.leader_id) == (0, None)  # a leader who leaves leaves no leader
    client.post(reverse("resources:team_act", args=[team.pk, "edit"]), {"active": "0"})
    team.refresh_from_db()
    assert not team.active


def test_a_team_is_not_made_with_bad_input_nor_outside_the_scope(cast, world, login):
    client = login("community_cadre")
    before = VolunteerTeam.objects.count()
    r = client.post(reverse("resources:team_create"), {"node": cast.community.pk, "name": " ", "service_type": "legal"},
                    follow=True)
    assert _msgs(r) and VolunteerTeam.objects.count() == before  # told why, nothing made
    client.post(reverse("resources:team_create"), {"node": cast.community.pk, "name": "x", "service_type": "golf"})
    assert not VolunteerTeam.objects.filter(name="x").exists()
    assert client.post(reverse("resources:team_create"), {"node": cast.other_street.pk, "name": "y",
                                                          "service_type": "legal"}).status_code == 403
    assert client.post(reverse("resources:team_create"), {"node": cast.unit_a.node.pk, "name": "z",
                                                          "service_type": "legal"}).status_code in (302, 403)
    assert not VolunteerTeam.objects.filter(name__in=["y", "z"]).exists()  # a team sits at a community or above


def test_a_volunteer_is_picked_only_from_the_scope(cast, world, login):
    client = login("community_cadre")
    stranger = cast.residents["outsider"]  # lives in another street
    r = client.post(reverse("resources:team_act", args=[world.team.pk, "join"]), {"person": stranger.pk})
    assert r.status_code == 403
    assert not Volunteer.objects.filter(team=world.team, person=stranger).exists()
    page = client.get(reverse("resources:team", args=[world.team.pk]), {"q": stranger.name}).content.decode()
    assert f'<option value="{stranger.pk}">' not in page


def test_only_the_leader_or_managers_keep_a_team(cast, world, client):
    helper = Volunteer.objects.get(team=world.team, person__name="volunteer2")
    client.force_login(cast.users["grid_worker"])
    assert client.post(reverse("resources:team_act", args=[world.team.pk, "leader"]),
                       {"volunteer": helper.pk}).status_code == 403
    client.force_login(world.volunteer_user)  # the leader
    client.post(reverse("resources:team_act", args=[world.team.pk, "times"]), {"volunteer": helper.pk, "slot": ["0"]})
    helper.refresh_from_db()
    assert helper.availability == 1
    # …but only the community's managers rename or stand down the team.
    assert client.post(reverse("resources:team_act", args=[world.team.pk, "edit"]), {"active": "0"}).status_code == 403


def test_professionals_are_registered_with_staff_estates_and_supervisors(cast, world, login):
    client = login("community_cadre")
    r = client.post(reverse("resources:professional_create"), {"kind": "police", "name": "王警官", "node": cast.community.pk,
                                                                "person_name": "王警官", "person_phone": "13700002222"})
    police = Professional.objects.get(name="王警官")
    assert r["Location"] == reverse("resources:professional", args=[police.pk]) and police.person.name == "王警官"
    client.post(reverse("resources:professional_create"), {"kind": "legal", "name": "无名", "node": cast.community.pk})
    assert not Professional.objects.filter(name="无名").exists()  # a legal adviser is a person
    client.post(reverse("resources:professional_create"), {"kind": "property", "name": "安居物业", "node": cast.community.pk})
    company = Professional.objects.get(name="安居物业")
    client.post(reverse("resources:professional_act", args=[company.pk, "estates"]), {"unit": [cast.unit_a.pk]})
    assert list(company.estates.all()) == [cast.unit_a]
    staff = cast.residents["building_head"]
    client.post(reverse("resources:professional_act", args=[company.pk, "staff"]), {"person": staff.pk})
    assert list(company.staff.all()) == [staff]
    page = client.get(reverse("resources:professional", args=[company.pk])).content.decode()
    assert 'data-testid="supervisor-form"' in page
    supervisor = cast.residents["council_member"]
    client.post(reverse("resources:professional_act", args=[company.pk, "supervisor"]),
                {"unit": cast.unit_a.pk, "person": supervisor.pk})
    assert PropertySupervisor.objects.filter(company=company, unit=cast.unit_a, person=supervisor).exists()
    # An estate outside the area served is refused.
    client.post(reverse("resources:professional_act", args=[company.pk, "estates"]), {"unit": [cast.unit_c.pk]})
    assert list(company.estates.all()) == [cast.unit_a]
    client.post(reverse("resources:professional_act", args=[company.pk, "deactivate"]))
    company.refresh_from_db()
    assert not company.active


def test_a_unit_need_is_recorded_and_a_suggested_team_dispatched(cast, world, login):
    client = login("unit_leader")
    assert 'data-testid="need-create"' in client.get(reverse("resources:needs")).content.decode()
    r = client.post(reverse("resources:need_create"), {"unit": cast.unit_a.pk, "service_type": "legal",
                                                        "title": "法律咨询进小区", "address": "幸福一网格活动室",
                                                        "slot": ["2"]})
    need = Need.objects.get(title="法律咨询进小区")
    assert r["Location"] == reverse("resources:need", args=[need.pk]) and need.when == 1 << 2
    page = client.get(reverse("resources:need", args=[need.pk])).content.decode()
    assert f'data-testid="need-dispatch-{world.team.pk}"' in page
    # The ranking's reasons in words, not the API's codes; the page title is the need's title only.
    assert "near=" not in page and "free=" not in page and "members=" not in page
    assert "的时段有空" in page and "名成员" in page
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "法律咨询进小区" in title and "<" not in title and "form" not in title
    client.post(reverse("resources:need_act", args=[need.pk, "dispatch"]), {"team": world.team.pk})
    need.refresh_from_db()
    assert need.status == "dispatched" and Dispatch.objects.filter(need=need, team=world.team).exists()
    client.post(reverse("resources:need_act", args=[need.pk, "done"]))
    need.refresh_from_db()
    assert need.status == "done"


def test_a_team_is_not_sent_outside_its_district(cast, world):
    import pytest

    from yizuyihui.resources.services import ResourceError

    team = services.team_create(actor=cast.users["city_admin"], node=cast.unit_e.node.get_parent(), name="李家村助老队",
                                service_type="elder_care")
    services.volunteer_join(team=team, actor=cast.users["city_admin"], person=cast.residents["resident"],
                            availability=EVENINGS)
    need = services.need_create(unit=cast.unit_a, actor=cast.users["unit_leader"], service_type="elder_care",
                                title="送餐")
    with pytest.raises(ResourceError):
        services.team_dispatch(team=team, need=need, actor=cast.users["city_admin"])
