"""Thin views: parse input, check permission, call one service or selector, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yizuyihui.accounts.roles import is_staff, resident_unit
from yizuyihui.accounts.scope import user_scope
from yizuyihui.cases.models import Case
from yizuyihui.core.dates import formatted
from yizuyihui.core.links import object_paths
from yizuyihui.meetings import rollups, selectors, services
from yizuyihui.meetings.models import (
    Action,
    ActionStatus,
    Decision,
    Meeting,
    MeetingKind,
    MeetingStatus,
    PlaceKind,
    Topic,
    TopicStatus,
)
from yizuyihui.org.models import Unit
from yizuyihui.org.selectors import units_visible_to
from yizuyihui.people.models import Identity, Person

# "+" members the paper names (DOMAIN §3, §6); the form offers these first.
PLUS_IDENTITIES = [Identity.RESIDENT, Identity.OFFICIAL, Identity.POLICE, Identity.LAWYER, Identity.PROPERTY_REP,
                   Identity.VOLUNTEER, Identity.SOCIAL_WORKER, Identity.AREA_UNIT_REP]
ACTION_ROWS = 3


def _unit_or_404(user, unit_id: int, perm: str = "meetings.view_meetings") -> Unit:
    unit = get_object_or_404(Unit.objects.select_related("node"), pk=unit_id)
    if not user.has_perm(perm, unit):
        raise PermissionDenied
    return unit


def _meeting_or_404(user, pk: int) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("unit__node", "reconvenes"), pk=pk)
    if not user.has_perm("meetings.view_meetings", meeting.unit):
        raise PermissionDenied
    return meeting


def _when(value: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise services.MeetingError(_("Give the time as YYYY-MM-DD HH:MM")) from exc
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _day(value: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise services.MeetingError(_("Give a date as YYYY-MM-DD")) from exc


def _int(value, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def default_meeting_time(now=None) -> dt.datetime:
    """Councils meet in the evening, when members are back from work: 19:30 today, or tomorrow once
    today's evening has begun (the old default, "tomorrow at this hour", proposed 04:00 at night)."""
    now = timezone.localtime(now)
    evening = now.replace(hour=19, minute=30, second=0, microsecond=0)
    return evening if now < evening - dt.timedelta(hours=1) else evening + dt.timedelta(days=1)


def _meeting_rows(meetings) -> list[dict]:
    """The list's rows with their labels and links made here, once a page (the template did it
    per row: ~120 µs a row, 30 rows)."""
    href, today = object_paths("meetings:detail"), timezone.localdate()
    kinds, statuses = dict(MeetingKind.choices), dict(MeetingStatus.choices)
    return [{"href": href(m.pk), "title": m.title, "unit": m.unit.name, "when": formatted(m.scheduled_at, "when", today=today),
             "kind": kinds.get(m.kind, m.kind), "status": statuses.get(m.status, m.status)} for m in meetings]


def _unit_links(units) -> list[dict]:
    href = object_paths("meetings:unit")
    return [{"href": href(pk), "name": name} for pk, name in units.values_list("pk", "name")]


@login_required
def index(request):
    """Meetings and follow-up across the viewer's scope; residents go to their unit's notice."""
    user = request.user
    if not is_staff(user):
        unit = resident_unit(user)
        if unit is None:
            raise PermissionDenied
        return redirect("meetings:board", unit_id=unit.pk)
    q = request.GET.get("q", "").strip()
    units = units_visible_to(user).order_by("node__path")
    if q:
        units = units.filter(name__icontains=q)
    return render(request, "meetings/index.html", {
        "meetings": _meeting_rows(selectors.recent_meetings(user=user, limit=30)),
        "units": _unit_links(units[:40]), "q": q,
        "measures": rollups.all_time(paths=user_scope(user).paths),
        "counts": selectors.open_action_counts(user=user),
    })


@login_required
def unit(request, unit_id: int):
    """The unit's agenda: topics by the Party group's status, matters waiting, meetings."""
    unit = _unit_or_404(request.user, unit_id)
    can_run = request.user.has_perm("meetings.run_meetings", unit)
    return render(request, "meetings/unit.html", {
        "unit": unit, "agenda": selectors.unit_agenda(unit=unit), "can_run": can_run,
        "can_propose": request.user.has_perm("meetings.propose_topic", unit),
        "matters": selectors.matters_for_agenda(unit=unit) if can_run else [],
        "place_kinds": PlaceKind.choices, "kinds": MeetingKind.choices,
        "measures": rollups.all_time(paths=(unit.node.path,)),
        "default_time": default_meeting_time(),
    })


@login_required
@require_POST
def unit_act(request, unit_id: int, action: str):
    """Propose a topic, put a matter on the agenda, convene a meeting."""
    perm = "meetings.propose_topic" if action == "propose" else "meetings.run_meetings"
    unit = _unit_or_404(request.user, unit_id, perm)
    p, user = request.POST, request.user
    target = redirect("meetings:unit", unit_id=unit.pk)
    try:
        if action == "propose":
            services.topic_propose(unit=unit, actor=user, title=p.get("title", ""), description=p.get("description", ""))
            if not request.user.has_perm("meetings.view_meetings", unit):
                target = redirect("meetings:board", unit_id=unit.pk)  # a resident's proposal
        elif action == "from_case":
            case = get_object_or_404(Case, pk=_int(p.get("case")), unit=unit)
            services.topic_from_case(case=case, actor=user)
        elif action == "convene":
            kind = p.get("kind", "")
            topics = list(Topic.objects.filter(unit=unit, pk__in=[_int(t) for t in p.getlist("topics")]))
            meeting = services.meeting_convene(unit=unit, actor=user, kind=kind, scheduled_at=_when(p.get("when", "")),
                                               place_kind=p.get("place_kind", ""), place=p.get("place", ""),
                                               title=p.get("title", ""), topics=topics)
            target = redirect("meetings:detail", pk=meeting.pk)
        else:
            raise Http404
    except services.MeetingForbidden as exc:
        raise PermissionDenied(str(exc)) from exc
    except services.MeetingError as exc:
        messages.error(request, str(exc))
        return redirect("meetings:unit", unit_id=unit.pk) if user.has_perm("meetings.view_meetings", unit) else target
    messages.success(request, _("Done"))
    return target


@login_required
def detail(request, pk: int):
    meeting = _meeting_or_404(request.user, pk)
    can_run = request.user.has_perm("meetings.run_meetings", meeting.unit)
    data = selectors.meeting_detail(meeting=meeting)
    on_agenda = {i.topic_id for i in data["items"]}
    if meeting.kind == MeetingKind.COUNCIL:
        addable = [t for t in selectors.considered_topics(unit=meeting.unit) if t.pk not in on_agenda]
    else:
        addable = list(Topic.objects.filter(unit=meeting.unit, status__in=[TopicStatus.PROPOSED, TopicStatus.CONSIDERED])
                       .exclude(pk__in=on_agenda).order_by("-created_at")[:50])
    return render(request, "meetings/detail.html", {
        "meeting": meeting, **data, "can_run": can_run, "addable": addable, "now": timezone.now(),
        "owners": selectors.owner_choices(meeting=meeting) if can_run and meeting.is_council else [],
        "plus_identities": [(i.value, i.label) for i in PLUS_IDENTITIES], "decisions": Decision.choices,
        "place_kinds": PlaceKind.choices, "action_rows": range(ACTION_ROWS),
        "open_actions": list(Action.objects.filter(resolution__meeting=meeting, status=ActionStatus.OPEN)
                             .select_related("owner")),
        "reconvened": list(meeting.reconvened.all()),
        "today": timezone.localdate(),
        "default_time": default_meeting_time(),
    })


def _action_specs(p, meeting) -> list[services.ActionSpec]:
    specs = []
    owners = {o.pk: o for o in selectors.owner_choices(meeting=meeting)}
    for i in range(ACTION_ROWS):
        title = p.get(f"action_title_{i}", "").strip()
        if not title:
            continue
        owner = owners.get(_int(p.get(f"action_owner_{i}")))
        specs.append(services.ActionSpec(title=title, owner=owner, due=_day(p.get(f"action_due_{i}", ""))))
    return specs


@login_required
@require_POST
def act(request, pk: int, action: str):
    """Every step of a meeting, posted from its page."""
    meeting = _meeting_or_404(request.user, pk)
    if not request.user.has_perm("meetings.run_meetings", meeting.unit):
        raise PermissionDenied
    p, user = request.POST, request.user
    target = redirect("meetings:detail", pk=meeting.pk)
    try:
        if action == "add_topic":
            topic = get_object_or_404(Topic, pk=_int(p.get("topic")), unit=meeting.unit)
            services.meeting_add_topic(meeting=meeting, actor=user, topic=topic)
        elif action == "invite":
            person = None
            if p.get("person"):
                person = get_object_or_404(Person, pk=_int(p.get("person")), node__path__startswith=meeting.unit.node.path)
            services.plus_member_invite(meeting=meeting, actor=user, identity=p.get("identity", ""), person=person,
                                        name=p.get("name", ""), phone=p.get("phone", ""), purpose=p.get("purpose", ""))
        elif action == "hold":
            services.meeting_hold(meeting=meeting, actor=user, attended=[_int(i) for i in p.getlist("attended")],
                                  held_at=_when(p.get("held_at", "")))
        elif action == "consider":
            item = selectors.item_for(meeting=meeting, item_id=_int(p.get("item")))
            services.topic_consider(meeting=meeting, actor=user, topic=item.topic, rank=p.get("rank"),
                                    direction=p.get("direction", ""), take_up=p.get("take_up", "1") == "1")
        elif action == "opinion":
            item = selectors.item_for(meeting=meeting, item_id=_int(p.get("item")))
            participant = get_object_or_404(meeting.participants, pk=_int(p.get("participant")))
            services.opinion_record(item=item, actor=user, participant=participant, text=p.get("text", ""))
        elif action == "resolve":
            item = selectors.item_for(meeting=meeting, item_id=_int(p.get("item")))
            services.resolution_adopt(item=item, actor=user, text=p.get("text", ""), decided_by=p.get("decided_by", ""),
                                      votes_for=_int(p.get("votes_for")), votes_against=_int(p.get("votes_against")),
                                      votes_abstain=_int(p.get("votes_abstain")), actions=_action_specs(p, meeting))
        elif action == "minutes":
            services.minutes_record(meeting=meeting, actor=user, minutes=p.get("minutes", ""))
        elif action == "reconvene":
            new = services.meeting_reconvene(original=meeting, actor=user, scheduled_at=_when(p.get("when", "")),
                                             place_kind=p.get("place_kind", ""), place=p.get("place", ""),
                                             reason=p.get("reason", ""))
            target = redirect("meetings:detail", pk=new.pk)
        elif action == "report":
            actions = list(Action.objects.filter(resolution__meeting=meeting, pk__in=[_int(a) for a in p.getlist("actions")]))
            services.community_report(unit=meeting.unit, actor=user, text=p.get("text", ""), actions=actions,
                                      meeting=meeting)
        else:
            raise Http404
    except services.MeetingForbidden as exc:
        raise PermissionDenied(str(exc)) from exc
    except services.MeetingError as exc:
        messages.error(request, str(exc))
        return redirect("meetings:detail", pk=meeting.pk)
    messages.success(request, _("Done"))
    return target


@login_required
def minutes_pdf(request, pk: int):
    from yizuyihui.meetings.pdf import minutes_pdf as render_pdf

    meeting = _meeting_or_404(request.user, pk)
    if meeting.status != MeetingStatus.HELD:
        raise Http404
    response = HttpResponse(render_pdf(meeting=meeting), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="minutes-{meeting.pk}.pdf"'
    return response


@login_required
def actions(request):
    """Follow-up (不间断协商监督): the actions of resolutions in the viewer's scope."""
    if not is_staff(request.user):
        raise PermissionDenied
    state = request.GET.get("state", "open")
    rows = list(selectors.action_list(user=request.user, state=state)[:200])
    for row in rows:
        row.can_complete = row.status == ActionStatus.OPEN and request.user.has_perm("meetings.complete_action", row)
    return render(request, "meetings/actions.html", {"rows": rows, "state": state, "today": timezone.localdate()})


@login_required
@require_POST
def action_complete(request, pk: int):
    action = get_object_or_404(Action.objects.select_related("unit__node", "owner", "resolution__topic__case"), pk=pk)
    if not request.user.has_perm("meetings.complete_action", action):
        raise PermissionDenied
    try:
        services.action_complete(action=action, actor=request.user, note=request.POST.get("note", ""))
    except services.MeetingForbidden as exc:
        raise PermissionDenied(str(exc)) from exc
    except services.MeetingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Done"))
    if request.POST.get("next") == "meeting" and request.user.has_perm("meetings.view_meetings", action.unit):
        return redirect("meetings:detail", pk=action.resolution.meeting_id)
    return redirect("meetings:actions")


@login_required
def board(request, unit_id: int):
    """Public notice of the unit's resolutions (全员监督), without personal data."""
    unit = _unit_or_404(request.user, unit_id, "meetings.view_board")
    return render(request, "meetings/board.html", {
        "unit": unit, "resolutions": selectors.public_notice(unit=unit),
        "can_propose": request.user.has_perm("meetings.propose_topic", unit),
        "today": timezone.localdate(),
    })
