"""Deliberation services: 组在前，会在后, outcomes, actions and their matters, follow-up."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from factories import file_matter

from yizuyihui.cases.models import CaseStatus
from yizuyihui.meetings import services
from yizuyihui.meetings.models import ActionStatus, Decision, MeetingKind, PlaceKind, TopicStatus
from yizuyihui.people.models import Body, Membership
from yizuyihui.supervision.models import Supervision

pytestmark = pytest.mark.django_db


# --- 组在前，会在后 ---------------------------------------------------------------------------------
def test_a_council_meeting_cannot_take_up_a_topic_the_party_group_has_not_considered(cast, run_meeting):
    topic = run_meeting.propose()
    with pytest.raises(services.MeetingError, match="组在前"):
        run_meeting.council(topic)


def test_a_topic_cannot_be_added_to_a_council_agenda_before_the_party_group_considers_it(cast, run_meeting):
    considered = run_meeting.propose("停车难")
    run_meeting.pre_meeting(considered)
    meeting = run_meeting.council(considered, hold=False)
    fresh = run_meeting.propose("广场舞噪音")
    with pytest.raises(services.MeetingError, match="组在前"):
        services.meeting_add_topic(meeting=meeting, actor=cast.users["unit_leader"], topic=fresh)


def test_a_topic_the_party_group_set_aside_cannot_go_to_the_council(cast, run_meeting):
    topic = run_meeting.propose()
    run_meeting.pre_meeting(topic, take_up=False)
    assert topic.status == TopicStatus.SET_ASIDE
    with pytest.raises(services.MeetingError, match="组在前"):
        run_meeting.council(topic)


def test_the_party_group_ranks_topics_and_the_council_agenda_follows_the_ranking(cast, run_meeting):
    first, second = run_meeting.propose("加装电梯"), run_meeting.propose("垃圾分类")
    pre = run_meeting.pre_meeting(second, first)  # second ranked 1, first ranked 2
    assert (second.rank, first.rank) == (1, 2)
    assert second.considered_in == pre and second.direction
    meeting = run_meeting.council(first, second)
    assert [i.topic for i in meeting.items.all()] == [second, first]


def test_considering_needs_a_held_party_group_meeting_and_a_direction(cast, run_meeting):
    leader = cast.users["unit_leader"]
    topic = run_meeting.propose()
    pre = services.meeting_convene(unit=cast.unit_a, actor=leader, kind=MeetingKind.PARTY_GROUP,
                                   scheduled_at=timezone.now(), place_kind=PlaceKind.SERVICE_CENTRE, topics=[topic])
    with pytest.raises(services.MeetingError):
        services.topic_consider(meeting=pre, actor=leader, topic=topic, rank=1, direction="方向")
    services.meeting_hold(meeting=pre, actor=leader, attended=pre.participants.values_list("pk", flat=True))
    with pytest.raises(services.MeetingError):
        services.topic_consider(meeting=pre, actor=leader, topic=topic, rank=1, direction="  ")


def test_the_party_group_meeting_seats_its_members_and_the_council_its_own(cast, run_meeting):
    topic = run_meeting.propose()
    pre = run_meeting.pre_meeting(topic)
    council = run_meeting.council(topic)
    assert pre.participants.filter(body=Body.PARTY_GROUP).count() == 3
    assert council.participants.filter(body=Body.COUNCIL).count() == 5
    assert council.participants.filter(body=Body.PLUS).count() == 2


def test_only_the_party_group_and_the_levels_above_convene(cast, run_meeting):
    with pytest.raises(services.MeetingForbidden):
        services.meeting_convene(unit=cast.unit_a, actor=cast.users["council_member"], kind=MeetingKind.PARTY_GROUP,
                                 scheduled_at=timezone.now(), place_kind=PlaceKind.SERVICE_CENTRE)
    with pytest.raises(services.MeetingForbidden):
        services.meeting_convene(unit=cast.unit_a, actor=cast.users["outsider"], kind=MeetingKind.PARTY_GROUP,
                                 scheduled_at=timezone.now(), place_kind=PlaceKind.SERVICE_CENTRE)


def test_a_resident_of_the_unit_may_propose_a_topic_but_not_for_another_unit(cast):
    topic = services.topic_propose(unit=cast.unit_a, actor=cast.users["resident"], title="小区路灯太暗")
    assert topic.status == TopicStatus.PROPOSED
    with pytest.raises(services.MeetingForbidden):
        services.topic_propose(unit=cast.unit_d, actor=cast.users["resident"], title="不是我的网格")


# --- "+" members ----------------------------------------------------------------------------------------
def test_inviting_a_plus_member_draws_them_into_the_unit_for_the_meeting(cast, run_meeting):
    topic = run_meeting.propose()
    run_meeting.pre_meeting(topic)
    meeting = run_meeting.council(topic, plus=False, hold=False)
    seat = services.plus_member_invite(meeting=meeting, actor=cast.users["unit_leader"], identity="lawyer",
                                       name="法律明白人赵律师")
    membership = Membership.objects.get(pk=seat.membership_id)
    assert membership.body == Body.PLUS and membership.unit == cast.unit_a
    assert meeting.title in membership.purpose
    with pytest.raises(services.MeetingError):
        services.plus_member_invite(meeting=meeting, actor=cast.users["unit_leader"], identity="lawyer",
                                    person=seat.person)


# --- outcomes: consensus and votes -------------------------------------------------------------------------
def _held_council(cast, run_meeting):
    topic = run_meeting.propose()
    run_meeting.pre_meeting(topic)
    meeting = run_meeting.council(topic)  # 5 council members + 2 "+" members, all present
    return meeting, run_meeting.item(meeting, topic)


@pytest.mark.parametrize(("votes", "passed"), [
    ((4, 2, 1), True),
    ((3, 3, 1), False),  # a tie fails
    ((2, 1, 4), True),  # abstentions are not votes cast: 2 for against 1 passes
    ((1, 2, 0), False),
])
def test_a_vote_passes_by_a_simple_majority_of_votes_cast(cast, run_meeting, votes, passed):
    meeting, item = _held_council(cast, run_meeting)
    resolution = services.resolution_adopt(
        item=item, actor=cast.users["unit_leader"], text="由物业牵头清理", decided_by=Decision.VOTE,
        votes_for=votes[0], votes_against=votes[1], votes_abstain=votes[2], actions=[run_meeting.spec()])
    assert resolution.passed is passed
    assert (resolution.votes_for, resolution.votes_against, resolution.votes_abstain) == votes
    item.topic.refresh_from_db()
    assert item.topic.status == (TopicStatus.SETTLED if passed else TopicStatus.CONSIDERED)
    assert resolution.actions.count() == (1 if passed else 0)


def test_more_votes_than_people_present_are_refused(cast, run_meeting):
    meeting, item = _held_council(cast, run_meeting)
    with pytest.raises(services.MeetingError, match="7"):
        services.resolution_adopt(item=item, actor=cast.users["unit_leader"], text="方案", decided_by=Decision.VOTE,
                                  votes_for=6, votes_against=1, votes_abstain=1, actions=[run_meeting.spec()])


def test_a_vote_with_nobody_for_or_against_is_refused(cast, run_meeting):
    meeting, item = _held_council(cast, run_meeting)
    with pytest.raises(services.MeetingError):
        services.resolution_adopt(item=item, actor=cast.users["unit_leader"], text="方案", decided_by=Decision.VOTE,
                                  votes_abstain=3, actions=[run_meeting.spec()])


def test_consensus_passes_and_keeps_no_counts(cast, run_meeting):
    meeting, item = _held_council(cast, run_meeting)
    resolution = services.resolution_adopt(item=item, actor=cast.users["unit_leader"], text="各方同意",
                                           decided_by=Decision.CONSENSUS, votes_for=9, actions=[run_meeting.spec()])
    assert resolution.passed and resolution.votes_for == 0


def test_a_passed_resolution_needs_an_action_with_an_owner_and_a_deadline(cast, run_meeting):
    meeting, item = _held_council(cast, run_meeting)
    with pytest.raises(services.MeetingError):
        services.resolution_adopt(item=item, actor=cast.users["unit_leader"], text="方案", decided_by=Decision.CONSENSUS)
    late = services.ActionSpec(title="补办", owner=cast.residents["grid_worker"], due=timezone.localdate() - dt.timedelta(days=3))
    with pytest.raises(services.MeetingError):
        services.resolution_adopt(item=item, actor=cast.users["unit_leader"], text="方案", decided_by=Decision.CONSENSUS,
                                  actions=[late])


def test_every_participant_present_can_be_heard_and_no_one_absent(cast, run_meeting):
    topic = run_meeting.propose()
    run_meeting.pre_meeting(topic)
    leader = cast.users["unit_leader"]
    meeting = run_meeting.council(topic, hold=False)
    seats = list(meeting.participants.all())
    services.meeting_hold(meeting=meeting, actor=leader, attended=[s.pk for s in seats[1:]])
    item = run_meeting.item(meeting, topic)
    police = meeting.participants.get(identity="police")
    services.opinion_record(item=item, actor=leader, participant=police, text="夜间巡逻可以配合")
    seats[0].refresh_from_db()
    assert seats[0].attended is False
    with pytest.raises(services.MeetingError):
        services.opinion_record(item=item, actor=leader, participant=seats[0], text="不在场")


# --- actions move their matters ---------------------------------------------------------------------------
def _matter_to_resolution(cast, run_meeting, owners=("grid_worker", "council_member")):
    leader = cast.users["unit_leader"]
    case = file_matter(cast, title="小区东门积水严重", description="下雨就淹",
                     channel="web", suggest=False)
    topic = services.topic_from_case(case=case, actor=leader)
    case.refresh_from_db()
    assert case.status == CaseStatus.DELIBERATING and case.on_agenda
    run_meeting.pre_meeting(topic)
    meeting = run_meeting.council(topic)
    resolution = services.resolution_adopt(
        item=run_meeting.item(meeting, topic), actor=leader, text="疏通雨水管，物业出人、社区出钱",
        decided_by=Decision.VOTE, votes_for=6, votes_against=1,
        actions=[run_meeting.spec(p, title=f"{p}负责的行动", days=5 + i) for i, p in enumerate(owners)])
    case.refresh_from_db()
    return case, resolution


def test_a_matter_put_on_the_agenda_becomes_a_topic_once(cast):
    leader = cast.users["unit_leader"]
    case = file_matter(cast, title="噪音扰民", description="", channel="web",
                     suggest=False)
    first = services.topic_from_case(case=case, actor=leader)
    assert services.topic_from_case(case=case, actor=leader) == first
    assert first.case == case and first.source == "matter"


def test_adopting_a_resolution_dispatches_its_matter_to_the_action_owners(cast, run_meeting):
    case, resolution = _matter_to_resolution(cast, run_meeting)
    assert case.status == CaseStatus.DISPATCHED
    handlers = set(case.assignments.values_list("handler__username", flat=True))
    assert handlers == {"grid_worker", "council_member"}
    assert case.events.filter(action="dispatch").get().actor == cast.users["unit_leader"]


def test_completing_every_action_resolves_the_matter(cast, run_meeting):
    case, resolution = _matter_to_resolution(cast, run_meeting)
    first, second = resolution.actions.order_by("due")
    services.action_complete(action=first, actor=cast.users["grid_worker"], note="已疏通")
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS and case.handler == cast.users["grid_worker"]
    services.action_complete(action=second, actor=cast.users["council_member"], note="费用已落实")
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED
    assert "疏通雨水管" in case.result


def test_the_handler_completing_the_last_action_resolves_the_matter_in_their_name(cast, run_meeting):
    case, resolution = _matter_to_resolution(cast, run_meeting, owners=("grid_worker",))
    services.action_complete(action=resolution.actions.get(), actor=cast.users["grid_worker"])
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED
    assert case.events.get(action="resolve").actor == cast.users["grid_worker"]


def test_only_the_owner_or_the_party_group_completes_an_action(cast, run_meeting):
    case, resolution = _matter_to_resolution(cast, run_meeting)
    action = resolution.actions.order_by("due").first()
    with pytest.raises(services.MeetingForbidden):
        services.action_complete(action=action, actor=cast.users["building_head"])
    services.action_complete(action=action, actor=cast.users["unit_leader"], note="口头汇报已完成")
    with pytest.raises(services.MeetingError):
        services.action_complete(action=action, actor=cast.users["unit_leader"])


# --- overdue actions, supervision, reconvening ---------------------------------------------------------
def test_the_sweep_flags_overdue_actions_once_and_opens_supervision_by_the_community(cast, run_meeting):
    case, resolution = _matter_to_resolution(cast, run_meeting)
    later = timezone.now() + dt.timedelta(days=6)  # the first action (5 days) is late, the second not yet
    assert services.sweep_overdue_actions(now=later) == {"flagged": 1}
    assert services.sweep_overdue_actions(now=later) == {"flagged": 0}
    sup = Supervision.objects.get(kind=services.OVERDUE_KIND)
    assert sup.node == cast.community and sup.subject == resolution.actions.order_by("due").first()
    assert cast.users["unit_leader"].notifications.filter(subject__contains="grid_worker负责的行动").count() == 1
    # the owner was told twice: when the action was given, and when it went overdue
    assert cast.residents["grid_worker"].notifications.filter(subject__contains="grid_worker负责的行动").count() == 2


def test_the_unit_reconvenes_over_overdue_actions_and_the_new_resolution_replaces_them(cast, run_meeting):
    leader = cast.users["unit_leader"]
    case, resolution = _matter_to_resolution(cast, run_meeting)
    original = resolution.meeting
    services.sweep_overdue_actions(now=timezone.now() + dt.timedelta(days=10))
    again = services.meeting_reconvene(original=original, actor=leader, scheduled_at=timezone.now(),
                                       place_kind=PlaceKind.RESIDENT_HOME, place="3号楼王阿姨家",
                                       reason="雨水管疏通逾期，问责")
    assert again.reconvenes == original and again.kind == MeetingKind.COUNCIL
    assert list(again.items.values_list("topic", flat=True)) == [resolution.topic_id]
    services.meeting_hold(meeting=again, actor=leader, attended=again.participants.values_list("pk", flat=True))
    new = services.resolution_adopt(item=again.items.get(), actor=leader, text="改由社区统一施工",
                                    decided_by=Decision.CONSENSUS,
                                    actions=[run_meeting.spec("unit_leader", title="联系施工队", days=3)])
    assert set(resolution.actions.values_list("status", flat=True)) == {ActionStatus.SUPERSEDED}
    assert new.actions.get().status == ActionStatus.OPEN
    assert original.reconvened.get() == again


def test_a_reconvened_meeting_needs_a_reason(cast, run_meeting):
    case, resolution = _matter_to_resolution(cast, run_meeting)
    with pytest.raises(services.MeetingError):
        services.meeting_reconvene(original=resolution.meeting, actor=cast.users["unit_leader"],
                                   scheduled_at=timezone.now(), place_kind=PlaceKind.CULTURE_SQUARE, reason="")


def test_the_unit_reports_to_the_community_which_sees_it_under_supervision(cast, run_meeting):
    case, resolution = _matter_to_resolution(cast, run_meeting)
    report = services.community_report(unit=cast.unit_a, actor=cast.users["unit_leader"], text="物业拒不配合",
                                       actions=list(resolution.actions.all()), meeting=resolution.meeting)
    assert report.actions.count() == 2
    sup = Supervision.objects.get(kind=services.REPORT_KIND)
    assert sup.node == cast.community
    assert cast.users["community_cadre"].notifications.filter(body="物业拒不配合").exists()


def test_a_meeting_defaults_to_an_evening_and_cannot_be_held_before_it_starts(cast):
    from yizuyihui.meetings import services as ms
    from yizuyihui.meetings.views import default_meeting_time

    sh = dt.timezone(dt.timedelta(hours=8))
    assert default_meeting_time(dt.datetime(2026, 3, 2, 3, 10, tzinfo=sh)).strftime("%d %H:%M") == "02 19:30"
    assert default_meeting_time(dt.datetime(2026, 3, 2, 22, 0, tzinfo=sh)).strftime("%d %H:%M") == "03 19:30"
    now = dt.datetime(2026, 3, 2, 10, 0, tzinfo=sh)
    meeting = ms.meeting_convene(unit=cast.unit_a, actor=cast.users["unit_leader"], kind="council",
                                 scheduled_at=dt.datetime(2026, 3, 2, 19, 30, tzinfo=sh), place_kind="property_office",
                                 now=now, notify_members=False)
    seats = list(meeting.participants.values_list("pk", flat=True))
    with pytest.raises(ms.MeetingError):
        ms.meeting_hold(meeting=meeting, actor=cast.users["unit_leader"], attended=seats, now=now)
    # Corrected: it really took place at 09:00.
    ms.meeting_hold(meeting=meeting, actor=cast.users["unit_leader"], attended=seats, now=now,
                    held_at=dt.datetime(2026, 3, 2, 9, 0, tzinfo=sh))
    meeting.refresh_from_db()
    assert meeting.status == "held" and meeting.scheduled_at == dt.datetime(2026, 3, 2, 9, 0, tzinfo=sh)
