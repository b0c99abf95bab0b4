"""Scope-matrix entries for the visits app (merged by tests/accounts/test_accounts_scope_matrix.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from scope import ALL, OVER_UNIT_A, OVER_UNIT_D, STAFF, Probe

VISITORS_A = frozenset({"grid_worker", "unit_leader", "council_member", "building_head", "community_cadre"})
BRANCH_HOLDERS = frozenset({"community_cadre", "street_official", "district_official", "city_admin", "outsider"})
BRANCH_OVER_A = BRANCH_HOLDERS - {"outsider"}
HEALTH_HOLDERS = BRANCH_HOLDERS | {"grid_worker", "unit_leader"}
HEALTH_OVER_A = HEALTH_HOLDERS - {"outsider"}


def _objects(c):
    """One of everything in unit A (built per test: the cast is rebuilt for each)."""
    from yizuyihui.people.models import Household
    from yizuyihui.people.services import household_create
    from yizuyihui.visits import services
    from yizuyihui.visits.models import ConfidentialNote, HealthFollowUp, PlannedVisit

    today = timezone.localdate()
    services.schedule_generate(under=c.city, start=today, end=today)
    household = Household.objects.filter(unit=c.unit_a, category="special").first()
    household_d = household_create(unit=c.unit_d, address="和平一网格1号")
    visit = services.visit_log(household=household, actor=c.users["grid_worker"], findings=["路灯坏了"])
    event = services.event_register(unit=c.unit_a, event_type="family_misfortune", actor=None, description="x")
    note = ConfidentialNote.objects.get(report=services.report_file(
        unit=c.unit_a, report_type="instability", actor=c.users["grid_worker"], description="secret"))
    followup = HealthFollowUp.objects.get(report=services.report_file(
        unit=c.unit_a, report_type="new_pregnancy", actor=c.users["grid_worker"], household=household))
    return {
        "household": household, "household_d": household_d, "visit": visit, "finding": visit.findings.first(),
        "duty": event.duties.get(assignee=c.users["grid_worker"]), "event": event, "note": note, "followup": followup,
        "planned": PlannedVisit.objects.filter(household__unit=c.unit_a).first(),
    }


def _o(c):
    # The matrix calls each route's lambda with a freshly built cast: keep the objects on it.
    if not hasattr(c, "_visits_objects"):
        c._visits_objects = _objects(c)
    return c._visits_objects

ROUTES = {
    "visits:due": lambda c: [Probe(reverse("visits:due"), STAFF), Probe(reverse("visits:due") + "?who=all", STAFF)],
    "visits:log": lambda c: [
        Probe(reverse("visits:log", args=[_o(c)["household"].pk]), VISITORS_A),
        Probe(reverse("visits:log", args=[_o(c)["household_d"].pk]), frozenset()),
    ],
    "visits:visit_detail": lambda c: [Probe(reverse("visits:visit_detail", args=[_o(c)["visit"].pk]), OVER_UNIT_A)],
    "visits:finding_file": lambda c: [
        Probe(reverse("visits:finding_file", args=[_o(c)["finding"].pk]), VISITORS_A, method="post"),
    ],
    "visits:unit_schedule": lambda c: [
        Probe(reverse("visits:unit_schedule", args=[c.unit_a.pk]), OVER_UNIT_A),
        Probe(reverse("visits:unit_schedule", args=[c.unit_d.pk]), OVER_UNIT_D),
    ],
    "visits:event_list": lambda c: [Probe(reverse("visits:event_list"), STAFF)],
    "visits:event_new": lambda c: [Probe(reverse("visits:event_new"), ALL)],
    "visits:event_detail": lambda c: [Probe(reverse("visits:event_detail", args=[_o(c)["event"].pk]), OVER_UNIT_A)],
    "visits:duty_check_in": lambda c: [
        Probe(reverse("visits:duty_check_in", args=[_o(c)["duty"].pk]), frozenset({"grid_worker"}), method="post"),
    ],
    "visits:report_list": lambda c: [Probe(reverse("visits:report_list"), STAFF)],
    "visits:report_new": lambda c: [Probe(reverse("visits:report_new"), ALL)],
    "visits:report_pick": lambda c: [Probe(reverse("visits:report_pick", args=["unit"]) + "?q=幸福", ALL)],
    "visits:note_list": lambda c: [Probe(reverse("visits:note_list"), BRANCH_HOLDERS)],
    "visits:note_detail": lambda c: [Probe(reverse("visits:note_detail", args=[_o(c)["note"].pk]), BRANCH_OVER_A)],
    "visits:followup_list": lambda c: [Probe(reverse("visits:followup_list"), HEALTH_HOLDERS)],
    "visits:followup_close": lambda c: [
        Probe(reverse("visits:followup_close", args=[_o(c)["followup"].pk]), HEALTH_OVER_A, method="post"),
    ],
    "visits:rental_list": lambda c: [Probe(reverse("visits:rental_list"), STAFF)],
    "visits:compliance": lambda c: [
        Probe(reverse("visits:compliance"), STAFF),
        Probe(reverse("visits:compliance") + f"?node={c.unit_d.node.pk}", OVER_UNIT_D),
    ],
    "visits:policy": lambda c: [Probe(reverse("visits:policy"), frozenset({"city_admin"}))],
}
