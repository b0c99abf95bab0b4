"""Scope-matrix entries for the meetings app (merged by tests/accounts/test_accounts_scope_matrix.py)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from scope import ALL, OVER_UNIT_A, OVER_UNIT_D, STAFF, Probe

# The Party group of unit A and the levels that lead it run its meetings (cases.rules.MANAGER_ROLES).
RUN_A = frozenset({"city_admin", "community_cadre", "district_official", "street_official", "unit_leader"})
RUN_D = frozenset({"city_admin", "district_official", "outsider"})


def _held_council(c, unit="unit_a"):
    """A held council meeting with one resolution and one action (built through the services)."""
    from yizuyihui.meetings import services
    from yizuyihui.meetings.models import Decision, MeetingKind, PlaceKind

    u = getattr(c, unit)
    actor = None  # the system: the probe is about reading, not about who convened
    topic = services.topic_propose(unit=u, actor=None, title="楼道堆物")
    when = timezone.now() - dt.timedelta(hours=1)
    pre = services.meeting_convene(unit=u, actor=actor, kind=MeetingKind.PARTY_GROUP, scheduled_at=when,
                                   place_kind=PlaceKind.SERVICE_CENTRE, topics=[topic])
    from yizuyihui.people.models import Person

    if not pre.participants.exists():  # units other than A have no seated members in the cast
        from yizuyihui.meetings.models import Participant

        Participant.objects.create(meeting=pre, person=Person.objects.filter(node=u.node).first() or
                                   Person.objects.first(), body="party_group")
    services.meeting_hold(meeting=pre, actor=actor, attended=pre.participants.values_list("pk", flat=True))
    services.topic_consider(meeting=pre, actor=actor, topic=topic, rank=1, direction="先听居民意见")
    meeting = services.meeting_convene(unit=u, actor=actor, kind=MeetingKind.COUNCIL, scheduled_at=when,
                                       place_kind=PlaceKind.PROPERTY_OFFICE, topics=[topic])
    seat = services.plus_member_invite(meeting=meeting, actor=actor, identity="police", name="民警")
    services.meeting_hold(meeting=meeting, actor=actor, attended=[seat.pk])
    services.resolution_adopt(item=meeting.items.get(), actor=actor, text="限期清理", decided_by=Decision.CONSENSUS,
                              actions=[services.ActionSpec(title="清理", owner=seat.person,
                                                           due=timezone.localdate() + dt.timedelta(days=3))])
    return meeting


def _living_in(c, unit):
    """Personas whose home is in the unit: its residents may read its notice and propose topics."""
    return frozenset(p for p, person in c.residents.items() if person.node_id == getattr(c, unit).node_id)


def _action(c):
    return _held_council(c).resolutions.get().actions.get()


ROUTES = {
    # Residents are sent on to their unit's notice (a redirect is < 400): everyone may open it.
    "meetings:index": lambda c: [Probe(reverse("meetings:index"), ALL)],
    "meetings:unit": lambda c: [
        Probe(reverse("meetings:unit", args=[c.unit_a.pk]), OVER_UNIT_A),
        Probe(reverse("meetings:unit", args=[c.unit_d.pk]), OVER_UNIT_D),
    ],
    # Proposals: members and residents of the unit.
    "meetings:unit_act": lambda c: [
        Probe(reverse("meetings:unit_act", args=[c.unit_a.pk, "propose"]), OVER_UNIT_A | _living_in(c, "unit_a"),
              method="post"),
        Probe(reverse("meetings:unit_act", args=[c.unit_a.pk, "convene"]), RUN_A, method="post"),
        Probe(reverse("meetings:unit_act", args=[c.unit_d.pk, "convene"]), RUN_D, method="post"),
    ],
    "meetings:detail": lambda c: [
        Probe(reverse("meetings:detail", args=[_held_council(c).pk]), OVER_UNIT_A),
        Probe(reverse("meetings:detail", args=[_held_council(c, "unit_d").pk]), OVER_UNIT_D),
    ],
    "meetings:act": lambda c: [Probe(reverse("meetings:act", args=[_held_council(c).pk, "minutes"]), RUN_A,
                                     method="post")],
    "meetings:minutes_pdf": lambda c: [Probe(reverse("meetings:minutes_pdf", args=[_held_council(c).pk]), OVER_UNIT_A)],
    "meetings:actions": lambda c: [Probe(reverse("meetings:actions"), STAFF)],
    # The owner (a "+" member without an account here) or the Party group and the levels above.
    "meetings:action_complete": lambda c: [Probe(reverse("meetings:action_complete", args=[_action(c).pk]), RUN_A,
                                                 method="post", data={"note": "已完成"})],
    "meetings:board": lambda c: [
        Probe(reverse("meetings:board", args=[c.unit_a.pk]), OVER_UNIT_A | _living_in(c, "unit_a")),
        Probe(reverse("meetings:board", args=[c.unit_d.pk]), OVER_UNIT_D | _living_in(c, "unit_d")),
    ],
}
