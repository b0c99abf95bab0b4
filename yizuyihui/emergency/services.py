"""Writes of emergency mode (平急转换, DOMAIN §8). Keyword-only `<entity>_<verb>` functions.

The switch: `emergency_switch` records the emergency, re-times the open matters of the scope by
the urgent-mode deadline policy (`matters_retime`), and tells everyone with a post in the scope.
New matters pick up urgent mode by themselves: cases asks the `node_mode` provider when filing.
`emergency_end` is the separate step back: open tasks are closed or handed over, calm deadlines
come back for nodes no other emergency covers, and the after-action review is built and put on
the councils' agendas.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid

from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yizuyihui.accounts.roles import MANAGER_ROLES, STAFF_ROLES
from yizuyihui.accounts.scope import has_role_over, paths_q, role_paths
from yizuyihui.cases import deadlines
from yizuyihui.cases.models import OPEN_STATUSES, Case, CaseEvent, Channel, Mode, Origin, Urgency
from yizuyihui.core.bulk import fast_insert, fast_update, insert_select
from yizuyihui.core.dates import day_text
from yizuyihui.core.errors import ServiceError, ServiceForbidden
from yizuyihui.emergency import rules as emergency_rules
from yizuyihui.emergency.models import (
    REACHED,
    CommandLevel,
    CommandPost,
    CommandState,
    DailyReport,
    Emergency,
    EmergencyKind,
    EmergencyLevel,
    EmergencyStatus,
    EmergencyTask,
    NeedKind,
    TaskKind,
    TaskResult,
    TaskStatus,
)
from yizuyihui.emergency.selectors import reset_mode_cache
from yizuyihui.notifications.services import notify_many
from yizuyihui.org.models import OrgNode

# A matter re-timed by the switch gets at least this long from the switch before it falls due:
# the switch itself must not make hundreds of matters overdue (and escalate them) in one minute.
RETIME_GRACE = dt.timedelta(hours=2)


class EmergencyError(ServiceError):
    pass


class EmergencyForbidden(ServiceForbidden):
    pass


def _now(now):
    return now or timezone.now()


def _require(actor, perm: str, obj) -> None:
    if actor is not None and not actor.has_perm(perm, obj):
        raise EmergencyForbidden(_("You may not do this here"))


def _authority(actor, node: OrgNode) -> OrgNode:
    """The post through which the actor switches: their nearest leading post at or above `node`."""
    if actor is None or actor.is_superuser:
        return node.get_root() if not node.is_root() else node
    roles = emergency_rules.switch_roles_for(node)
    paths = [p for p in role_paths(actor, roles) if node.path.startswith(p)]
    if not paths:
        raise EmergencyForbidden(_("You may not do this here"))
    return OrgNode.objects.get(path=max(paths, key=len))


# --- re-timing open matters -------------------------------------------------------------------------
def matters_retime(*, paths: list[str], mode: str, now=None, actor=None, exclude_paths: tuple[str, ...] = ()) -> int:
    """Re-time the open matters of units under `paths` by the `mode` deadline policy.

    Urgent: each open calm matter gets the urgent policy's deadlines counted from when it was filed,
    never later than it had, and never sooner than RETIME_GRACE from now. Calm (switch-back): each
    open urgent matter gets the calm policy's deadlines from when it was filed, never sooner than it
    had. Matters under `exclude_paths` (still covered by another active emergency) are left alone.
    One event row per matter re-timed. Returns the number of matters re-timed."""
    now = _now(now)
    if not paths:
        return 0
    from_mode = Mode.CALM if mode == Mode.URGENT else Mode.URGENT
    qs = Case.objects.filter(status__in=OPEN_STATUSES, mode=from_mode).filter(paths_q(tuple(paths), "unit__node"))
    for p in exclude_paths:
        qs = qs.exclude(unit__node__path__startswith=p)
    floor = now + RETIME_GRACE
    with transaction.atomic():
        # Locked so a matter's own step (claim, resolve) cannot interleave with its new deadlines.
        rows = list(qs.select_for_update(of=("self",)).values_list(
            "pk", "status", "tier", "category_id", "urgency", "filed_at", "responded_at", "respond_due", "resolve_due"))
        updates, events, memo = [], [], {}
        reason = _("Emergency mode") if mode == Mode.URGENT else _("Back to normal mode")
        actor_id = getattr(actor, "pk", None)
        for pk, status, tier, category_id, urgency, filed_at, responded_at, respond_due, resolve_due in rows:
            key = (filed_at, category_id, tier, urgency)
            if key not in memo:
                memo[key] = deadlines.due_dates(start=filed_at, category=category_id, tier=tier, urgency=urgency,
                                                mode=mode)
            new_respond, new_resolve = memo[key]
            if mode == Mode.URGENT:
                new_resolve = min(resolve_due or new_resolve, max(new_resolve, floor))
                new_respond = min(respond_due or new_respond, max(new_respond, floor))
            else:
                new_resolve = max(resolve_due or new_resolve, new_resolve)
                new_respond = max(respond_due or new_respond, new_respond)
            if responded_at is not None:
                new_respond = respond_due
            updates.append((pk, mode, new_respond, new_resolve))
            events.append((pk, "retime", actor_id, status, status, tier, reason, now, False, json.dumps(
                {"mode": mode, "resolve_due": [resolve_due.isoformat() if resolve_due else None,
                                               new_resolve.isoformat() if new_resolve else None]})))
        # Set-based writes (core/bulk.py): on PostgreSQL the new deadlines are COPY'd into a temporary
        # table and applied by one UPDATE … FROM, and the events are COPY'd (20,000 matters of a
        # district took ~40 s through bulk_create and executemany). The rows are locked above, so a
        # concurrent second run waits and then finds them re-timed.
        fast_update(Case, ("mode", "respond_due", "resolve_due"), updates)
        fast_insert(CaseEvent, ("case_id", "action", "actor_id", "from_status", "to_status", "tier", "reason", "at",
                                "public", "data"), events)
    return len(updates)


# --- the switch --------------------------------------------------------------------------------------
def _notify_scope(emergency: Emergency, subject: str, body: str) -> int:
    """Everyone with an active staff post in the scope, once however many posts they hold. A
    resident's post only places a person in a unit (accounts.roles): residents hear through their
    grid worker and building head, not from a city-wide broadcast."""
    from django.contrib.auth import get_user_model

    users = (get_user_model().objects.filter(posts__active=True, posts__role__in=STAFF_ROLES,
                                             posts__node__path__startswith=emergency.node.path)
             .distinct().select_related("person"))
    url = reverse("emergency:detail", args=[emergency.pk])
    return notify_many((u, getattr(u, "person", None), subject, body, url) for u in users.iterator(chunk_size=2000))


def emergency_switch(*, node: OrgNode, actor, kind: str, level: int, reason: str, now=None) -> Emergency:
    """Switch `node`'s subtree into emergency mode (the same structure, no parallel system)."""
    now = _now(now)
    _require(actor, "emergency.switch", node)
    if kind not in EmergencyKind.values:
        raise EmergencyError(_("Unknown emergency type"))
    try:
        level = int(level)
    except (TypeError, ValueError):
        level = 0
    if level not in EmergencyLevel.values:
        raise EmergencyError(_("Unknown emergency level"))
    reason = (reason or "").strip()
    if not reason:
        raise EmergencyError(_("Give a reason"))
    authority = _authority(actor, node)
    covering = _active_over(node)
    if any(e.node_id == node.pk and e.kind == kind for e in covering):
        raise EmergencyError(_("This scope is already in this emergency"))
    parent = max(covering, key=lambda e: (e.node.depth, e.started_at)) if covering else None
    try:
        with transaction.atomic():
            emergency = Emergency.objects.create(node=node, kind=kind, level=level, reason=reason, parent=parent,
                                                 authority=authority, started_at=now, started_by=actor)
            retimed = matters_retime(paths=[node.path], mode=Mode.URGENT, now=now, actor=actor)
            told = _notify_scope(emergency, _("Emergency mode: %(place)s, %(kind)s") % {
                "place": node.name, "kind": emergency.get_kind_display()}, reason)
            emergency.log = {"retimed": retimed, "told": told}
            emergency.save(update_fields=["log"])
            reset_mode_cache()
            transaction.on_commit(reset_mode_cache)
    except IntegrityError as exc:  # the same switch raced in twice
        raise EmergencyError(_("This scope is already in this emergency")) from exc
    return emergency


def _active_over(node: OrgNode) -> list[Emergency]:
    return list(Emergency.objects.filter(status=EmergencyStatus.ACTIVE, node__path__in=node.ancestor_paths())
                .select_related("node"))


def emergency_end(*, emergency: Emergency, actor, note: str = "", now=None) -> Emergency:
    """Switch back (a separate recorded step by the same level or a higher one).

    Open tasks: care for special people is handed over to normal work (三必访 carries on); door
    checks and supply deliveries are closed. Calm deadlines return for matters no other active
    emergency still covers. Then the after-action review is built and becomes a council topic."""
    now = _now(now)
    _require(actor, "emergency.end", emergency)
    with transaction.atomic():
        locked = Emergency.objects.select_for_update().get(pk=emergency.pk)
        if locked.status != EmergencyStatus.ACTIVE:
            raise EmergencyError(_("This emergency has already ended"))
        open_tasks = EmergencyTask.objects.filter(emergency=emergency, status=TaskStatus.OPEN)
        handed = open_tasks.filter(kind=TaskKind.CARE).update(status=TaskStatus.HANDED_OVER)
        closed = open_tasks.exclude(kind=TaskKind.CARE).update(status=TaskStatus.CLOSED)
        emergency.status, emergency.ended_at, emergency.ended_by = EmergencyStatus.ENDED, now, actor
        emergency.end_note = (note or "").strip()
        emergency.save(update_fields=["status", "ended_at", "ended_by", "end_note"])
        reset_mode_cache()
        transaction.on_commit(reset_mode_cache)
        # Nodes still covered by another active emergency (a parent, a child, an overlap) stay urgent.
        others = Emergency.objects.filter(status=EmergencyStatus.ACTIVE).exclude(pk=emergency.pk)
        still = [p for p in others.values_list("node__path", flat=True)]
        if any(emergency.node.path.startswith(p) for p in still):
            calmed = 0
        else:
            calmed = matters_retime(paths=[emergency.node.path], mode=Mode.CALM, now=now, actor=actor,
                                    exclude_paths=tuple(p for p in still if p.startswith(emergency.node.path)))
        emergency.log = {**emergency.log, "handed_over": handed, "closed": closed, "calmed": calmed}
        emergency.save(update_fields=["log"])
        from yizuyihui.emergency.review import review_build

        emergency.review = review_build(emergency=emergency, now=now)
        emergency.save(update_fields=["review"])
        topics = _review_topics(emergency, actor, now)
        emergency.log = {**emergency.log, "topics": topics}
        emergency.save(update_fields=["log"])
        _notify_scope(emergency, _("Back to normal mode: %(place)s") % {"place": emergency.node.name},
                      emergency.end_note or _("The emergency is over; the after-action review is on the council's agenda."))
    return emergency


def _review_topics(emergency: Emergency, actor, now) -> int:
    """复盘 becomes a council topic in every unit of the scope (the Party group considers it first)."""
    from yizuyihui.meetings.services import topic_propose
    from yizuyihui.org.models import Unit

    title = _("After-action review: %(kind)s, %(start)s–%(end)s") % {
        "kind": emergency.get_kind_display(), "start": day_text(emergency.started_at),
        "end": day_text(now)}
    description = _("Review the emergency response: coverage, needs and response times, people mobilised, "
                    "issues raised. Review PDF: %(url)s") % {"url": reverse("emergency:review_pdf", args=[emergency.pk])}
    # Through the meetings service, one topic per unit (a district's ~1,600 units take a second or two).
    units = list(Unit.objects.filter(node__path__startswith=emergency.node.path).select_related("node"))
    for unit in units:
        topic_propose(unit=unit, actor=actor, title=title[:200], description=description, now=now)
    return len(units)


# --- the command roster ------------------------------------------------------------------------------
def command_propose(*, emergency: Emergency, actor, node: OrgNode, person, identity: str = "", now=None) -> CommandPost:
    """The unit that knows the place proposes a person for its grid (natural village), a building of
    it, or the community command."""
    from yizuyihui.emergency.selectors import COMMAND_LEVEL_OF

    now = _now(now)
    if not emergency.is_active:
        raise EmergencyError(_("This emergency has already ended"))
    if not node.path.startswith(emergency.node.path) and not emergency.node.path.startswith(node.path):
        raise EmergencyForbidden(_("You may not do this here"))
    level = COMMAND_LEVEL_OF.get(node.level)
    if level is None:
        raise EmergencyError(_("Command posts are at the community, grid and building levels"))
    unit = _unit_of(node, person)
    _require(actor, "emergency.propose", unit)
    if level != CommandLevel.COMMUNITY and not node.path.startswith(unit.node.path):
        raise EmergencyForbidden(_("A unit proposes people for its own grid and buildings"))
    post, created = CommandPost.objects.get_or_create(
        emergency=emergency, node=node, person=person,
        defaults={"level": level, "identity": identity[:20], "unit": unit, "proposed_by": actor, "proposed_at": now})
    if not created and post.state == CommandState.REJECTED:
        post.state, post.proposed_by, post.proposed_at, post.decided_by, post.decided_at = (
            CommandState.PROPOSED, actor, now, None, None)
        post.save(update_fields=["state", "proposed_by", "proposed_at", "decided_by", "decided_at"])
    return post


def _unit_of(node: OrgNode, person):
    """The proposing unit: the grid (natural village) itself, a building's grid, or for the community
    command the person's own unit."""
    from yizuyihui.org.models import UNIT_LEVELS, Level, Unit

    if node.level in UNIT_LEVELS:
        at = node
    elif node.level == Level.BUILDING:
        at = node.get_parent()
    else:
        at = person.node if person.node.level in UNIT_LEVELS else person.node.get_parent()
    unit = Unit.objects.filter(node=at).select_related("node").first() if at is not None else None
    if unit is None:
        raise EmergencyError(_("No unit here"))
    return unit


def command_decide(*, post: CommandPost, actor, confirm: bool = True, now=None) -> CommandPost:
    """The community (village) Party branch confirms (or does not confirm) a proposed person."""
    now = _now(now)
    _require(actor, "emergency.confirm", post.node)
    if not post.emergency.is_active:
        raise EmergencyError(_("This emergency has already ended"))
    state = CommandState.CONFIRMED if confirm else CommandState.REJECTED
    if post.state == state:
        return post
    post.state, post.decided_by, post.decided_at = state, actor, now
    with transaction.atomic():
        post.save(update_fields=["state", "decided_by", "decided_at"])
        if post.level != CommandLevel.COMMUNITY and post.unit_id is not None:
            tasks_assign(emergency=post.emergency, unit_id=post.unit_id)
    return post


# --- tasks -------------------------------------------------------------------------------------------
TASK_HOUSEHOLDS = {
    TaskKind.DOOR_CHECK: None,  # every household
    TaskKind.SUPPLY: None,
    TaskKind.CARE: ("key", "special"),  # 三必访's key-assistance and special people
}


def tasks_generate(*, emergency: Emergency, actor, kind: str, now=None) -> int:
    """Tasks of `kind` for every household of the scope that has none yet (rerunning adds only
    households registered since). Households already tasked with the same kind by an enclosing
    active emergency are left to it. Set-based: one INSERT … SELECT from the households (no row
    passes through Python; a district's ~350k tasks in a few seconds), then the coverage counts
    and, when the roster has confirmed people, the assignees."""
    from django.db.models import F, Value

    from yizuyihui.people.models import Household

    _require(actor, "emergency.manage", emergency)
    if kind not in TaskKind.values:
        raise EmergencyError(_("Unknown task"))
    if not emergency.is_active:
        raise EmergencyError(_("This emergency has already ended"))
    households = Household.objects.filter(unit__node__path__startswith=emergency.node.path)
    categories = TASK_HOUSEHOLDS[kind]
    if categories:
        households = households.filter(category__in=categories)
    enclosing = [e.pk for e in _active_over(emergency.node) if e.pk != emergency.pk]
    taken = EmergencyTask.objects.filter(emergency_id__in=[emergency.pk, *enclosing], kind=kind)
    if emergency.tasks.filter(kind=kind).exists() or enclosing:
        households = households.exclude(pk__in=taken.values("household_id"))
    columns = {"emergency_id": Value(emergency.pk), "kind": Value(kind), "household_id": F("pk"),
               "unit_id": F("unit_id"), "node_id": F("node_id"), "status": Value(TaskStatus.OPEN.value),
               "result": Value(""), "note": Value(""), "photo": Value(""), "need_kind": Value(""),
               "submission": Value("")}
    with transaction.atomic():
        created = insert_select(EmergencyTask, columns, households)
        coverage_recount(emergency=emergency, kind=kind)
        if created and CommandPost.objects.filter(emergency=emergency, state=CommandState.CONFIRMED).exists():
            tasks_assign(emergency=emergency)
    if created > 10_000 and connection.vendor == "postgresql":
        # A district's load at once: fresh statistics before the dashboard and the phones read it.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {EmergencyTask._meta.db_table}, emergency_coveragecount")
    return created


def coverage_recount(*, emergency: Emergency, kind: str | None = None) -> int:
    """Coverage counts per place and kind, counted afresh from the tasks (one grouped INSERT … SELECT).
    Run at generation; task results then move the counts one by one (`task_complete`)."""
    from django.db.models import Count, F, Q, Value

    from yizuyihui.emergency.models import CoverageCount

    kinds = [kind] if kind else list(TaskKind.values)
    with transaction.atomic():
        CoverageCount.objects.filter(emergency=emergency, kind__in=kinds).delete()
        grouped = (EmergencyTask.objects.filter(emergency=emergency, kind__in=kinds)
                   .values("kind", "unit_id", "node_id"))
        return insert_select(CoverageCount, {
            "emergency_id": Value(emergency.pk), "kind": F("kind"), "unit_id": F("unit_id"), "node_id": F("node_id"),
            "total": Count("pk"), "reached": Count("pk", filter=Q(result__in=REACHED)),
            "done": Count("pk", filter=Q(status=TaskStatus.DONE))}, grouped)


def tasks_assign(*, emergency: Emergency, unit_id: int | None = None) -> int:
    """Assign the open tasks through the command roster: a confirmed building head takes the
    households of their building; the grid's confirmed commander takes the rest of the grid (and a
    building whose head is not confirmed). The first confirmed person of a place goes; nobody
    confirmed leaves the task unassigned (the unit's members still see it). Two set-based UPDATEs
    (limited to one unit when a roster change concerns only it). Returns the tasks now assigned."""
    from django.db.models import OuterRef, Subquery

    confirmed = CommandPost.objects.filter(emergency=emergency, state=CommandState.CONFIRMED).order_by("decided_at", "pk")
    tasks = EmergencyTask.objects.filter(emergency=emergency, status=TaskStatus.OPEN)
    if unit_id is not None:
        tasks = tasks.filter(unit_id=unit_id)
    with transaction.atomic():
        tasks.update(assignee_id=Subquery(
            confirmed.filter(level=CommandLevel.BUILDING, node_id=OuterRef("node_id")).values("person_id")[:1]))
        tasks.filter(assignee__isnull=True).update(assignee_id=Subquery(
            confirmed.filter(level=CommandLevel.GRID, node__unit=OuterRef("unit_id")).values("person_id")[:1]))
        return tasks.filter(assignee__isnull=False).count()


def task_complete(*, task: EmergencyTask, actor, result: str, note: str = "", photo=None, need_kind: str = "",
                  need_text: str = "", submission: str = "", now=None) -> tuple[EmergencyTask, bool]:
    """One screen on a phone: result, note, photo, and a need found becomes an urgent matter.

    Idempotent: a task already done is returned unchanged (a double tap, a retried POST, a second
    worker at the same door): (task, False). (task, True) when this call recorded it."""
    from yizuyihui.cases.services import case_file

    now = _now(now)
    _require(actor, "emergency.do_task", task)
    if result not in TaskResult.values:
        raise EmergencyError(_("Choose a result"))
    if result == TaskResult.NEED and need_kind not in NeedKind.values:
        raise EmergencyError(_("Choose the need found"))
    with transaction.atomic():
        locked = EmergencyTask.objects.select_for_update().select_related("household", "unit", "emergency").get(pk=task.pk)
        if locked.status != TaskStatus.OPEN:
            return locked, False
        if locked.emergency.status != EmergencyStatus.ACTIVE:
            raise EmergencyError(_("This emergency has already ended"))
        fields = {"status": TaskStatus.DONE, "result": result, "note": (note or "").strip()[:300], "done_by": actor,
                  "done_at": now, "submission": (submission or uuid.uuid4().hex)[:40],
                  "need_kind": need_kind if result == TaskResult.NEED else ""}
        n = EmergencyTask.objects.filter(pk=task.pk, status=TaskStatus.OPEN).update(**fields)
        if not n:  # pragma: no cover - the row is locked (PostgreSQL); SQLite serialises writers
            return EmergencyTask.objects.get(pk=task.pk), False
        for k, v in fields.items():
            setattr(locked, k, v)
        _count_result(locked, result)
        if photo:
            locked.photo.save(f"task-{locked.pk}-{photo.name}"[-90:], photo, save=False)
            EmergencyTask.objects.filter(pk=task.pk).update(photo=locked.photo.name)
        if result == TaskResult.NEED:
            label = NeedKind(need_kind).label
            filer = actor if actor is not None and actor.has_perm("cases.file_for_unit", locked.unit) else None
            case = case_file(unit=locked.unit, actor=filer, channel=Channel.VISIT, urgency=Urgency.URGENT,
                             origin=Origin.STAFF, origin_ref=f"emergency-task:{locked.pk}",
                             title=f"[{_('Urgent need')}·{label}] {locked.household.address}",
                             description=need_text or note or "", place=locked.household.address, now=now,
                             suggest=False)
            locked.need_case = case
            EmergencyTask.objects.filter(pk=task.pk).update(need_case=case)
    return locked, True


def _count_result(task: EmergencyTask, result: str) -> None:
    from django.db.models import F

    from yizuyihui.emergency.models import CoverageCount

    CoverageCount.objects.filter(emergency_id=task.emergency_id, kind=task.kind, node_id=task.node_id).update(
        done=F("done") + 1, reached=F("reached") + (1 if result in REACHED else 0))


# --- daily reports -----------------------------------------------------------------------------------
REPORT_FIGURES = ("households", "reached", "tasks_total", "tasks_done", "needs_open", "needs_met", "overdue")
REPORT_LEVELS = ("city", "district", "county", "street", "township", "community", "village", "grid", "natural_village")


def daily_reports_roll_up(*, emergency: Emergency, day: dt.date | None = None, now=None) -> int:
    """日报 for `day` at every node of the scope down to the units: the units' figures are counted
    from the tasks and matters, and each level above is the sum of its children (so a parent's
    report always equals the sum of its children's). Idempotent: rerunning updates the rows and
    keeps the manual notes."""
    from django.db.models import Count, Q

    from yizuyihui.cases.models import DONE_STATUSES
    from yizuyihui.org.models import Unit

    now = _now(now)
    day = day or timezone.localtime(now).date()
    root = emergency.node
    units = dict(Unit.objects.filter(node__path__startswith=root.path).values_list("pk", "node__path"))
    figures: dict[int, dict[str, int]] = {u: dict.fromkeys(REPORT_FIGURES, 0) for u in units}
    for r in (EmergencyTask.objects.filter(emergency=emergency).values("unit_id", "kind")
              .annotate(total=Count("pk"), reached=Count("pk", filter=Q(result__in=REACHED)),
                        done=Count("pk", filter=Q(status=TaskStatus.DONE)))):
        f = figures.get(r["unit_id"])
        if f is None:
            continue
        f["tasks_total"] += r["total"]
        f["tasks_done"] += r["done"]
        if r["kind"] == TaskKind.DOOR_CHECK:
            f["households"] += r["total"]
            f["reached"] += r["reached"]
    end_of_day = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
    cutoff = min(now, end_of_day)
    matters = Case.objects.filter(unit__node__path__startswith=root.path,
                                  filed_at__gte=emergency.started_at, filed_at__lt=cutoff)
    for r in matters.values("unit_id").annotate(
            open=Count("pk", filter=Q(status__in=OPEN_STATUSES)), met=Count("pk", filter=Q(status__in=DONE_STATUSES)),
            overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, resolve_due__lt=cutoff))):
        f = figures.get(r["unit_id"])
        if f is not None:
            f["needs_open"] += r["open"]
            f["needs_met"] += r["met"]
            f["overdue"] += r["overdue"]
    # Sum upwards along the materialised paths: every node at or above a unit, inside the scope.
    nodes = dict(OrgNode.objects.filter(path__startswith=root.path, level__in=REPORT_LEVELS).values_list("path", "pk"))
    totals: dict[int, dict[str, int]] = {}
    for unit_id, path in units.items():
        for p in range(len(root.path), len(path) + 1, root.steplen):
            node_id = nodes.get(path[:p])
            if node_id is None:
                continue
            t = totals.setdefault(node_id, dict.fromkeys(REPORT_FIGURES, 0))
            for k, v in figures[unit_id].items():
                t[k] += v
    existing = {r.node_id: r for r in DailyReport.objects.filter(emergency=emergency, day=day)}
    new, changed = [], []
    for node_id, t in totals.items():
        row = existing.get(node_id)
        if row is None:
            new.append(DailyReport(emergency=emergency, node_id=node_id, day=day, generated_at=now, **t))
        else:
            for k, v in t.items():
                setattr(row, k, v)
            row.generated_at = now
            changed.append(row)
    DailyReport.objects.bulk_create(new, batch_size=2000)
    if changed:
        DailyReport.objects.bulk_update(changed, [*REPORT_FIGURES, "generated_at"], batch_size=2000)
    return len(new) + len(changed)


def daily_report_note(*, emergency: Emergency, node: OrgNode, day: dt.date, actor, note: str, now=None) -> DailyReport:
    """The level's own words on the day (the figures come by themselves)."""
    now = _now(now)
    if not (node.path.startswith(emergency.node.path) and has_role_over(actor, node, MANAGER_ROLES)):
        raise EmergencyForbidden(_("You may not do this here"))
    report = DailyReport.objects.filter(emergency=emergency, node=node, day=day).first()
    if report is None:
        daily_reports_roll_up(emergency=emergency, day=day, now=now)
        report = DailyReport.objects.get(emergency=emergency, node=node, day=day)
    report.note = (note or "").strip()
    report.save(update_fields=["note"])
    return report


def retime_sweep(*, now=None) -> int:
    """Each minute: open calm matters under an active emergency (filed in another process before it
    saw the switch) get the urgent deadlines. Idempotent: re-timed matters are urgent."""
    paths = list(Emergency.objects.filter(status=EmergencyStatus.ACTIVE).values_list("node__path", flat=True))
    return matters_retime(paths=paths, mode=Mode.URGENT, now=_now(now)) if paths else 0


def daily_reports_sweep(*, now=None) -> int:
    """The periodic job: each active emergency's reports for today (idempotent)."""
    now = _now(now)
    return sum(daily_reports_roll_up(emergency=e, now=now)
               for e in Emergency.objects.filter(status=EmergencyStatus.ACTIVE).select_related("node"))

