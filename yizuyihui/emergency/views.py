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

from yizuyihui.accounts.roles import LEADING_ROLES, is_staff
from yizuyihui.accounts.scope import role_paths
from yizuyihui.emergency import selectors, services
from yizuyihui.emergency.models import (
    CommandPost,
    DailyReport,
    Emergency,
    EmergencyKind,
    EmergencyLevel,
    EmergencyTask,
    NeedKind,
    TaskKind,
    TaskResult,
    TaskStatus,
)
from yizuyihui.org.models import Level, OrgNode, Unit
from yizuyihui.people.models import Person

SWITCHABLE_LEVELS = [Level.DISTRICT, Level.COUNTY, Level.STREET, Level.TOWNSHIP, Level.COMMUNITY, Level.VILLAGE,
                     Level.GRID, Level.NATURAL_VILLAGE]


def _emergency_or_404(user, pk: int) -> Emergency:
    emergency = get_object_or_404(Emergency.objects.select_related("node", "authority", "parent__node"), pk=pk)
    if not user.has_perm("emergency.view", emergency):
        raise PermissionDenied
    return emergency


def _node_param(request, emergency: Emergency) -> OrgNode:
    """?node= inside the scope and the viewer's own scope (a grid worker sees their grid)."""
    from yizuyihui.accounts.scope import in_scope

    raw = request.GET.get("node") or request.POST.get("node")
    if raw:
        try:
            node = OrgNode.objects.get(pk=int(raw))
        except (ValueError, OrgNode.DoesNotExist) as exc:
            raise Http404 from exc
        if not node.path.startswith(emergency.node.path) or not in_scope(request.user, node):
            raise PermissionDenied
        return node
    if in_scope(request.user, emergency.node):
        return emergency.node
    # Someone inside the scope (a grid worker): their own place in it.
    from yizuyihui.accounts.scope import user_scope

    inside = sorted(p for p in user_scope(request.user).paths if p.startswith(emergency.node.path))
    return OrgNode.objects.get(path=inside[0])


def _day(value: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else timezone.localdate()
    except ValueError as exc:
        raise Http404 from exc


def _switchable_nodes(user, limit: int = 300) -> list[OrgNode]:
    from yizuyihui.accounts.scope import paths_q

    paths = role_paths(user, LEADING_ROLES)
    if not paths:
        return []
    nodes = OrgNode.objects.filter(paths_q(paths, ""), level__in=SWITCHABLE_LEVELS).order_by("path")[:limit]
    return [n for n in nodes if user.has_perm("emergency.switch", n)]


@login_required
def index(request):
    if not is_staff(request.user):
        raise PermissionDenied
    rows = list(selectors.visible_emergencies(request.user).order_by("status", "-started_at")[:100])
    return render(request, "emergency/index.html", {
        "rows": rows, "nodes": _switchable_nodes(request.user), "kinds": EmergencyKind.choices,
        "levels": EmergencyLevel.choices})


@login_required
@require_POST
def switch(request):
    try:
        node = OrgNode.objects.get(pk=int(request.POST.get("node", "0")))
    except (ValueError, OrgNode.DoesNotExist) as exc:
        raise Http404 from exc
    if not request.user.has_perm("emergency.switch", node):
        raise PermissionDenied
    try:
        emergency = services.emergency_switch(node=node, actor=request.user, kind=request.POST.get("kind", ""),
                                              level=request.POST.get("level", ""), reason=request.POST.get("reason", ""))
    except services.EmergencyForbidden as exc:
        raise PermissionDenied(str(exc)) from exc
    except services.EmergencyError as exc:
        messages.error(request, str(exc))
        return redirect("emergency:index")
    messages.success(request, _("Switched to emergency mode; %(n)s people told, %(m)s open matters re-timed.") % {
        "n": emergency.log.get("told", 0), "m": emergency.log.get("retimed", 0)})
    return redirect("emergency:detail", pk=emergency.pk)


@login_required
def detail(request, pk: int):
    """The coverage dashboard of one emergency (per child node of the viewed place)."""
    emergency = _emergency_or_404(request.user, pk)
    node = _node_param(request, emergency)
    covs = list(selectors.coverages(emergency=emergency, node=node).values())
    # The roster's gaps are counted where the command is staffed (a community or below).
    gaps = selectors.roster(emergency=emergency, node=node)[1] if node.level in selectors.LISTING_LEVELS else None
    return render(request, "emergency/detail.html", {
        "e": emergency, "node": node, "covs": covs, "door": covs[0], "gaps": gaps,
        "not_reached": selectors.not_reached_by_place(emergency=emergency, node=node, limit=60),
        "can_end": emergency.is_active and request.user.has_perm("emergency.end", emergency),
        "can_manage": emergency.is_active and request.user.has_perm("emergency.manage", emergency),
        "task_kinds": TaskKind.choices, "others": emergency.children.select_related("node"),
    })


@login_required
def coverage_map(request, pk: int):
    """Coverage per unit on the places app's map (Leaflet choropleth over the unit boundaries)."""
    emergency = _emergency_or_404(request.user, pk)
    node = _node_param(request, emergency)
    kind = request.GET.get("kind") if request.GET.get("kind") in TaskKind.values else TaskKind.DOOR_CHECK
    cov = selectors.coverage(emergency=emergency, node=node, kind=kind)
    return render(request, "emergency/map.html", {"e": emergency, "node": node, "kind": kind, "cov": cov,
                                                   "kinds": TaskKind.choices, "label": TaskKind(kind).label})


@login_required
def coverage_values(request, pk: int):
    """The map's values: {unit id: share reached} under ?node= for ?kind=."""
    from django.http import JsonResponse

    emergency = _emergency_or_404(request.user, pk)
    node = _node_param(request, emergency)
    kind = request.GET.get("kind") if request.GET.get("kind") in TaskKind.values else TaskKind.DOOR_CHECK
    values = selectors.coverage_by_unit(emergency=emergency, node=node, kind=kind)
    return JsonResponse({"kind": kind, "values": {str(k): v for k, v in values.items()}})


@login_required
@require_POST
def end(request, pk: int):
    emergency = _emergency_or_404(request.user, pk)
    if not request.user.has_perm("emergency.end", emergency):
        raise PermissionDenied
    try:
        services.emergency_end(emergency=emergency, actor=request.user, note=request.POST.get("note", ""))
    except services.EmergencyForbidden as exc:
        raise PermissionDenied(str(exc)) from exc
    except services.EmergencyError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Back to normal mode. The after-action review is ready."))
    return redirect("emergency:detail", pk=pk)


@login_required
def roster(request, pk: int):
    emergency = _emergency_or_404(request.user, pk)
    node = _node_param(request, emergency)
    tops, gaps = selectors.roster(emergency=emergency, node=node)
    rows = list(selectors.flatten(tops))
    for _depth, rn in rows:
        rn.can_confirm = emergency.is_active and request.user.has_perm("emergency.confirm", rn.node)
    # Who commands whom: the open tasks each confirmed person has been assigned.
    assigned = selectors.open_tasks_by_assignee(
        emergency=emergency, person_ids={p.person_id for _d, rn in rows for p in rn.confirmed})
    for _depth, rn in rows:
        for p in rn.confirmed:
            p.open_tasks = assigned.get(p.person_id, 0)
    # Units the viewer may propose for (their own grid, or the units under a cadre's community).
    units = [u for u in Unit.objects.filter(node__path__startswith=node.path).select_related("node")
             .order_by("node__path")[:50] if request.user.has_perm("emergency.propose", u)]
    places = {u.pk: [u.node, *OrgNode.objects.filter(path__startswith=u.node.path, level=Level.BUILDING)
                     .order_by("path")] for u in units}
    community = next((a for a in [node, *node.get_ancestors()] if a.level in (Level.COMMUNITY, Level.VILLAGE)), None)
    return render(request, "emergency/roster.html", {
        "e": emergency, "node": node, "rows": rows, "gaps": gaps, "community": community,
        "proposals": [(u, places[u.pk], selectors.candidates(unit=u)) for u in units] if emergency.is_active else [],
    })


@login_required
@require_POST
def propose(request, pk: int):
    emergency = _emergency_or_404(request.user, pk)
    try:
        node = OrgNode.objects.get(pk=int(request.POST.get("place", "0")))
        person = Person.objects.select_related("node").get(pk=int(request.POST.get("person", "0")))
    except (ValueError, OrgNode.DoesNotExist, Person.DoesNotExist) as exc:
        raise Http404 from exc
    try:
        services.command_propose(emergency=emergency, actor=request.user, node=node, person=person,
                                 identity=request.POST.get("identity", ""))
    except services.EmergencyForbidden as exc:
        raise PermissionDenied(str(exc)) from exc
    except services.EmergencyError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Proposed; the Party branch confirms."))
    return redirect("emergency:roster", pk=pk)


@login_required
@require_POST
def decide(request, post_pk: int):
    post = get_object_or_404(CommandPost.objects.select_related("emergency__node", "node"), pk=post_pk)
    if not request.user.has_perm("emergency.confirm", post.node):
        raise PermissionDenied
    try:
        services.command_decide(post=post, actor=request.user, confirm=request.POST.get("confirm") != "0")
    except services.EmergencyError as exc:
        messages.error(request, str(exc))
    return redirect("emergency:roster", pk=post.emergency_id)


@login_required
@require_POST
def generate(request, pk: int):
    emergency = _emergency_or_404(request.user, pk)
    if not request.user.has_perm("emergency.manage", emergency):
        raise PermissionDenied
    try:
        n = services.tasks_generate(emergency=emergency, actor=request.user, kind=request.POST.get("kind", ""))
    except services.EmergencyError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(n)s tasks generated.") % {"n": n})
    return redirect("emergency:detail", pk=pk)


@login_required
def tasks(request, pk: int):
    """The list on a phone: the tasks assigned to the user, then the unassigned ones under the places
    they command. A "+" member or council member in the command without a staff post sees theirs."""
    emergency = get_object_or_404(Emergency.objects.select_related("node"), pk=pk)
    can_view = request.user.has_perm("emergency.view", emergency)
    if not (can_view or selectors.commands_in(emergency=emergency, user=request.user)):
        raise PermissionDenied
    kind = request.GET.get("kind") if request.GET.get("kind") in TaskKind.values else None
    rows = selectors.my_tasks(emergency=emergency, user=request.user, kind=kind)
    return render(request, "emergency/tasks.html", {"e": emergency, "rows": rows, "kind": kind,
                                                     "kinds": TaskKind.choices, "can_view": can_view})


@login_required
def task(request, task_pk: int):
    """One screen: result, note, photo, need found → urgent matter."""
    t = get_object_or_404(EmergencyTask.objects.select_related("emergency__node", "household", "node", "unit",
                                                               "need_case"), pk=task_pk)
    if not request.user.has_perm("emergency.do_task", t):
        raise PermissionDenied
    if request.method == "POST":
        try:
            t, recorded = services.task_complete(
                task=t, actor=request.user, result=request.POST.get("result", ""), note=request.POST.get("note", ""),
                photo=request.FILES.get("photo"), need_kind=request.POST.get("need_kind", ""),
                need_text=request.POST.get("need_text", ""), submission=request.POST.get("submission", ""))
        except services.EmergencyForbidden as exc:
            raise PermissionDenied(str(exc)) from exc
        except services.EmergencyError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Recorded.") if recorded else _("Already recorded."))
            nxt = selectors.my_tasks(emergency=t.emergency, user=request.user, kind=t.kind, limit=1)
            nxt = list(nxt)
            return redirect("emergency:task", task_pk=nxt[0].pk) if nxt else redirect("emergency:tasks", pk=t.emergency_id)
    import uuid

    return render(request, "emergency/task.html", {"t": t, "results": TaskResult.choices, "needs": NeedKind.choices,
                                                    "submission": uuid.uuid4().hex, "open": t.status == TaskStatus.OPEN})


@login_required
def needs(request, pk: int):
    emergency = _emergency_or_404(request.user, pk)
    state = "met" if request.GET.get("state") == "met" else "open"
    rows, counts = selectors.needs(emergency=emergency, user=request.user, state=state)
    rows = list(rows)
    labels = dict(NeedKind.choices)
    by_kind = [(labels.get(k, k), n) for k, n in selectors.needs_by_kind(rows).items()]
    return render(request, "emergency/needs.html", {"e": emergency, "rows": rows, "counts": counts, "state": state,
                                                     "by_kind": by_kind, "now": timezone.now()})


@login_required
def report(request, pk: int):
    from yizuyihui.emergency.reports import COLUMNS, column_labels, report_with_children

    emergency = _emergency_or_404(request.user, pk)
    node = _node_param(request, emergency)
    day = _day(request.GET.get("day") or request.POST.get("day"))
    if request.method == "POST":
        try:
            services.daily_report_note(emergency=emergency, node=node, day=day, actor=request.user,
                                       note=request.POST.get("note", ""))
        except services.EmergencyForbidden as exc:
            raise PermissionDenied(str(exc)) from exc
        messages.success(request, _("Saved."))
        return redirect(f"{request.path}?node={node.pk}&day={day:%Y-%m-%d}")
    if not DailyReport.objects.filter(emergency=emergency, node=node, day=day).exists() and emergency.is_active:
        services.daily_reports_roll_up(emergency=emergency, day=day)
    own, children = report_with_children(emergency=emergency, node=node, day=day)
    from yizuyihui.accounts.roles import MANAGER_ROLES
    from yizuyihui.accounts.scope import has_role_over

    return render(request, "emergency/report.html", {
        "e": emergency, "node": node, "day": day, "own": own, "children": children, "columns": COLUMNS,
        "labels": column_labels(), "can_note": has_role_over(request.user, node, MANAGER_ROLES)})


def _report_args(request, pk):
    emergency = _emergency_or_404(request.user, pk)
    node = _node_param(request, emergency)
    day = _day(request.GET.get("day"))
    if not DailyReport.objects.filter(emergency=emergency, node=node, day=day).exists() and emergency.is_active:
        services.daily_reports_roll_up(emergency=emergency, day=day)
    return emergency, node, day


@login_required
def report_pdf(request, pk: int):
    from yizuyihui.emergency.reports import report_pdf as render_pdf

    emergency, node, day = _report_args(request, pk)
    response = HttpResponse(render_pdf(emergency=emergency, node=node, day=day), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="daily-{emergency.pk}-{node.pk}-{day:%Y%m%d}.pdf"'
    return response


@login_required
def report_xlsx(request, pk: int):
    from yizuyihui.emergency.reports import report_xlsx as render_xlsx

    emergency, node, day = _report_args(request, pk)
    response = HttpResponse(render_xlsx(emergency=emergency, node=node, day=day),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="daily-{emergency.pk}-{node.pk}-{day:%Y%m%d}.xlsx"'
    return response


@login_required
def review_pdf(request, pk: int):
    from yizuyihui.emergency.review import review_pdf as render_pdf

    emergency = _emergency_or_404(request.user, pk)
    if emergency.is_active:
        raise Http404
    response = HttpResponse(render_pdf(emergency=emergency), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="review-{emergency.pk}.pdf"'
    return response
