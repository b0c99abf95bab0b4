"""JSON API for emergency mode, mounted at /api/emergency/ (OpenAPI at /api/openapi.json).

For the phones in the field and the command's screens: the status and coverage of an emergency,
the caller's own tasks (assigned through the command roster), a task's result (idempotent: the
first submission wins, a retry or a second tap changes nothing), and the needs board. Every read
starts from what the caller may see (rules, selectors); a task outside the caller's command is 403
and nothing changes.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from yizuyihui.accounts.apikeys import api_auth
from yizuyihui.emergency import selectors, services
from yizuyihui.emergency.models import Emergency, EmergencyTask, NeedKind, TaskKind, TaskResult

router = Router(tags=["emergency"], auth=api_auth())


class Message(Schema):
    detail: str


class CoverageOut(Schema):
    kind: str
    total: int
    reached: int
    done: int
    share: float | None


class PlaceCoverageOut(Schema):
    node_id: int
    name: str
    total: int
    reached: int
    share: float | None


class EmergencyOut(Schema):
    id: int
    node_id: int
    place: str
    kind: str
    level: int
    status: str
    reason: str
    started_at: dt.datetime
    ended_at: dt.datetime | None


class StatusOut(EmergencyOut):
    viewed_node_id: int
    coverage: list[CoverageOut]
    door_check_by_place: list[PlaceCoverageOut]
    needs_open: int
    needs_met: int


class TaskOut(Schema):
    id: int
    emergency_id: int
    kind: str
    household_id: int
    address: str
    place: str
    status: str
    result: str
    note: str
    need_kind: str
    need_case_id: int | None
    assignee_id: int | None
    done_at: dt.datetime | None


class ResultIn(Schema):
    result: TaskResult
    note: str = Field("", max_length=300)
    need_kind: NeedKind | None = None
    need_text: str = Field("", max_length=2000)
    # The phone's id for this submission (a retry sends the same); stored with the first result.
    submission: str = Field("", max_length=40)


class ResultOut(Schema):
    recorded: bool  # False: the task already had a result (this submission changed nothing)
    task: TaskOut


class EmergencyNeedOut(Schema):
    id: int
    title: str
    status: str
    need_kind: str
    unit_id: int
    filed_at: dt.datetime
    resolve_due: dt.datetime | None


class NeedsOut(Schema):
    open: int
    met: int
    rows: list[EmergencyNeedOut]


def _emergency(request, emergency_id: int) -> Emergency | None:
    e = Emergency.objects.select_related("node").filter(pk=emergency_id).first()
    if e is None or not request.user.has_perm("emergency.view", e):
        return None
    return e


def _out(e: Emergency) -> dict:
    return {"id": e.pk, "node_id": e.node_id, "place": e.node.name, "kind": e.kind, "level": e.level,
            "status": e.status, "reason": e.reason, "started_at": e.started_at, "ended_at": e.ended_at}


def _task_out(t: EmergencyTask) -> dict:
    return {"id": t.pk, "emergency_id": t.emergency_id, "kind": t.kind, "household_id": t.household_id,
            "address": t.household.address, "place": t.node.name, "status": t.status, "result": t.result,
            "note": t.note, "need_kind": t.need_kind, "need_case_id": t.need_case_id, "assignee_id": t.assignee_id,
            "done_at": t.done_at}


@router.get("/", response=list[EmergencyOut], url_name="emergency_list", summary="Emergencies over or in my scope")
def emergency_list(request: HttpRequest, active: bool = True):
    qs = selectors.visible_emergencies(request.user)
    if active:
        qs = qs.filter(status="active")
    return [_out(e) for e in qs.order_by("-started_at")[:100]]


@router.get("/{emergency_id}", response={200: StatusOut, 404: Message}, url_name="emergency_status",
            summary="Status and coverage (under node_id, default: the part of the scope I see)")
def emergency_status(request: HttpRequest, emergency_id: int, node_id: int | None = None):
    from yizuyihui.accounts.scope import in_scope, user_scope
    from yizuyihui.org.models import OrgNode

    e = _emergency(request, emergency_id)
    if e is None:
        return Status(404, {"detail": "Not found"})
    if node_id is not None:
        node = OrgNode.objects.filter(pk=node_id).first()
        if node is None or not node.path.startswith(e.node.path) or not in_scope(request.user, node):
            return Status(404, {"detail": "Not found"})
    elif in_scope(request.user, e.node):
        node = e.node
    else:
        inside = sorted(p for p in user_scope(request.user).paths if p.startswith(e.node.path))
        node = OrgNode.objects.get(path=inside[0])
    covs = selectors.coverages(emergency=e, node=node)
    _rows, counts = selectors.needs(emergency=e, user=request.user)
    door = covs[TaskKind.DOOR_CHECK]
    return Status(200, {**_out(e), "viewed_node_id": node.pk,
                        "coverage": [{"kind": k, "total": c.total, "reached": c.reached, "done": c.done,
                                      "share": c.share} for k, c in covs.items()],
                        "door_check_by_place": [{"node_id": r.node.pk, "name": r.node.name, "total": r.total,
                                                 "reached": r.reached, "share": r.share} for r in door.rows],
                        "needs_open": counts["open"] or 0, "needs_met": counts["met"] or 0})


@router.get("/{emergency_id}/tasks", response={200: list[TaskOut], 404: Message}, url_name="emergency_my_tasks",
            summary="My open tasks (assigned to me, then unassigned ones where I command)")
def emergency_my_tasks(request: HttpRequest, emergency_id: int, kind: TaskKind | None = None, limit: int = 100):
    e = Emergency.objects.select_related("node").filter(pk=emergency_id).first()
    if e is None or not (request.user.has_perm("emergency.view", e)
                         or selectors.commands_in(emergency=e, user=request.user)):
        return Status(404, {"detail": "Not found"})
    rows = selectors.my_tasks(emergency=e, user=request.user, kind=kind, limit=max(1, min(limit, 500)))
    return Status(200, [_task_out(t) for t in rows])


@router.post("/tasks/{task_id}/result", response={200: ResultOut, 403: Message, 404: Message, 409: Message,
                                                  422: Message},
             url_name="emergency_task_result", summary="Record a task's result (idempotent)")
def emergency_task_result(request: HttpRequest, task_id: int, payload: ResultIn):
    task = (EmergencyTask.objects.select_related("emergency__node", "household", "node", "unit")
            .filter(pk=task_id).first())
    if task is None:
        return Status(404, {"detail": "Not found"})
    if not request.user.has_perm("emergency.do_task", task):
        return Status(403, {"detail": "This household is not in your command"})
    try:
        task, recorded = services.task_complete(
            task=task, actor=request.user, result=payload.result, note=payload.note,
            need_kind=payload.need_kind or "", need_text=payload.need_text, submission=payload.submission)
    except services.EmergencyForbidden as exc:
        return Status(403, {"detail": str(exc)})
    except services.EmergencyError as exc:
        return Status(409 if not task.emergency.is_active else 422, {"detail": str(exc)})
    task = EmergencyTask.objects.select_related("household", "node").get(pk=task.pk)
    return Status(200, {"recorded": recorded, "task": _task_out(task)})


@router.get("/{emergency_id}/needs", response={200: NeedsOut, 404: Message}, url_name="emergency_needs",
            summary="The needs board (open or met) in my part of the scope")
def emergency_needs(request: HttpRequest, emergency_id: int, state: str = "open"):
    e = _emergency(request, emergency_id)
    if e is None:
        return Status(404, {"detail": "Not found"})
    rows, counts = selectors.needs(emergency=e, user=request.user, state="met" if state == "met" else "open")
    return Status(200, {"open": counts["open"] or 0, "met": counts["met"] or 0,
                        "rows": [{"id": c.pk, "title": c.title, "status": c.status, "need_kind": c.need_kind,
                                  "unit_id": c.unit_id, "filed_at": c.filed_at, "resolve_due": c.resolve_due}
                                 for c in rows]})
