"""“+” members per matter: drawn in by a manager, see that matter and only it, add notes, are counted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from yizuyihui.people.models import Body, Membership
from yizuyihui.resources import selectors, services
from yizuyihui.resources.models import PlusRole, Source
from yizuyihui.resources.services import ResourceError, ResourceForbidden


def test_a_plus_member_sees_the_matter_drawn_into_and_no_other(cast, world):
    user = world.volunteer_user
    assert not user.has_perm("cases.view_case", world.dispute)
    services.plus_member_draw(case=world.dispute, actor=cast.users["unit_leader"], role=PlusRole.MEDIATE,
                              source=Source.VOLUNTEER, person=world.volunteer)
    assert user.has_perm("cases.view_case", world.dispute)
    assert not user.has_perm("cases.view_case", world.other_case)
    assert [c.pk for c in selectors.my_plus_matters(user=user)] == [world.dispute.pk]


def test_it_opens_a_plus_seat_on_the_unit_for_the_matter(cast, world):
    services.plus_member_draw(case=world.dispute, actor=cast.users["unit_leader"], role=PlusRole.WITNESS,
                              source=Source.RESIDENT, name="邻居王阿姨", phone="13700001111")
    seat = Membership.objects.get(unit=cast.unit_a, body=Body.PLUS, person__name="邻居王阿姨")
    assert f"#{world.dispute.pk}" in seat.purpose


def test_only_the_managers_of_the_matter_draw_people_in(cast, world):
    for persona in ("council_member", "grid_worker", "building_head", "resident", "outsider"):
        with pytest.raises(ResourceForbidden):
            services.plus_member_draw(case=world.dispute, actor=cast.users[persona], role=PlusRole.ADVISE,
                                      source=Source.VOLUNTEER, person=world.volunteer)
    for persona in ("unit_leader", "community_cadre"):
        plus = services.plus_member_draw(case=world.dispute, actor=cast.users[persona], role=PlusRole.ADVISE,
                                         source=Source.VOLUNTEER, person=world.volunteer)
        services.plus_member_end(plus=plus, actor=cast.users[persona])


def test_the_same_person_is_not_drawn_in_twice(cast, world):
    services.plus_member_draw(case=world.dispute, actor=cast.users["unit_leader"], role=PlusRole.ADVISE,
                              source=Source.VOLUNTEER, person=world.volunteer)
    with pytest.raises(ResourceError):
        services.plus_member_draw(case=world.dispute, actor=cast.users["unit_leader"], role=PlusRole.HANDLE,
                                  source=Source.VOLUNTEER, person=world.volunteer)


def test_an_ended_plus_member_no_longer_sees_the_matter(cast, world):
    plus = services.plus_member_draw(case=world.dispute, actor=cast.users["unit_leader"], role=PlusRole.MEDIATE,
                                     source=Source.VOLUNTEER, person=world.volunteer)
    services.plus_member_end(plus=plus, actor=cast.users["unit_leader"])
    assert not world.volunteer_user.has_perm("cases.view_case", world.dispute)
    assert Membership.objects.get(pk=plus.membership_id).ended is not None


def test_a_plus_member_adds_notes_and_an_outsider_cannot(cast, world, client):
    services.plus_member_draw(case=world.dispute, actor=cast.users["unit_leader"], role=PlusRole.MEDIATE,
                              source=Source.VOLUNTEER, person=world.volunteer)
    client.force_login(world.volunteer_user)
    response = client.post(reverse("resources:matter_act", args=[world.dispute.pk, "note"]), {"text": "已上门调解"})
    assert response.status_code == 302
    assert world.dispute.plus_notes.get().author == world.volunteer
    with pytest.raises(ResourceForbidden):
        services.plus_note_add(case=world.dispute, actor=cast.users["outsider"], text="x")
    assert client.get(reverse("resources:matter", args=[world.other_case.pk])).status_code == 403


def test_plus_members_are_counted_per_matter(cast, world):
    start = timezone.now() - dt.timedelta(days=1)
    for name in ("甲", "乙"):
        services.plus_member_draw(case=world.dispute, actor=cast.users["unit_leader"], role=PlusRole.WITNESS,
                                  source=Source.RESIDENT, name=name)
    services.plus_member_draw(case=world.other_case, actor=cast.users["unit_leader"], role=PlusRole.HANDLE,
                              source=Source.UNIT, person=cast.residents["council_member"])
    m = selectors.measures(path=cast.street.path, start=start, end=timezone.now() + dt.timedelta(days=1))
    assert (m.plus_members, m.matters_with_plus, m.plus_per_matter) == (3, 2, 1.5)
    assert selectors.measures(path=cast.other_street.path, start=start,
                              end=timezone.now() + dt.timedelta(days=1)).plus_members == 0


def test_a_registered_officials_plus_membership_goes_into_their_report(cast, world):
    official = cast.residents["outsider"]
    reg = services.registration_register(person=official, actor=cast.users["outsider"], kind="in_service",
                                         node=cast.community, employer="市财政局", services=["legal"], availability=7)
    services.registration_confirm(registration=reg, actor=cast.users["community_cadre"])
    services.plus_member_draw(case=world.dispute, actor=cast.users["unit_leader"], role=PlusRole.ADVISE,
                              source=Source.OFFICIAL, person=official)
    assert reg.activities.get().kind == "plus"


def test_the_dashboard_shows_the_resource_panel_with_a_drill_down(cast, world, login):
    services.plus_member_draw(case=world.dispute, actor=cast.users["unit_leader"], role=PlusRole.MEDIATE,
                              source=Source.VOLUNTEER, person=world.volunteer)
    client = login("street_official")
    page = client.get(reverse("insights:dashboard")).content.decode()
    assert f'{reverse("resources:measures")}?node={cast.street.pk}' in page
    drill = client.get(reverse("resources:measures"), {"node": cast.street.pk}).content.decode()
    assert cast.community.name in drill and cast.village.name in drill  # one row per node below
    assert client.get(reverse("resources:measures"), {"node": cast.other_street.pk}).status_code == 403
