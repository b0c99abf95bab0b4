"""Every write of deliberation (议事: 组在前，会在后, DOMAIN §6): one function per step.

Pages, the demo generator and the periodic sweep all call these. Each checks who may take the
step (meetings.rules; `actor=None` is the system itself, as in cases.services), validates, writes
in one transaction and tells people through notifications.services (messages leave after commit).
Matters move on in the closed loop only through cases.services.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yizuyihui.accounts.roles import MANAGER_ROLES, is_staff
from yizuyihui.accounts.scope import in_scope
from yizuyihui.cases import services as case_services
from yizuyihui.cases.lifecycle import STEPS, may_start
from yizuyihui.cases.models import Case, CaseStatus
from yizuyihui.core.dates import when_text
from yizuyihui.core.errors import ServiceError, ServiceForbidden
from yizuyihui.meetings import rollups
from yizuyihui.meetings.models import (
    COUNCIL_READY,
    LIVE_TOPIC,
    Action,
    ActionStatus,
    AgendaItem,
    CommunityReport,
    Decision,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Opinion,
    Participant,
    PlaceKind,
    Resolution,
    Topic,
    TopicSource,
    TopicStatus,
)
from yizuyihui.notifications.services import notify
from yizuyihui.people.models import Body, Identity, Membership, Person, Role
from yizuyihui.resources.services import plus_seat_open
from yizuyihui.supervision.services import supervision_open

OVERDUE_KIND = "meeting_action_overdue"
REPORT_KIND = "meeting_report"


class MeetingError(ServiceError):
    """A step that cannot be taken (wrong state, the 组在前 gate, bad counts)."""


class MeetingForbidden(ServiceForbidden):
    """The actor may not take this step for this unit."""


def _now(now):
    return now or timezone.now()


def _require(actor, perm: str, obj) -> None:
    if actor is None:  # the system itself (sweep, demo generator)
        return
    if not actor.has_perm(perm, obj):
        raise MeetingForbidden(_("You may not do this for this unit"))


def _text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise MeetingError(message)
    return value


def _case_call(fn, **kwargs):
    """Call a cases service; its refusals become ours so a page shows one kind of error."""
    try:
        return fn(**kwargs)
    except case_services.CaseForbidden as exc:
        raise MeetingForbidden(str(exc)) from exc
    except case_services.CaseError as exc:
        raise MeetingError(str(exc)) from exc


# --- topics -----------------------------------------------------------------------------------------
def topic_propose(*, unit, actor, title: str, description: str = "", now=None) -> Topic:
    """A member or a resident of the unit proposes a topic; the Party group considers it first."""
    _require(actor, "meetings.propose_topic", unit)
    title = _text(title, _("Give the topic a title"))[:200]
    return Topic.objects.create(unit=unit, source=TopicSource.PROPOSAL, title=title, description=description or "",
                                proposed_by=actor, created_at=_now(now))


def topic_from_case(*, case: Case, actor, now=None) -> Topic:
    """议单: a matter that cannot be settled at once goes on the unit's meeting agenda.

    Moves the matter to "deliberating" through cases.services (receiving it first if nobody has);
    a matter already on the agenda keeps its one live topic."""
    now = _now(now)
    _require(actor, "meetings.run_meetings", case.unit)
    existing = Topic.objects.filter(case=case, status__in=LIVE_TOPIC).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        if may_start("receive", case):
            _case_call(case_services.case_receive, case=case, actor=actor, now=now)
        if may_start("deliberate", case):
            _case_call(case_services.case_deliberate, case=case, actor=actor, on_agenda=True, now=now,
                       reason=_("Put on the unit's meeting agenda"))
        elif case.status != CaseStatus.DELIBERATING:
            raise MeetingError(_("This matter cannot go on the agenda while it is “%(status)s”")
                               % {"status": case.get_status_display()})
        try:
            with transaction.atomic():
                return Topic.objects.create(unit=case.unit, source=TopicSource.MATTER, case=case, title=case.title,
                                            description=case.description, proposed_by=actor, created_at=now)
        except IntegrityError:  # the same matter put on the agenda twice at once
            return Topic.objects.get(case=case, status__in=LIVE_TOPIC)


# --- convening ----------------------------------------------------------------------------------------
def _check_group_first(meeting: Meeting, topic: Topic) -> None:
    """组在前，会在后 (the paper's rule for 问题交办): the council takes up only topics the Party
    group has considered and kept. The one place this rule lives; convening, adding a topic and
    adopting a resolution all pass through it."""
    if topic.unit_id != meeting.unit_id:
        raise MeetingError(_("“%(topic)s” belongs to another unit") % {"topic": topic.title})
    if meeting.kind == MeetingKind.COUNCIL and topic.status not in COUNCIL_READY:
        raise MeetingError(_("组在前，会在后: the Party group has not considered “%(topic)s” yet — "
                             "hold its pre-meeting first") % {"topic": topic.title})
    if meeting.kind == MeetingKind.PARTY_GROUP and topic.status == TopicStatus.SETTLED:
        raise MeetingError(_("“%(topic)s” is already settled") % {"topic": topic.title})


def _add_item(meeting: Meeting, topic: Topic) -> AgendaItem:
    _check_group_first(meeting, topic)
    # The council follows the Party group's ranking (most important first).
    order = topic.rank if meeting.kind == MeetingKind.COUNCIL and topic.rank else meeting.items.count() + 1
    item, _created = AgendaItem.objects.get_or_create(meeting=meeting, topic=topic, defaults={"order": order})
    return item


def _seat_fixed_members(meeting: Meeting) -> int:
    body = Body.PARTY_GROUP if meeting.kind == MeetingKind.PARTY_GROUP else Body.COUNCIL
    seats = Membership.objects.filter(unit=meeting.unit, body=body, ended__isnull=True).order_by("-role", "pk")
    rows = [Participant(meeting=meeting, person_id=m.person_id, body=body, identity=m.identity) for m in seats]
    Participant.objects.bulk_create(rows, ignore_conflicts=True)
    rollups.mark_meetings([meeting])
    return len(rows)


def meeting_convene(*, unit, actor, kind: str, scheduled_at: dt.datetime, place_kind: str, place: str = "",
                    title: str = "", topics: Iterable[Topic] = (), reconvenes: Meeting | None = None,
                    reconvene_reason: str = "", now=None, notify_members: bool = True) -> Meeting:
    """Call a Party-group pre-meeting or a council meeting; the body's fixed members are invited."""
    now = _now(now)
    _require(actor, "meetings.run_meetings", unit)
    if kind not in MeetingKind.values:
        raise MeetingError(_("Unknown kind of meeting"))
    if place_kind not in PlaceKind.values:
        raise MeetingError(_("Say where the meeting takes place"))
    if scheduled_at is None:
        raise MeetingError(_("Say when the meeting takes place"))
    title = (title or "").strip() or "%s · %s · %s" % (
        unit.name, MeetingKind(kind).label, timezone.localtime(scheduled_at).strftime("%Y-%m-%d"))
    with transaction.atomic():
        meeting = Meeting.objects.create(unit=unit, kind=kind, title=title[:200], place_kind=place_kind,
                                         place=place[:200], scheduled_at=scheduled_at, convened_by=actor,
                                         reconvenes=reconvenes, reconvene_reason=reconvene_reason, created_at=now)
        topics = list(topics)
        for topic in topics:
            _check_group_first(meeting, topic)
        # One INSERT for the agenda (the demo convenes hundreds of meetings); same order rule as _add_item.
        AgendaItem.objects.bulk_create([
            AgendaItem(meeting=meeting, topic=t, order=t.rank if kind == MeetingKind.COUNCIL and t.rank else i)
            for i, t in enumerate({t.pk: t for t in topics}.values(), start=1)])
        _seat_fixed_members(meeting)
        if notify_members:
            when = when_text(scheduled_at)
            for p in meeting.participants.select_related("person"):
                notify(person=p.person, subject=_("Meeting: %(title)s") % {"title": meeting.title},
                       body=f"{when} {meeting.get_place_kind_display()} {meeting.place}".strip())
    return meeting


def meeting_add_topic(*, meeting: Meeting, actor, topic: Topic) -> AgendaItem:
    _require(actor, "meetings.run_meetings", meeting.unit)
    return _add_item(meeting, topic)


def plus_member_invite(*, meeting: Meeting, actor, identity: str, person: Person | None = None, name: str = "",
                       phone: str = "", purpose: str = "", now=None) -> Participant:
    """Draw in a temporary "+" member for this meeting (resident concerned, official sent down,
    police, legal adviser, property company, volunteer) through people.services."""
    _require(actor, "meetings.run_meetings", meeting.unit)
    if meeting.kind != MeetingKind.COUNCIL:
        raise MeetingError(_("“+” members join the council meeting"))
    if identity not in Identity.values:
        raise MeetingError(_("Say who the “+” member is"))
    if person is not None and meeting.participants.filter(person=person).exists():
        raise MeetingError(_("%(name)s is already invited") % {"name": person.name})
    with transaction.atomic():
        try:  # the one way a "+" seat is opened (resources app), for matters and meetings alike
            person, membership = plus_seat_open(
                unit=meeting.unit, identity=identity, person=person, name=name, phone=phone,
                purpose=purpose or _("Meeting: %(title)s") % {"title": meeting.title},
                started=timezone.localtime(_now(now)).date())
        except ServiceError as exc:
            raise MeetingError(str(exc)) from exc
        return Participant.objects.create(meeting=meeting, person=person, body=Body.PLUS, identity=identity,
                                          membership=membership)


def meeting_hold(*, meeting: Meeting, actor, attended: Iterable[int], held_at: dt.datetime | None = None,
                 now=None) -> Meeting:
    """Record that the meeting took place and who came (`attended`: participant ids)."""
    now = _now(now)
    _require(actor, "meetings.run_meetings", meeting.unit)
    if meeting.status != MeetingStatus.PLANNED:
        raise MeetingError(_("This meeting is already recorded as held"))
    present = {int(pk) for pk in attended}
    seats = set(meeting.participants.values_list("pk", flat=True))
    if not present & seats:
        raise MeetingError(_("Tick who attended"))
    # Not held before it starts: a meeting that really took place earlier gets its time corrected
    # (held_at, which becomes the scheduled time too).
    corrected, held_at = held_at is not None, held_at or now
    if held_at > now:
        raise MeetingError(_("A meeting cannot be recorded as held at a time still to come"))
    if not corrected and now < meeting.scheduled_at:
        raise MeetingError(_("The meeting starts at %(when)s: record it as held after it starts, or correct the time")
                           % {"when": when_text(meeting.scheduled_at)})
    fields = ["status", "held_at"]
    if held_at < meeting.scheduled_at:
        meeting.scheduled_at = held_at
        fields.append("scheduled_at")
    with transaction.atomic():
        meeting.participants.filter(pk__in=present & seats).update(attended=True)
        meeting.participants.exclude(pk__in=present & seats).update(attended=False)
        meeting.status, meeting.held_at = MeetingStatus.HELD, held_at
        meeting.save(update_fields=fields)
    return meeting


# --- the Party group first ---------------------------------------------------------------------------
def topic_consider(*, meeting: Meeting, actor, topic: Topic, rank: int, direction: str, take_up: bool = True,
                   now=None) -> Topic:
    """The Party group's pre-meeting ranks a topic by importance and sets the direction (把方向),
    or sets it aside (with its reason in `direction`). Only then can the council take it up."""
    now = _now(now)
    _require(actor, "meetings.run_meetings", meeting.unit)
    if meeting.kind != MeetingKind.PARTY_GROUP:
        raise MeetingError(_("Topics are considered at the Party group's pre-meeting"))
    if meeting.status != MeetingStatus.HELD:
        raise MeetingError(_("Record the pre-meeting as held first"))
    if not meeting.items.filter(topic=topic).exists():
        raise MeetingError(_("“%(topic)s” is not on this meeting's agenda") % {"topic": topic.title})
    if topic.status == TopicStatus.SETTLED:
        raise MeetingError(_("“%(topic)s” is already settled") % {"topic": topic.title})
    if topic.considered_in_id == meeting.pk:  # recorded once: a second submit must not overwrite it
        raise MeetingError(_("“%(topic)s” is already recorded") % {"topic": topic.title})
    direction = _text(direction, _("Record the Party group's direction (把方向)"))
    try:
        rank = int(rank)
    except (TypeError, ValueError) as exc:
        raise MeetingError(_("Rank topics 1, 2, 3 … by importance")) from exc
    if rank < 1:
        raise MeetingError(_("Rank topics 1, 2, 3 … by importance"))
    topic.status = TopicStatus.CONSIDERED if take_up else TopicStatus.SET_ASIDE
    topic.rank, topic.direction, topic.considered_in, topic.considered_at = rank, direction, meeting, now
    topic.save(update_fields=["status", "rank", "direction", "considered_in", "considered_at"])
    return topic


# --- the council meeting -----------------------------------------------------------------------------
def opinion_record(*, item: AgendaItem, actor, participant: Participant, text: str, now=None) -> Opinion:
    """Every participant can speak: record what one said on one topic."""
    meeting = item.meeting
    _require(actor, "meetings.run_meetings", meeting.unit)
    if meeting.status != MeetingStatus.HELD:
        raise MeetingError(_("Record the meeting as held first"))
    if participant.meeting_id != meeting.pk or not participant.attended:
        raise MeetingError(_("Only people present can be heard"))
    text = _text(text, _("Write down the view"))
    return Opinion.objects.create(item=item, participant=participant, text=text, created_at=_now(now))


def vote_passes(*, votes_for: int, votes_against: int, votes_abstain: int = 0) -> bool:
    """A motion passes by a simple majority of the votes cast: more votes for than against.
    Abstentions are counted and kept but are not votes cast; a tie fails."""
    return votes_for > votes_against


@dataclass
class ActionSpec:
    title: str
    owner: Person
    due: dt.date


def _due_datetime(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(18, 0)))


def _dispatch_matter(*, resolution: Resolution, actions: list[Action], actor, now) -> None:
    """派单 through cases.services: the matter goes to the action owners who can handle matters of
    the unit (else to the Party-group leader who recorded the resolution). A matter that has moved
    on meanwhile (escalated, already dispatched before a reconvened meeting) is left as it is."""
    case = resolution.topic.case
    if case is None:
        return
    case.refresh_from_db()
    if not may_start("dispatch", case):
        return
    if actor is not None and not actor.has_perm(STEPS["dispatch"].perm, case):
        return  # the matter went up a tier: the level above dispatches it
    node = case.unit.node
    handlers = []
    for action in actions:
        user = action.owner.user
        if user is not None and is_staff(user) and in_scope(user, node) and user not in handlers:
            handlers.append(user)
    if not handlers and actor is not None and is_staff(actor) and in_scope(actor, node):
        handlers = [actor]
    if not handlers:
        return
    _case_call(case_services.case_dispatch, case=case, actor=actor, handlers=handlers,
               due=_due_datetime(max(a.due for a in actions)), now=now,
               reason=_("Resolution of %(meeting)s: %(text)s") % {"meeting": resolution.meeting.title,
                                                                  "text": resolution.text[:300]})


def resolution_adopt(*, item: AgendaItem, actor, text: str, decided_by: str, votes_for: int = 0,
                     votes_against: int = 0, votes_abstain: int = 0, actions: Iterable[ActionSpec] = (),
                     now=None) -> Resolution:
    """The council's outcome on one topic: a solution accepted by all sides (consensus) or a counted
    vote. A passed resolution becomes tracked actions and moves the topic's matter on (派单)."""
    now = _now(now)
    meeting = item.meeting
    _require(actor, "meetings.run_meetings", meeting.unit)
    if meeting.kind != MeetingKind.COUNCIL:
        raise MeetingError(_("Resolutions are adopted by the council meeting"))
    if meeting.status != MeetingStatus.HELD:
        raise MeetingError(_("Record the meeting as held first"))
    topic = item.topic
    _check_group_first(meeting, topic)
    if Resolution.objects.filter(item=item).exists():
        raise MeetingError(_("This topic already has its outcome at this meeting"))
    text = _text(text, _("Write down the solution"))
    if decided_by not in Decision.values:
        raise MeetingError(_("Say whether it was consensus or a vote"))
    counts = [int(votes_for or 0), int(votes_against or 0), int(votes_abstain or 0)]
    if min(counts) < 0:
        raise MeetingError(_("Votes cannot be negative"))
    if decided_by == Decision.CONSENSUS:
        counts, passed = [0, 0, 0], True
    else:
        present = meeting.participants.filter(attended=True).count()
        if counts[0] + counts[1] == 0:
            raise MeetingError(_("A vote needs at least one vote for or against"))
        if sum(counts) > present:
            raise MeetingError(_("%(n)s votes but only %(present)s people present")
                               % {"n": sum(counts), "present": present})
        passed = vote_passes(votes_for=counts[0], votes_against=counts[1], votes_abstain=counts[2])
    specs = list(actions)
    if passed and not specs:
        raise MeetingError(_("A resolution is carried out by actions: give at least one, with an owner and a deadline"))
    held_on = timezone.localtime(meeting.held_at or now).date()
    for spec in specs:
        _text(spec.title, _("Describe each action"))
        if spec.owner is None:
            raise MeetingError(_("Each action needs an owner"))
        if spec.due is None or spec.due < held_on:
            raise MeetingError(_("An action's deadline cannot be before the meeting"))
    with transaction.atomic():
        resolution = Resolution.objects.create(
            item=item, meeting=meeting, unit=meeting.unit, topic=topic, text=text, decided_by=decided_by,
            votes_for=counts[0], votes_against=counts[1], votes_abstain=counts[2], passed=passed, adopted_at=now,
            adopted_by=actor)
        if not passed:
            # A failed motion leaves the topic with the Party group's direction, for another meeting.
            return resolution
        # A reconvened meeting re-decides: its actions replace the open ones of earlier resolutions.
        rollups.mark_meeting_ids(Action.objects.filter(resolution__topic=topic, status=ActionStatus.OPEN)
                                 .values_list("resolution__meeting_id", flat=True).distinct())
        Action.objects.filter(resolution__topic=topic, status=ActionStatus.OPEN).update(
            status=ActionStatus.SUPERSEDED, note=_("Replaced by the resolution of %(meeting)s") % {"meeting": meeting.title})
        made = Action.objects.bulk_create([
            Action(resolution=resolution, unit=meeting.unit, title=s.title.strip()[:200], owner=s.owner, due=s.due,
                   created_at=now) for s in specs])
        rollups.mark_meetings([meeting])
        topic.status, topic.settled_at = TopicStatus.SETTLED, now
        topic.save(update_fields=["status", "settled_at"])
        _dispatch_matter(resolution=resolution, actions=made, actor=actor, now=now)
        for action in made:
            notify(person=action.owner, subject=_("Action for you: %(title)s") % {"title": action.title},
                   body=_("Deadline %(due)s · %(meeting)s") % {"due": action.due.isoformat(), "meeting": meeting.title})
    return resolution


def minutes_record(*, meeting: Meeting, actor, minutes: str, now=None) -> Meeting:
    _require(actor, "meetings.run_meetings", meeting.unit)
    if meeting.status != MeetingStatus.HELD:
        raise MeetingError(_("Record the meeting as held first"))
    meeting.minutes, meeting.minutes_at = _text(minutes, _("Write the minutes")), _now(now)
    meeting.save(update_fields=["minutes", "minutes_at"])
    return meeting


# --- carrying out and follow-up supervision (不间断协商监督) ------------------------------------------
def _advance_matter(*, action: Action, actor, now) -> None:
    """Move the topic's matter on as its actions are carried out: the first owner to act claims it
    (领单); when every action of the topic is done, it is resolved with the resolution as result.
    When the one completing is not the matter's handler (a leader recording an oral report), the
    step is taken by the system (actor None), the event's reason naming the action."""
    case = action.resolution.topic.case
    if case is None:
        return
    case.refresh_from_db()
    has_claim = actor is not None and case.assignments.filter(handler=actor, state="pending").exists()
    remaining = Action.objects.filter(resolution__topic_id=action.resolution.topic_id, status=ActionStatus.OPEN).exists()
    if may_start("claim", case) and (has_claim or not remaining):
        _case_call(case_services.case_claim, case=case, actor=actor if has_claim else None, now=now)
    is_handler = actor is not None and case.handler_id == actor.pk
    if not may_start("resolve", case):
        return
    note = _("Action done: %(title)s") % {"title": action.title} + (f" — {action.note}" if action.note else "")
    if remaining:
        if is_handler:
            _case_call(case_services.case_progress, case=case, actor=actor, note=note, now=now)
        return
    result = _("Carried out as resolved by %(meeting)s: %(text)s") % {
        "meeting": action.resolution.meeting.title, "text": action.resolution.text}
    _case_call(case_services.case_resolve, case=case, actor=actor if is_handler else None, result=result, now=now)


def action_complete(*, action: Action, actor, note: str = "", now=None) -> Action:
    now = _now(now)
    _require(actor, "meetings.complete_action", action)
    if action.status != ActionStatus.OPEN:
        raise MeetingError(_("This action is not open"))
    with transaction.atomic():
        updated = Action.objects.filter(pk=action.pk, status=ActionStatus.OPEN).update(
            status=ActionStatus.DONE, done_at=now, done_by=actor, note=(note or "").strip())
        if not updated:  # someone else completed it a moment ago
            raise MeetingError(_("This action is not open"))
        rollups.mark_meeting_ids(Resolution.objects.filter(pk=action.resolution_id).values_list("meeting_id", flat=True))
        action.refresh_from_db()
        _advance_matter(action=action, actor=actor, now=now)
    return action


def _unit_leaders(unit):
    return get_user_model().objects.filter(posts__active=True, posts__role=Role.UNIT_LEADER,
                                           posts__node=unit.node).distinct()


def _supervising_node(unit):
    """The community or village above the unit: the level that supervises its follow-up."""
    return unit.node.get_parent() or unit.node


def sweep_overdue_actions(*, now=None) -> dict[str, int]:
    """Flag open actions past their deadline, open 督办 by the level above the unit and tell the
    owner and the unit's Party-group leader. Idempotent: a flagged action is never picked again,
    and cases.services.supervision_open is unique per (subject, kind)."""
    now = _now(now)
    today = timezone.localtime(now).date()
    late = (Action.objects.filter(status=ActionStatus.OPEN, due__lt=today, overdue_flagged_at__isnull=True)
            .select_related("unit__node", "owner", "resolution__meeting"))
    flagged = 0
    for action in late.iterator(chunk_size=500):
        with transaction.atomic():
            # The conditional UPDATE claims the action: two sweeps at once flag it only once.
            if not Action.objects.filter(pk=action.pk, overdue_flagged_at__isnull=True).update(overdue_flagged_at=now):
                continue
            reason = _("Action “%(title)s” of %(meeting)s was due %(due)s") % {
                "title": action.title, "meeting": action.resolution.meeting.title, "due": action.due.isoformat()}
            supervision_open(subject=action, node=_supervising_node(action.unit), kind=OVERDUE_KIND,
                                           reason=reason, now=now)
            notify(person=action.owner, subject=_("Overdue: %(title)s") % {"title": action.title}, body=reason)
            for user in _unit_leaders(action.unit):
                notify(user=user, subject=_("Overdue action: %(title)s") % {"title": action.title}, body=reason)
        flagged += 1
    return {"flagged": flagged}


def meeting_reconvene(*, original: Meeting, actor, scheduled_at: dt.datetime, place_kind: str, reason: str,
                      place: str = "", now=None) -> Meeting:
    """Reconvene the council over an earlier meeting whose actions went wrong (问责): a new meeting
    linked to the original, taking up again the topics with open actions (or all its topics)."""
    _require(actor, "meetings.run_meetings", original.unit)
    if original.kind != MeetingKind.COUNCIL or original.status != MeetingStatus.HELD:
        raise MeetingError(_("Only a council meeting that took place can be reconvened"))
    reason = _text(reason, _("Say why the council reconvenes"))
    topic_ids = set(Action.objects.filter(resolution__meeting=original, status=ActionStatus.OPEN)
                    .values_list("resolution__topic_id", flat=True))
    if not topic_ids:
        topic_ids = set(original.items.values_list("topic_id", flat=True))
    topics = list(Topic.objects.filter(pk__in=topic_ids).order_by("rank", "pk"))
    return meeting_convene(unit=original.unit, actor=actor, kind=MeetingKind.COUNCIL, scheduled_at=scheduled_at,
                           place_kind=place_kind, place=place, topics=topics, reconvenes=original,
                           reconvene_reason=reason, now=now,
                           title=_("Reconvened: %(title)s") % {"title": original.title})


def community_report(*, unit, actor, text: str, actions: Iterable[Action] = (), meeting: Meeting | None = None,
                     now=None) -> CommunityReport:
    """形成监督意见向社区汇报: the unit reports a problem with carrying out a resolution to the
    community/village, which sees it on its supervision board (督办 by the level above)."""
    now = _now(now)
    _require(actor, "meetings.run_meetings", unit)
    text = _text(text, _("Write the report"))
    community = _supervising_node(unit)
    with transaction.atomic():
        report = CommunityReport.objects.create(unit=unit, meeting=meeting, text=text, created_by=actor, created_at=now)
        report.actions.set([a for a in actions if a.unit_id == unit.pk])
        supervision_open(subject=report, node=community, kind=REPORT_KIND, now=now,
                                       reason=_("Report from %(unit)s: %(text)s") % {"unit": unit.name, "text": text[:300]})
        cadres = get_user_model().objects.filter(posts__active=True, posts__node=community,
                                                 posts__role__in=MANAGER_ROLES).distinct()[:20]
        for user in cadres:
            notify(user=user, subject=_("Report from %(unit)s") % {"unit": unit.name}, body=text)
    return report
