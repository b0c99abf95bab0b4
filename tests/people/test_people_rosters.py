"""Rosters and posts: cadres keep their units' Party groups, councils, "+" pools and posts; the
paper's size and Party-share rules are warned about and need a confirmation; every change is
recorded; nobody changes a unit outside their scope."""

import pytest
from django.urls import reverse

from yizuyihui.audit.models import AuditAction, AuditEvent
from yizuyihui.core.errors import ServiceForbidden
from yizuyihui.people.models import Body, Membership, Person, Post, Role
from yizuyihui.people.services import (
    RosterNeedsConfirmation,
    membership_add,
    membership_end,
    membership_move,
    post_add,
    post_end,
    post_move,
)

pytestmark = pytest.mark.django_db


def _council(unit):
    return Membership.objects.filter(unit=unit, body=Body.COUNCIL, ended__isnull=True)


def _snapshot():
    return (sorted(Membership.objects.values_list("pk", "unit_id", "body", "role", "ended")),
            sorted(Post.objects.values_list("pk", "node_id", "role", "active")),
            AuditEvent.objects.filter(action=AuditAction.ROSTER_CHANGED).count())


def _new_person(cast, name, party=False, unit=None):
    unit = unit or cast.unit_a
    return Person.objects.create(name=name, gender="F", node=unit.node, is_party_member=party)


def test_it_adds_a_council_member_and_records_it(cast):
    cadre = cast.users["community_cadre"]
    person = _new_person(cast, "王议事", party=True)
    m = membership_add(person=person, unit=cast.unit_a, body=Body.COUNCIL, identity="mass_rep", actor=cadre)
    cast.unit_a.refresh_from_db()
    assert cast.unit_a.council_size == 6
    event = AuditEvent.objects.filter(action=AuditAction.ROSTER_CHANGED).latest("pk")
    assert event.actor_id == cadre.pk and event.object_id == str(cast.unit_a.pk)
    assert event.detail["change"] == "add" and event.detail["membership"] == m.pk


def test_ending_a_seat_that_shrinks_the_council_below_five_needs_a_confirmation(cast):
    cadre = cast.users["community_cadre"]
    seat = _council(cast.unit_a).get(person__name="议事会成员0")
    before = _snapshot()
    with pytest.raises(RosterNeedsConfirmation) as exc:
        membership_end(membership=seat, actor=cadre)
    assert [w.rule for w in exc.value.warnings] == ["council_size"]
    assert _snapshot() == before  # nothing written
    membership_end(membership=seat, actor=cadre, confirmed=True)
    assert _council(cast.unit_a).count() == 4
    event = AuditEvent.objects.filter(action=AuditAction.ROSTER_CHANGED).latest("pk")
    assert event.detail["change"] == "end" and event.detail["warnings"]  # recorded with the warning


def test_a_council_with_too_few_party_members_is_warned_about(cast):
    cadre = cast.users["community_cadre"]
    # unit A's council: 3 Party members of 5; two more non-members make it 3 of 7 (43 % < 50 %).
    membership_add(person=_new_person(cast, "群众甲"), unit=cast.unit_a, body=Body.COUNCIL, actor=cadre)
    with pytest.raises(RosterNeedsConfirmation) as exc:
        membership_add(person=_new_person(cast, "群众乙"), unit=cast.unit_a, body=Body.COUNCIL, actor=cadre)
    assert [w.rule for w in exc.value.warnings] == ["council_party_share"]
    assert "43%" in exc.value.warnings[0].message


def test_a_party_group_above_seven_is_warned_about(cast):
    cadre = cast.users["community_cadre"]
    for i in range(4):
        membership_add(person=_new_person(cast, f"党员{i}", party=True), unit=cast.unit_a, body=Body.PARTY_GROUP,
                       actor=cadre)
    with pytest.raises(RosterNeedsConfirmation) as exc:
        membership_add(person=_new_person(cast, "党员8", party=True), unit=cast.unit_a, body=Body.PARTY_GROUP,
                       actor=cadre)
    assert [w.rule for w in exc.value.warnings] == ["party_group_size"]


def test_a_change_toward_the_rule_is_not_warned_about(cast):
    """A council of 4 growing to 5 breaks nothing new."""
    cadre = cast.users["community_cadre"]
    membership_end(membership=_council(cast.unit_a).get(person__name="议事会成员0"), actor=cadre, confirmed=True)
    membership_add(person=_new_person(cast, "党员新", party=True), unit=cast.unit_a, body=Body.COUNCIL, actor=cadre)
    assert _council(cast.unit_a).count() == 5


def test_a_cadre_cannot_touch_a_unit_outside_their_scope(cast):
    cadre = cast.users["community_cadre"]
    before = _snapshot()
    with pytest.raises(ServiceForbidden):
        membership_add(person=_new_person(cast, "外人", unit=cast.unit_d), unit=cast.unit_d, body=Body.COUNCIL,
                       actor=cadre, confirmed=True)
    with pytest.raises(ServiceForbidden):
        membership_move(membership=_council(cast.unit_a).first(), unit=cast.unit_d, actor=cadre, confirmed=True)
    assert _snapshot() == before


def test_a_member_moves_from_the_plus_pool_into_the_council_and_both_seats_stay(cast):
    cadre = cast.users["community_cadre"]
    person = _new_person(cast, "热心人", party=True)
    plus = membership_add(person=person, unit=cast.unit_a, body=Body.PLUS, purpose="楼道整治", actor=cadre)
    moved = membership_move(membership=plus, body=Body.COUNCIL, actor=cadre)
    plus.refresh_from_db()
    assert plus.ended is not None and moved.body == Body.COUNCIL and moved.ended is None
    assert AuditEvent.objects.filter(action=AuditAction.ROSTER_CHANGED, detail__change="move").count() == 1


def test_posts_are_given_moved_and_ended_by_a_cadre_only_below_their_rank(cast):
    cadre = cast.users["community_cadre"]
    user = cast.users["resident"]
    post = post_add(user=user, role=Role.BUILDING_HEAD, node=cast.unit_a.node, actor=cadre)
    moved = post_move(post=post, node=cast.unit_b.node, actor=cadre)
    assert moved.node_id == cast.unit_b.node_id
    post_end(post=moved, actor=cadre)
    assert not Post.objects.get(pk=moved.pk).active
    changes = list(AuditEvent.objects.filter(action=AuditAction.ROSTER_CHANGED, detail__post=post.pk)
                   .values_list("detail__change", flat=True))
    assert sorted(changes) == ["add", "end", "move"]
    before = _snapshot()
    with pytest.raises(ServiceForbidden):  # a cadre does not make cadres
        post_add(user=user, role=Role.COMMUNITY_CADRE, node=cast.community, actor=cadre)
    with pytest.raises(ServiceForbidden):  # nor posts in another street
        post_add(user=user, role=Role.GRID_WORKER, node=cast.unit_d.node, actor=cadre)
    assert _snapshot() == before


# --- the pages ---------------------------------------------------------------------------------


def test_the_unit_page_links_to_the_roster_for_a_cadre_only(cast, login):
    url = reverse("org:unit_detail", args=[cast.unit_a.pk])
    assert reverse("people:roster", args=[cast.unit_a.pk]) in login("community_cadre").get(url).content.decode()
    assert reverse("people:roster", args=[cast.unit_a.pk]) not in login("grid_worker").get(url).content.decode()


def test_the_search_finds_people_by_name_in_scope_only(cast, login):
    client = login("community_cadre")
    found = client.get(reverse("people:roster_search", args=[cast.unit_a.pk]), {"q": "议事会"}).content.decode()
    assert "议事会成员0" in found
    _new_person(cast, "远方来客", unit=cast.unit_d)
    found = client.get(reverse("people:roster_search", args=[cast.unit_a.pk]), {"q": "远方"}).content.decode()
    assert "远方来客" not in found


def test_a_rule_breaking_change_on_the_page_shows_the_warning_and_saves_only_when_confirmed(cast, login):
    client = login("community_cadre")
    seat = _council(cast.unit_a).get(person__name="议事会成员0")
    url = reverse("people:membership_end", args=[seat.pk])
    response = client.post(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="roster-warnings"' in page and 'name="confirmed"' in page
    assert _council(cast.unit_a).count() == 5
    response = client.post(url, {"confirmed": "1"})
    assert response.status_code == 302
    assert _council(cast.unit_a).count() == 4
    history = client.get(reverse("people:roster", args=[cast.unit_a.pk])).content.decode()
    assert "议事会成员0" in history


def test_a_person_outside_the_cadres_scope_cannot_be_seated(cast, login):
    client = login("community_cadre")
    stranger = _new_person(cast, "外街人", unit=cast.unit_d)
    before = _snapshot()
    response = client.post(reverse("people:membership_add", args=[cast.unit_a.pk]),
                           {"body": Body.COUNCIL, "person": stranger.pk, "confirmed": "1"})
    assert response.status_code == 403
    assert _snapshot() == before


@pytest.mark.parametrize("persona", ["outsider", "grid_worker", "unit_leader", "resident"])
def test_others_get_403_and_nothing_changes(cast, login, persona):
    client = login(persona)
    seat = _council(cast.unit_a).first()
    post = Post.objects.get(user=cast.users["grid_worker"])
    person = _new_person(cast, "新人", party=True)
    before = _snapshot()
    for url, data in (
        (reverse("people:membership_add", args=[cast.unit_a.pk]), {"body": "council", "person": person.pk,
                                                                  "confirmed": "1"}),
        (reverse("people:membership_end", args=[seat.pk]), {"confirmed": "1"}),
        (reverse("people:membership_move", args=[seat.pk]), {"body": "party_group", "confirmed": "1"}),
        (reverse("people:post_add", args=[cast.unit_a.pk]), {"user_person": person.pk, "role": "grid_worker"}),
        (reverse("people:post_end", args=[post.pk]), {}),
        (reverse("people:post_move", args=[post.pk]), {"unit": cast.unit_b.pk}),
    ):
        assert client.post(url, data).status_code == 403, url
    assert client.get(reverse("people:roster", args=[cast.unit_a.pk])).status_code == 403
    assert _snapshot() == before


def test_a_member_is_moved_to_the_next_grid_on_the_page(cast, login):
    client = login("community_cadre")
    seat = Membership.objects.get(unit=cast.unit_a, body=Body.PARTY_GROUP, person__name="grid_worker")
    page = client.get(reverse("people:membership_move", args=[seat.pk])).content.decode()
    assert cast.unit_b.name in page and cast.unit_d.name not in page  # only units the cadre keeps
    response = client.post(reverse("people:membership_move", args=[seat.pk]),
                           {"unit": cast.unit_b.pk, "body": Body.PARTY_GROUP})
    # unit A's Party group drops to 2 (below 3): warned first, then confirmed
    assert 'data-testid="roster-warnings"' in response.content.decode()
    assert Membership.objects.filter(unit=cast.unit_b, ended__isnull=True).count() == 0
    response = client.post(reverse("people:membership_move", args=[seat.pk]),
                           {"unit": cast.unit_b.pk, "body": Body.PARTY_GROUP, "confirmed": "1"})
    assert response.status_code == 302
    assert Membership.objects.get(unit=cast.unit_b, ended__isnull=True).person.name == "grid_worker"
    history = client.get(reverse("people:roster", args=[cast.unit_b.pk])).content.decode()
    assert f"从 {cast.unit_a.name} 调到 {cast.unit_b.name}" in history
    assert client.post(reverse("people:membership_move", args=[seat.pk]),  # ended: refused, nothing changes
                       {"unit": cast.unit_a.pk, "confirmed": "1"}).status_code == 302
    assert list(Membership.objects.filter(person__name="grid_worker", ended__isnull=True)
                .values_list("unit_id", flat=True)) == [cast.unit_b.pk]


def test_a_post_is_given_and_moved_on_the_page(cast, login):
    client = login("community_cadre")
    resident = cast.residents["resident"]
    response = client.post(reverse("people:post_add", args=[cast.unit_a.pk]),
                           {"user_person": resident.pk, "role": "building_head"})
    assert response.status_code == 302
    post = Post.objects.get(user=resident.user, role="building_head")
    assert post.node_id == cast.unit_a.node_id
    roster = client.get(reverse("people:roster", args=[cast.unit_a.pk])).content.decode()
    assert "building_head" in roster and "楼栋长" in roster
    assert client.post(reverse("people:post_move", args=[post.pk]), {"unit": cast.unit_b.pk}).status_code == 302
    post.refresh_from_db()
    assert post.node_id == cast.unit_b.node_id
    # a cadre cannot give a post they do not rank above
    before = _snapshot()
    assert client.post(reverse("people:post_add", args=[cast.unit_a.pk]),
                       {"user_person": resident.pk, "role": "community_cadre"}).status_code == 403
    assert _snapshot() == before
