"""Thin views: parse, check the rule, call one service or selector, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yizuyihui.accounts.scope import user_scope
from yizuyihui.audit.models import AuditAction
from yizuyihui.audit.services import audit_record
from yizuyihui.org.models import OrgNode, Unit
from yizuyihui.people.models import Household
from yizuyihui.visits import dashboard, selectors, services
from yizuyihui.visits.forms import (
    REPORT_FIELDS,
    CadenceForm,
    DutyPolicyForm,
    EventForm,
    ReportForm,
    VisitLogForm,
)
from yizuyihui.visits.models import (
    ConfidentialNote,
    Duty,
    Event,
    EventType,
    Finding,
    HealthFollowUp,
    PlannedVisit,
    ReportType,
    Visit,
)
from yizuyihui.visits.rules import BRANCH_ROLES, HEALTH_ROLES, holds_any


def _staff_only(request):
    if not user_scope(request.user).paths:
        raise PermissionDenied


def _check(request, perm: str, obj=None):
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _page(request, qs, size=50):
    return Paginator(qs, size).get_page(request.GET.get("page"))


# --- 三必访 -------------------------------------------------------------------------------------


@login_required
def due(request):
    """The phone list: what is due and overdue, mine first; my 六必到 duties on top."""
    _staff_only(request)
    mine = request.GET.get("who") != "all"
    today = timezone.localdate()
    page = _page(request, selectors.due_list(user=request.user, today=today, mine=mine))
    # Only the actions this viewer may take: a street official or a handler sees the list, not a
    # "log" link that would answer 403.
    for slot in page:
        slot.can_log = request.user.has_perm("visits.log_visit", slot.household)
    return render(request, "visits/due.html", {
        "page": page, "mine": mine, "today": today, "duties": selectors.my_open_duties(request.user)[:20],
        "now": timezone.now(),
    })


@login_required
def log(request, pk: int):
    household = get_object_or_404(Household.objects.select_related("unit", "node"), pk=pk)
    _check(request, "visits.log_visit", household)
    planned = None
    if request.GET.get("planned", "").isdigit():
        planned = PlannedVisit.objects.filter(pk=int(request.GET["planned"]), household=household, visit__isnull=True).first()
    # Logging takes seconds (DOMAIN §5): the time defaults to now.
    form = VisitLogForm(request.POST or None, request.FILES or None,
                        initial={"visited_at": timezone.localtime().replace(second=0, microsecond=0, tzinfo=None)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        file_it = request.POST.get("action") == "file"
        try:
            visit = services.visit_log(
                household=household, actor=request.user, visited_at=data["visited_at"], note=data["note"],
                photo=data["photo"], latitude=data["latitude"], longitude=data["longitude"],
                findings=[data["finding"]] if data["finding"] else [], file_findings=file_it, planned=planned,
            )
        except Exception as exc:  # a matter refused by the closed loop must not lose the visit
            if not file_it:
                raise
            visit = services.visit_log(
                household=household, actor=request.user, visited_at=data["visited_at"], note=data["note"],
                photo=data["photo"], latitude=data["latitude"], longitude=data["longitude"],
                findings=[data["finding"]] if data["finding"] else [], planned=planned,
            )
            messages.error(request, _("The visit is saved; the matter could not be filed: %s") % exc)
            return redirect("visits:visit_detail", pk=visit.pk)
        if file_it and data["finding"]:
            messages.success(request, _("Visit logged and the finding filed as a matter."))
        else:
            messages.success(request, _("Visit logged."))
        return redirect("visits:due")
    return render(request, "visits/log.html", {"household": household, "planned": planned, "form": form})


@login_required
def visit_detail(request, pk: int):
    visit = get_object_or_404(Visit.objects.select_related("household", "unit__node", "visitor"), pk=pk)
    _check(request, "visits.view_unit_item", visit)
    return render(request, "visits/visit_detail.html", {
        "visit": visit, "findings": visit.findings.all(),
        "can_file": request.user.has_perm("visits.log_visit", visit.household),
    })


@login_required
@require_POST
def finding_file(request, pk: int):
    finding = get_object_or_404(Finding.objects.select_related("visit__household__node", "visit__unit"), pk=pk)
    _check(request, "visits.log_visit", finding.visit.household)
    services.finding_file(finding=finding, actor=request.user)
    messages.success(request, _("Filed as a matter."))
    return redirect("visits:visit_detail", pk=finding.visit_id)


@login_required
def unit_schedule(request, pk: int):
    """Households of a unit with their visitor; the leader assigns here."""
    unit = get_object_or_404(Unit.objects.select_related("node"), pk=pk)
    _check(request, "org.view_unit", unit)
    can_assign = request.user.has_perm("visits.assign_visitors", unit)
    visitors = services.visitors_for_unit(unit)
    if request.method == "POST":
        if not can_assign:
            raise PermissionDenied
        if request.POST.get("auto"):
            n = services.visitor_assign_round_robin(unit=unit, actor=request.user)
        else:
            visitor = get_object_or_404(visitors, pk=request.POST.get("visitor") or 0)
            households = Household.objects.filter(unit=unit, pk__in=request.POST.getlist("household"))
            n = services.visitor_assign(households=households, visitor=visitor, actor=request.user)
        messages.success(request, _("%d households assigned.") % n)
        return redirect("visits:unit_schedule", pk=unit.pk)
    households = list(selectors.households_for_visiting(user=request.user, unit=unit).select_related("node"))
    for h in households:  # as on the due list: no "log" link that would answer 403 (a street official)
        h.can_log = request.user.has_perm("visits.log_visit", h)
    return render(request, "visits/unit_schedule.html", {
        "unit": unit, "households": households, "visitors": visitors, "can_assign": can_assign,
    })


# --- 六必到 -------------------------------------------------------------------------------------


def _candidates(units):
    User = get_user_model()
    if units.count() != 1:
        return User.objects.none()
    return services.visitors_for_unit(units.first())


@login_required
def event_new(request):
    units = selectors.filing_units(request.user)
    if not units.exists():
        raise PermissionDenied
    staff = bool(user_scope(request.user).paths)
    form = EventForm(request.POST or None, units=units, candidates=_candidates(units), staff=staff)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        event = services.event_register(
            unit=data["unit"], event_type=data["event_type"], actor=request.user, description=data["description"],
            place=data["place"], urgent=True if data["urgent"] else None, named=list(data.get("named") or []) or None,
            file_matter=bool(data.get("file_matter")),
        )
        messages.success(request, _("Registered: %(n)d people must be on site.") % {"n": event.duties.count()})
        if request.user.has_perm("visits.view_unit_item", event):
            return redirect("visits:event_detail", pk=event.pk)
        return redirect("core:home")
    return render(request, "visits/event_form.html", {"form": form})


@login_required
def event_list(request):
    _staff_only(request)
    events = selectors.events_visible_to(request.user).order_by("-registered_at")
    return render(request, "visits/event_list.html", {"page": _page(request, events)})


@login_required
def event_detail(request, pk: int):
    event = get_object_or_404(Event.objects.select_related("unit__node", "registered_by"), pk=pk)
    _check(request, "visits.view_unit_item", event)
    duties = event.duties.select_related("assignee", "event").order_by("due_at", "assignee__username")
    return render(request, "visits/event_detail.html", {"event": event, "duties": duties, "now": timezone.now()})


@login_required
@require_POST
def duty_check_in(request, pk: int):
    duty = get_object_or_404(Duty, pk=pk)
    _check(request, "visits.check_in", duty)
    def _f(name):
        try:
            return float(request.POST.get(name, ""))
        except ValueError:
            return None
    services.duty_check_in(duty=duty, actor=request.user, latitude=_f("latitude"), longitude=_f("longitude"))
    messages.success(request, _("Arrival recorded."))
    return redirect("visits:event_detail", pk=duty.event_id)


# --- 六必报 -------------------------------------------------------------------------------------


def selectors_households(user, units):
    from yizuyihui.people.selectors import households_visible_to

    return households_visible_to(user).filter(unit__in=units).order_by("address")


PICK_LIMIT = 20


def _report_choices(request):
    units = selectors.filing_units(request.user)
    if user_scope(request.user).paths:
        households = selectors_households(request.user, units)
    else:
        person = getattr(request.user, "person", None)
        households = Household.objects.filter(pk=getattr(person, "household_id", None) or 0)
    return units, households


@login_required
def report_new(request):
    """六必报 on a phone: first the kind of report (six buttons), then only its fields; units and
    households are found by typing (report_pick), never shipped as thousands of options."""
    units, households = _report_choices(request)
    if not units.exists():
        raise PermissionDenied
    report_type = request.POST.get("report_type") or request.GET.get("type", "")
    if report_type not in ReportType.values:
        return render(request, "visits/report_form.html", {"types": ReportType.choices})
    form = ReportForm(request.POST or None, units=units, households=households, initial={"report_type": report_type})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        household = data["household"]
        if household is not None and household.unit_id != data["unit"].pk:
            form.add_error("household", _("This household is not in the chosen unit"))
        else:
            try:
                report = services.report_file(
                    unit=data["unit"], report_type=data["report_type"], actor=request.user, description=data["description"],
                    place=data["place"], household=household, person_name=data["person_name"], gender=data["gender"],
                    came_from=data["came_from"], tenants=data["tenants"] or 1,
                )
            except services.VisitsError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Reported to: %s") % report.get_desk_display())
                return redirect("visits:report_list" if user_scope(request.user).paths else "core:home")
    wanted = REPORT_FIELDS[report_type]
    few_units = list(units[:PICK_LIMIT + 1])
    chosen_unit = form["unit"].value() or (few_units[0].pk if len(few_units) == 1 else None)
    return render(request, "visits/report_form.html", {
        "form": form, "report_type": report_type, "type_label": ReportType(report_type).label,
        "fields": [form[name] for name in wanted if name not in ("household",)],
        "asks_household": "household" in wanted,
        "units": few_units if len(few_units) <= PICK_LIMIT else [], "chosen_unit": str(chosen_unit or ""),
        "households": list(households.filter(unit_id=chosen_unit)[:PICK_LIMIT]) if chosen_unit else [],
    })


@login_required
def report_pick(request, what: str):
    """Search as you type (htmx) for the report form: units or households of a unit, ≤ 20 rows."""
    units, households = _report_choices(request)
    q = (request.GET.get("q") or request.GET.get("unit_q") or request.GET.get("household_q") or "").strip()[:50]
    if what == "unit":
        rows = [(u.pk, u.name) for u in units.filter(name__icontains=q)[:PICK_LIMIT]] if q else []
    elif what == "household":
        unit_id = request.GET.get("unit", "")
        qs = households.filter(unit_id=int(unit_id)) if unit_id.isdigit() else households.none()
        rows = [(h.pk, h.address) for h in (qs.filter(address__icontains=q) if q else qs)[:PICK_LIMIT]]
    else:
        raise Http404
    return render(request, "visits/_report_pick.html", {"rows": rows, "name": what})


@login_required
def report_list(request):
    _staff_only(request)
    reports = selectors.reports_visible_to(request.user).order_by("-reported_at")
    return render(request, "visits/report_list.html", {"page": _page(request, reports)})


@login_required
def note_list(request):
    if not holds_any(request.user, BRANCH_ROLES):
        raise PermissionDenied
    notes = selectors.notes_visible_to(request.user).order_by("-created")
    return render(request, "visits/note_list.html", {"page": _page(request, notes)})


@login_required
def note_detail(request, pk: int):
    note = get_object_or_404(ConfidentialNote.objects.select_related("unit", "branch"), pk=pk)
    _check(request, "visits.read_note", note)
    audit_record(action=AuditAction.CONFIDENTIAL_READ, request=request, obj=note)
    return render(request, "visits/note_detail.html", {"note": note})


@login_required
def followup_list(request):
    if not holds_any(request.user, HEALTH_ROLES):
        raise PermissionDenied
    followups = selectors.followups_visible_to(request.user).order_by("status", "-opened")
    return render(request, "visits/followup_list.html", {"page": _page(request, followups)})


@login_required
@require_POST
def followup_close(request, pk: int):
    followup = get_object_or_404(HealthFollowUp.objects.select_related("unit__node"), pk=pk)
    _check(request, "visits.handle_followup", followup)
    services.followup_close(followup=followup, actor=request.user, note=request.POST.get("note", "")[:500])
    messages.success(request, _("Follow-up closed."))
    return redirect("visits:followup_list")


@login_required
def rental_list(request):
    _staff_only(request)
    rentals = selectors.rentals_visible_to(request.user).filter(ended__isnull=True).order_by("-started")
    return render(request, "visits/rental_list.html", {"page": _page(request, rentals)})


# --- compliance and policy ------------------------------------------------------------------------


def _period(request) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = today.replace(month=1, day=1)
    try:
        end = dt.date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        end = today
    return start, max(start, end)


@login_required
def compliance(request):
    _staff_only(request)
    node = None
    if request.GET.get("node", "").isdigit():
        node = get_object_or_404(OrgNode, pk=int(request.GET["node"]))
        if not request.user.has_perm("org.view_node", node):
            raise PermissionDenied
    start, end = _period(request)
    figures = dashboard.compliance(user=request.user, node=node, start=start, end=end)
    return render(request, "visits/compliance.html", {"c": figures, "node": node, "start": start, "end": end})


@login_required
def policy(request):
    _check(request, "visits.edit_policy")
    cadence = CadenceForm(request.POST or None, current=services.cadence_map(), prefix="c")
    duty = DutyPolicyForm(request.POST or None, current={e: services.duty_policy(e) for e in EventType.values}, prefix="d")
    if request.method == "POST" and cadence.is_valid() and duty.is_valid():
        current = services.cadence_map()
        for category, period in ((k.removeprefix("cadence_"), v) for k, v in cadence.cleaned_data.items()):
            if current[category] != period:
                services.cadence_set(category=category, period=period, actor=request.user)
        for event_type in EventType.values:
            services.duty_policy_set(
                event_type=event_type, urgent=duty.cleaned_data[f"urgent_{event_type}"],
                deadline_minutes=duty.cleaned_data[f"minutes_{event_type}"], actor=request.user,
            )
        messages.success(request, _("Policy saved."))
        return redirect("visits:policy")
    duty_rows = [(duty[f"minutes_{e}"], duty[f"urgent_{e}"]) for e in EventType.values]
    return render(request, "visits/policy.html", {"cadence": cadence, "duty_rows": duty_rows})

