"""Fixtures for deliberation: a unit-A meeting run from agenda to resolution through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yizuyihui.meetings import services
from yizuyihui.meetings.models import MeetingKind, PlaceKind


@pytest.fixture
def run_meeting(cast):
    """Helpers that take a topic through the Party group and into a held council meeting."""

    leader = cast.users["unit_leader"]
    when = timezone.now() - dt.timedelta(hours=2)

    class Helpers:
        def propose(self, title="楼道堆物清理", actor=None):
            return services.topic_propose(unit=cast.unit_a, actor=actor or cast.users["council_member"], title=title)

        def pre_meeting(self, *topics, take_up=True):
            meeting = services.meeting_convene(unit=cast.unit_a, actor=leader, kind=MeetingKind.PARTY_GROUP,
                                               scheduled_at=when, place_kind=PlaceKind.SERVICE_CENTRE, topics=topics)
            services.meeting_hold(meeting=meeting, actor=leader,
                                  attended=meeting.participants.values_list("pk", flat=True))
            for rank, topic in enumerate(topics, start=1):
                services.topic_consider(meeting=meeting, actor=leader, topic=topic, rank=rank,
                                        direction="依法依规，先听居民意见", take_up=take_up)
                topic.refresh_from_db()
            return meeting

        def council(self, *topics, plus=True, hold=True):
            meeting = services.meeting_convene(unit=cast.unit_a, actor=leader, kind=MeetingKind.COUNCIL,
                                               scheduled_at=when, place_kind=PlaceKind.PROPERTY_OFFICE,
                                               place="幸福小区物业办公室", topics=topics)
            if plus:
                services.plus_member_invite(meeting=meeting, actor=leader, identity="police", name="社区民警老王")
                services.plus_member_invite(meeting=meeting, actor=leader, identity="property_rep", name="物业李经理")
            if hold:
                services.meeting_hold(meeting=meeting, actor=leader,
                                      attended=meeting.participants.values_list("pk", flat=True))
            return meeting

        def item(self, meeting, topic):
            return meeting.items.get(topic=topic)

        def spec(self, persona="grid_worker", title="清理楼道杂物", days=7):
            return services.ActionSpec(title=title, owner=cast.residents[persona],
                                       due=timezone.localdate() + dt.timedelta(days=days))

    return Helpers()
