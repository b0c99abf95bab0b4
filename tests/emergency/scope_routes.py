"""Scope-matrix entries for the emergency app (merged by tests/accounts/test_scope_matrix.py)."""

from __future__ import annotations

from django.urls import reverse
from scope import ALL, OVER_UNIT_A, STAFF, Probe

# Street level and above over 幸福社区 switch it and switch back what the street switched on.
LEADING_A = frozenset({"city_admin", "district_official", "street_official"})
# The community Party branch and above: confirm command posts, generate tasks.
BRANCH_A = LEADING_A | {"community_cadre"}
# The unit's own people and the branch and above: propose command posts, record task results.
MEMBERS_A = BRANCH_A | {"grid_worker", "unit_leader", "council_member", "building_head"}


def _emergency(c, *, ended: bool = False):
    from yizuyihui.emergency import services

    e = services.emergency_switch(node=c.community, actor=c.users["street_official"], kind="epidemic", level=3,
                                  reason="疫情")
    services.tasks_generate(emergency=e, actor=c.users["community_cadre"], kind="door_check")
    if ended:
        services.emergency_end(emergency=e, actor=c.users["street_official"])
    return e


def _proposed(c):
    from yizuyihui.emergency import services

    e = _emergency(c)
    return services.command_propose(emergency=e, actor=c.users["unit_leader"], node=c.unit_a.node,
                                    person=c.residents["grid_worker"], identity="网格员")


def _task(c):
    return _emergency(c).tasks.filter(unit=c.unit_a).order_by("pk").first()


ROUTES = {
    "emergency:index": lambda c: [Probe(reverse("emergency:index"), STAFF)],
    "emergency:switch": lambda c: [Probe(reverse("emergency:switch"), LEADING_A, method="post",
                                         data={"node": c.community.pk, "kind": "flood", "level": 3, "reason": "汛情"})],
    "emergency:detail": lambda c: [Probe(reverse("emergency:detail", args=[_emergency(c).pk]), OVER_UNIT_A)],
    "emergency:end": lambda c: [Probe(reverse("emergency:end", args=[_emergency(c).pk]), LEADING_A, method="post",
                                      data={"note": "解除"})],
    "emergency:map": lambda c: [Probe(reverse("emergency:map", args=[_emergency(c).pk]), OVER_UNIT_A)],
    "emergency:coverage_values": lambda c: [Probe(reverse("emergency:coverage_values", args=[_emergency(c).pk]),
                                                  OVER_UNIT_A)],
    "emergency:roster": lambda c: [Probe(reverse("emergency:roster", args=[_emergency(c).pk]), OVER_UNIT_A)],
    "emergency:propose": lambda c: [Probe(reverse("emergency:propose", args=[_emergency(c).pk]), MEMBERS_A,
                                          method="post", data={"place": c.unit_a.node.pk,
                                                               "person": c.residents["grid_worker"].pk})],
    "emergency:decide": lambda c: [Probe(reverse("emergency:decide", args=[_proposed(c).pk]), BRANCH_A, method="post",
                                         data={"confirm": "1"})],
    "emergency:generate": lambda c: [Probe(reverse("emergency:generate", args=[_emergency(c).pk]), BRANCH_A,
                                           method="post", data={"kind": "care"})],
    "emergency:tasks": lambda c: [Probe(reverse("emergency:tasks", args=[_emergency(c).pk]), OVER_UNIT_A)],
    "emergency:task": lambda c: [
        Probe(reverse("emergency:task", args=[(t := _task(c)).pk]), MEMBERS_A),
        Probe(reverse("emergency:task", args=[t.pk]), MEMBERS_A, method="post",
              data={"result": "ok", "submission": "matrix"}),
    ],
    "emergency:needs": lambda c: [Probe(reverse("emergency:needs", args=[_emergency(c).pk]), OVER_UNIT_A)],
    "emergency:report": lambda c: [Probe(reverse("emergency:report", args=[_emergency(c).pk]), OVER_UNIT_A)],
    "emergency:report_pdf": lambda c: [Probe(reverse("emergency:report_pdf", args=[_emergency(c).pk]), OVER_UNIT_A)],
    "emergency:report_xlsx": lambda c: [Probe(reverse("emergency:report_xlsx", args=[_emergency(c).pk]), OVER_UNIT_A)],
    "api:emergency_list": lambda c: [Probe("/api/emergency/", ALL)],
    "api:emergency_status": lambda c: [Probe(f"/api/emergency/{_emergency(c).pk}", OVER_UNIT_A)],
    "api:emergency_my_tasks": lambda c: [Probe(f"/api/emergency/{_emergency(c).pk}/tasks", OVER_UNIT_A)],
    "api:emergency_needs": lambda c: [Probe(f"/api/emergency/{_emergency(c).pk}/needs", OVER_UNIT_A)],
    "api:emergency_task_result": lambda c: [Probe(f"/api/emergency/tasks/{_task(c).pk}/result", MEMBERS_A,
                                                  method="post", json=True, data={"result": "ok", "submission": "m"})],
    "emergency:review_pdf": lambda c: [Probe(reverse("emergency:review_pdf", args=[_emergency(c, ended=True).pk]),
                                             OVER_UNIT_A)],
}
