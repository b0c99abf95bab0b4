"""Reads for deliberation, always from the viewer's scope (or one unit the caller has checked)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from yizuyihui.accounts.scope import paths_q, scope_q
from yizuyihui.cases.models import Case, CaseStatus
from yizuyihui.meetings.models import (
    LIVE_TOPIC,
    Action,
    ActionStatus,
    AgendaItem,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Opinion,
    Participant,
    Resolution,
    Topic,
    TopicStatus,
)
from yizuyihui.people.models import Body, Membership, Person


def meetings_visible_to(user) -> QuerySet[Meeting]:
    return Meeting.objects.filter(scope_q(user, "unit__node")).select_related("unit", "unit__node")


def actions_visible_to(user) -> QuerySet[Action]:
    return Action.objects.filter(scope_q(user, "unit__node")).select_related(
        "unit", "owner", "resolution__meeting", "resolution__topic")


def recent_meetings(*, user, limit: int = 50) -> QuerySet[Meeting]:
    return meetings_visible_to(user).order_by("-scheduled_at", "-pk")[:limit]


def action_list(*, user, state: str = "open", today: dt.date | None = None) -> QuerySet[Action]:
    """Follow-up list: open (due soonest first), overdue, or done."""
    today = today or timezone.localdate()
    qs = actions_visible_to(user)
    if state == "overdue":
        qs = qs.filter(status=ActionStatus.OPEN, due__lt=today)
    elif state == "done":
        qs = qs.filter(status=ActionStatus.DONE).order_by("-done_at")
    elif state == "open":
        qs = qs.filter(status=ActionStatus.OPEN)
    return qs


def open_action_counts(*, user, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    row = actions_visible_to(user).filter(status=ActionStatus.OPEN).aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(due__lt=today)))
    return {"open": row["open"] or 0, "overdue": row["overdue"] or 0}


@dataclass
class UnitAgenda:
    proposed: list[Topic]
    considered: list[Topic]
    set_aside: list[Topic]
    settled: list[Topic]
    matters_waiting: list[Case]  # on the agenda by 议单 but without a topic yet
    meetings: list[Meeting]


def unit_agenda(*, unit) -> UnitAgenda:
    topics = list(Topic.objects.filter(unit=unit).select_related("case", "considered_in")
                  .order_by("rank", "-created_at", "pk")[:300])
    live_topic = Topic.objects.filter(case=OuterRef("pk"), status__in=LIVE_TOPIC)
    waiting = list(Case.objects.filter(unit=unit, on_agenda=True, status=CaseStatus.DELIBERATING)
                   .exclude(Exists(live_topic)).order_by("filed_at")[:50])
    meetings = list(Meeting.objects.filter(unit=unit).annotate(n_items=Count("items"))
                    .order_by("-scheduled_at", "-pk")[:30])
    by = {s: [t for t in topics if t.status == s] for s in TopicStatus.values}
    return UnitAgenda(by[TopicStatus.PROPOSED], by[TopicStatus.CONSIDERED], by[TopicStatus.SET_ASIDE],
                      sorted(by[TopicStatus.SETTLED], key=lambda t: t.settled_at or t.created_at, reverse=True)[:30],
                      waiting, meetings)


def matters_for_agenda(*, unit) -> QuerySet[Case]:
    """Matters of the unit the Party group may still put on the agenda (received, reopened, or
    deliberating without a topic)."""
    live_topic = Topic.objects.filter(case=OuterRef("pk"), status__in=LIVE_TOPIC)
    return (Case.objects.filter(unit=unit, tier=1, status__in=[CaseStatus.FILED, CaseStatus.RECEIVED,
                                                                CaseStatus.DELIBERATING, CaseStatus.REOPENED])
            .exclude(Exists(live_topic)).order_by("-filed_at")[:50])


def meeting_detail(*, meeting: Meeting) -> dict:
    """Everything a meeting page and its minutes show, in a fixed number of queries."""
    participants = list(meeting.participants.select_related("person").order_by("body", "pk"))
    items = list(
        meeting.items.select_related("topic", "topic__case", "topic__considered_in", "resolution")
        .prefetch_related(
            Prefetch("opinions", queryset=Opinion.objects.select_related("participant__person")),
            Prefetch("resolution__actions", queryset=Action.objects.select_related("owner")),
        )
    )
    for item in items:
        item.outcome = getattr(item, "resolution", None)  # a missing reverse one-to-one is an AttributeError
    present = [p for p in participants if p.attended]
    return {
        "participants": participants,
        "present": present,
        "plus": [p for p in participants if p.body == Body.PLUS],
        "items": items,
        "attendance": (len(present), len(participants)),
    }


def owner_choices(*, meeting: Meeting) -> list[Person]:
    """Who can own an action: the meeting's participants and the unit's current members, each
    with `label` — name and place in the unit (张三 · 党小组), as the picker shows them."""
    posts: dict[int, str] = {}
    for p in meeting.participants.all():
        posts.setdefault(p.person_id, p.get_body_display())
    for m in Membership.objects.filter(unit=meeting.unit, ended__isnull=True).exclude(body=Body.PLUS):
        posts.setdefault(m.person_id, m.get_body_display())
    people = list(Person.objects.filter(pk__in=posts).order_by("name"))
    for person in people:
        person.label = f"{person.name} · {posts[person.pk]}" if posts[person.pk] else person.name
    return people


def considered_topics(*, unit) -> QuerySet[Topic]:
    """What a council meeting may take up now (组在前): ranked by the Party group."""
    return Topic.objects.filter(unit=unit, status=TopicStatus.CONSIDERED).order_by("rank", "pk")


def public_notice(*, unit, limit: int = 50) -> list[Resolution]:
    """Resolutions on the unit's board: what was decided, how, and how far it is carried out —
    no names, no phones, no free-text place (it may be a resident's home)."""
    return list(
        Resolution.objects.filter(unit=unit, passed=True)
        .select_related("meeting", "topic")
        .prefetch_related(Prefetch("actions", queryset=Action.objects.only(
            "pk", "resolution_id", "title", "due", "status", "done_at")))
        .order_by("-adopted_at")[:limit]
    )


@dataclass
class Mobilisation:
    council_meetings: int
    group_meetings: int
    topics_settled: int
    resolutions: int
    plus_members: int  # distinct people drawn in as "+" members of held meetings
    attended: int
    invited: int
    actions_done: int
    actions_done_on_time: int
    actions_overdue: int

    @property
    def attendance_rate(self) -> float | None:
        return round(self.attended / self.invited, 3) if self.invited else None

    @property
    def on_time_rate(self) -> float | None:
        return round(self.actions_done_on_time / self.actions_done, 3) if self.actions_done else None


def mobilisation(*, paths: tuple[str, ...], start: dt.datetime | None = None, end: dt.datetime | None = None,
                 today: dt.date | None = None) -> Mobilisation:
    """The mobilisation measures (DOMAIN §10) over the units under `paths` in [start, end):
    meetings held by kind, topics settled, "+" members involved, attendance, actions carried out."""
    today = today or timezone.localdate()
    held = Meeting.objects.filter(paths_q(paths, "unit__node"), status=MeetingStatus.HELD)
    if start:
        held = held.filter(held_at__gte=start)
    if end:
        held = held.filter(held_at__lt=end)
    by_kind = dict(held.values("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    seats = Participant.objects.filter(meeting__in=held)
    seat_row = seats.aggregate(invited=Count("pk"), attended=Count("pk", filter=Q(attended=True)))
    plus = seats.filter(body=Body.PLUS, attended=True).values("person_id").distinct().count()
    resolutions = Resolution.objects.filter(meeting__in=held, passed=True)
    topics = resolutions.values("topic_id").distinct().count()
    actions = Action.objects.filter(resolution__in=resolutions)
    act_row = actions.aggregate(
        done=Count("pk", filter=Q(status=ActionStatus.DONE)),
        on_time=Count("pk", filter=Q(status=ActionStatus.DONE, done_at__date__lte=F("due"))),
        overdue=Count("pk", filter=Q(status=ActionStatus.OPEN, due__lt=today)),
    )
    return Mobilisation(
        council_meetings=by_kind.get(MeetingKind.COUNCIL, 0), group_meetings=by_kind.get(MeetingKind.PARTY_GROUP, 0),
        topics_settled=topics, resolutions=resolutions.count(), plus_members=plus,
        attended=seat_row["attended"] or 0, invited=seat_row["invited"] or 0,
        actions_done=act_row["done"] or 0, actions_done_on_time=act_row["on_time"] or 0,
        actions_overdue=act_row["overdue"] or 0,
    )


def item_for(*, meeting: Meeting, item_id) -> AgendaItem:
    # An unknown item (a stale page, a crafted form) is a 404, not a 500.
    return get_object_or_404(meeting.items.select_related("topic", "meeting__unit__node"), pk=item_id)


# --- attendance, for the incentives app (thank-you letters, reports, honours) ---------------------
def _attended(path: str, start, end, body: str | None):
    seats = Participant.objects.filter(attended=True, meeting__status=MeetingStatus.HELD,
                                       meeting__unit__node__path__startswith=path,
                                       meeting__held_at__gte=start, meeting__held_at__lt=end)
    return seats.filter(body=body) if body else seats


def attendance_of(*, person_ids, path: str, start, end) -> list[Participant]:
    """The held meetings under `path` these people attended in [start, end)."""
    return list(_attended(path, start, end, None).filter(person_id__in=list(person_ids))
                .select_related("meeting", "meeting__unit").order_by("person_id", "meeting__held_at", "pk"))


def attendance_counts(*, path: str, start, end, body: str | None = None) -> dict[tuple[int, int], int]:
    """(person id, unit id) → held meetings of that unit attended in [start, end), in `body` if given."""
    rows = (_attended(path, start, end, body).values("person_id", "meeting__unit_id").annotate(n=Count("pk"))
            .values_list("person_id", "meeting__unit_id", "n"))
    return {(pid, uid): n for pid, uid, n in rows}


def plus_attendee_ids(*, path: str, start, end) -> set[int]:
    return set(_attended(path, start, end, Body.PLUS).values_list("person_id", flat=True))
