"""The dashboard's mobilisation panel reads rollups (meetings/rollups.py, insights/panel_rollups.py).
Over seeded random histories — topics through Party-group pre-meetings and council meetings held on
random days around local midnight, random attendance and "+" members, resolutions with actions
done on time, late or left open, reconvened meetings that supersede open actions, a meeting moved
to another day — the rollup figures equal selectors.mobilisation for nodes × periods × clocks, and
`rebuild` reproduces the incrementally maintained tables."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone

from yizuyihui.insights import panel_rollups
from yizuyihui.insights.models import PanelDayTotal, PanelDayUnit, PanelDirty
from yizuyihui.meetings import rollups, services
from yizuyihui.meetings.models import Action, ActionStatus, Decision, Meeting, MeetingKind, PlaceKind
from yizuyihui.meetings.selectors import mobilisation

pytestmark = pytest.mark.django_db
CST = dt.timezone(dt.timedelta(hours=8))


def _history(cast, run_meeting, rng: random.Random, today: dt.date) -> None:
    leader = cast.users["unit_leader"]
    for i in range(rng.randrange(3, 6)):
        topics = [run_meeting.propose(f"议题{i}-{k}") for k in range(rng.randrange(1, 3))]
        run_meeting.pre_meeting(*topics)
        meeting = run_meeting.council(*topics, plus=rng.random() < 0.7, hold=False)
        seats = list(meeting.participants.values_list("pk", flat=True))
        held = dt.datetime.combine(today - dt.timedelta(days=rng.randrange(50)), dt.time(rng.choice([0, 8, 23]), 58),
                                   tzinfo=CST)
        services.meeting_hold(meeting=meeting, actor=leader, attended=rng.sample(seats, rng.randrange(1, len(seats) + 1)),
                              held_at=held)
        for topic in topics:
            specs = [services.ActionSpec(title=f"事{k}", owner=cast.residents[rng.choice(["grid_worker", "council_member"])],
                                         due=held.date() + dt.timedelta(days=rng.randrange(0, 40))) for k in range(rng.randrange(1, 3))]
            services.resolution_adopt(item=meeting.items.get(topic=topic), actor=leader, text="方案",
                                      decided_by=Decision.CONSENSUS, actions=specs)
        if rng.random() < 0.5:
            panel_rollups.refresh()  # the minute job runs between the writes
    for action in Action.objects.filter(status=ActionStatus.OPEN):
        if rng.random() < 0.5:
            services.action_complete(action=action, actor=cast.users["unit_leader"],
                                     now=dt.datetime.combine(action.due + dt.timedelta(days=rng.choice([-2, 0, 1, 5])),
                                                             dt.time(23, 30), tzinfo=CST))
    panel_rollups.refresh()
    # A meeting moved to another day after it was held (its old bucket must be emptied).
    moved = Meeting.objects.filter(kind=MeetingKind.COUNCIL).order_by("?").first()
    moved.held_at = moved.held_at - dt.timedelta(days=rng.randrange(1, 40))
    moved.save(update_fields=["held_at"])
    # A planned meeting that is never held counts nowhere.
    services.meeting_convene(unit=cast.unit_a, actor=leader, kind=MeetingKind.COUNCIL,
                             scheduled_at=timezone.now() + dt.timedelta(days=3), place_kind=PlaceKind.SERVICE_CENTRE,
                             topics=[])


def _snapshot():
    fields = ("n1", "n2", "n3", "n4", "hist")
    return ({(r.source, r.path, r.grain, r.day, r.key): tuple(getattr(r, f) for f in fields)
             for r in PanelDayTotal.objects.filter(source="meetings") if any(getattr(r, f) for f in fields)},
            {(r.source, r.node_id, r.day, r.key): tuple(getattr(r, f) for f in fields)
             for r in PanelDayUnit.objects.filter(source="meetings") if any(getattr(r, f) for f in fields)})


@pytest.mark.parametrize("seed", [1, 2])
def test_mobilisation_from_rollups_equals_the_from_scratch_figures(cast, run_meeting, seed):
    rng = random.Random(seed)
    today = timezone.localdate()
    _history(cast, run_meeting, rng, today)
    assert PanelDirty.objects.filter(source="meetings").exists()
    panel_rollups.refresh()
    seen = 0
    user = cast.users["city_admin"]
    for node in (cast.city, cast.street, cast.community, cast.unit_a.node, cast.unit_b.node):
        for start_off, length in ((-60, 61), (-30, 31), (-10, 3), (-1, 1), (-45, 20), (0, 1)):
            start = today + dt.timedelta(days=start_off)
            end = start + dt.timedelta(days=length)
            for clock in (today, today - dt.timedelta(days=15), today + dt.timedelta(days=30)):
                s = dt.datetime.combine(start, dt.time(), tzinfo=CST)
                e = dt.datetime.combine(end, dt.time(), tzinfo=CST)
                ref = mobilisation(paths=(node.path,), start=s, end=e, today=clock)
                got = rollups.mobilisation(user=user, node=node, start=start, end=end, today=clock)
                assert got == ref, (node, start, end, clock)
                seen += ref.council_meetings + ref.actions_done + ref.actions_overdue
    assert seen > 0
    incremental = _snapshot()
    panel_rollups.rebuild_source("meetings")
    assert _snapshot() == incremental
