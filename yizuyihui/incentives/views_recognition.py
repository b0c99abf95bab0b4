"""Thin views for honours, thank-you letters and the reports to the organisation department."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yizuyihui.accounts.roles import resident_unit
from yizuyihui.core.errors import ServiceError, ServiceForbidden
from yizuyihui.incentives import honours, letters, reports, rules
from yizuyihui.incentives.periods import (
    PeriodError,
    default_letter_quarter,
    honour_periods,
    period_parse,
    recent_periods,
    recent_quarters,
)
from yizuyihui.incentives.recognition import AssessmentGrade, Honour, HonourTitle, ThankYouLetter
from yizuyihui.org.models import OrgNode, Unit
from yizuyihui.people.models import Person


def _run(request, fn, ok: str) -> bool:
    try:
        result = fn()
    except ServiceForbidden as e:
        raise PermissionDenied(str(e)) from e
    except ServiceError as e:
        messages.error(request, str(e))
        return False
    messages.success(request, ok(result) if callable(ok) else ok)
    return True


def _chosen_node(request, nodes, source):
    """The issuer chosen on the page (one of the user's), else the first."""
    pk = source.get("node")
    if pk:
        node = get_object_or_404(OrgNode, pk=pk) if str(pk).isdigit() else None
        if node is None or not rules.can_issue_for(request.user, node):
            raise PermissionDenied
        return node
    return nodes[0] if nodes else None


def _pdf(data: bytes, filename: str, content_type: str = "application/pdf") -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


# --- the community's page --------------------------------------------------------------------------
@login_required
def community(request):
    """Honours, thank-you letters and reports of the community (or street): the cadre's way in."""
    nodes = letters.issuer_nodes(request.user)
    if not nodes:
        raise PermissionDenied
    return render(request, "incentives/community.html", {
        "nodes": nodes, "waiting": honours.proposals_waiting(user=request.user),
        "letters_issued": letters.letters_visible_to(request.user).count(),
        "quarter": default_letter_quarter()})


# --- thank-you letters -----------------------------------------------------------------------------
@login_required
def letter_register(request):
    nodes = letters.issuer_nodes(request.user)
    if not nodes:
        raise PermissionDenied
    node = _chosen_node(request, nodes, request.GET)
    try:
        period = period_parse(request.GET.get("quarter", "")) if request.GET.get("quarter") else default_letter_quarter()
    except PeriodError:
        period = default_letter_quarter()
    due, no_employer = letters.letters_due(node=node, period=period)
    return render(request, "incentives/letters.html", {
        "nodes": nodes, "node": node, "period": period, "quarters": recent_quarters(8)[1:], "due": due,
        "no_employer": no_employer, "register": letters.letters_visible_to(request.user)[:300]})


@login_required
@require_POST
def letter_issue(request):
    node = get_object_or_404(OrgNode, pk=request.POST.get("node") or 0)
    quarter = request.POST.get("quarter", "")
    _run(request, lambda: letters.letters_issue(actor=request.user, node=node, quarter=quarter),
         lambda made: _("%(n)s letters issued") % {"n": len(made)})
    return redirect(f"{reverse('incentives:letters')}?node={node.pk}&quarter={quarter}")


@login_required
def letter_pdf(request, pk: int):
    letter = get_object_or_404(ThankYouLetter.objects.select_related("node", "person"), pk=pk)
    if not rules.can_issue_for(request.user, letter.node):
        raise PermissionDenied
    return _pdf(letters.letter_pdf(letter=letter), f"感谢信-{letter.person.name}-{letter.quarter}.pdf")


# --- reports to the organisation department --------------------------------------------------------
def _report_args(request, source):
    nodes = letters.issuer_nodes(request.user)
    if not nodes:
        raise PermissionDenied
    node = _chosen_node(request, nodes, source)
    try:
        period = period_parse(source.get("period", "")) if source.get("period") else default_letter_quarter()
    except PeriodError:
        period = default_letter_quarter()
    return nodes, node, period


@login_required
def report(request):
    nodes, node, period = _report_args(request, request.GET)
    return render(request, "incentives/report.html", {
        "nodes": nodes, "node": node, "period": period, "periods": recent_periods(),
        "groups": reports.report_build(node=node, period=period), "grades": AssessmentGrade.choices})


@login_required
@require_POST
def report_assess(request):
    _nodes, node, period = _report_args(request, request.POST)
    person = get_object_or_404(Person, pk=request.POST.get("person") or 0)
    _run(request, lambda: reports.assessment_save(actor=request.user, node=node, person=person, period=period.key,
                                                  grade=request.POST.get("grade", ""),
                                                  text=request.POST.get("text", "")), _("Saved"))
    return redirect(f"{reverse('incentives:report')}?node={node.pk}&period={period.key}#p{person.pk}")


@login_required
def report_pdf(request):
    _nodes, node, period = _report_args(request, request.GET)
    return _pdf(reports.report_pdf(node=node, period=period), f"报到服务情况-{node.name}-{period.key}.pdf")


@login_required
def report_xlsx(request):
    _nodes, node, period = _report_args(request, request.GET)
    return _pdf(reports.report_xlsx(node=node, period=period), f"报到服务情况-{node.name}-{period.key}.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# --- honours ---------------------------------------------------------------------------------------
@login_required
def honour_list(request):
    """The community's candidates: propose from the record, confirm or reject."""
    nodes = letters.issuer_nodes(request.user)
    if not nodes:
        raise PermissionDenied
    node = _chosen_node(request, nodes, request.GET)
    return render(request, "incentives/honours.html", {
        "nodes": nodes, "node": node, "periods": honour_periods(), "titles": HonourTitle.objects.filter(active=True),
        "rows": honours.honours_under(node=node)})


@login_required
@require_POST
def honour_propose(request):
    node = get_object_or_404(OrgNode, pk=request.POST.get("node") or 0)
    title = get_object_or_404(HonourTitle, pk=request.POST.get("title") or 0)
    _run(request, lambda: honours.honours_propose(actor=request.user, node=node, title=title,
                                                  period=request.POST.get("period", "")),
         lambda n: _("%(n)s candidates proposed") % {"n": n})
    return redirect(f"{reverse('incentives:honours')}?node={node.pk}")


@login_required
@require_POST
def honour_decide(request, pk: int):
    honour = get_object_or_404(Honour.objects.select_related("unit__node"), pk=pk)
    if request.POST.get("decision") == "confirm":
        _run(request, lambda: honours.honour_confirm(actor=request.user, honour=honour), _("Confirmed"))
    else:
        _run(request, lambda: honours.honour_reject(actor=request.user, honour=honour,
                                                    reason=request.POST.get("reason", "")), _("Rejected"))
    node = request.POST.get("node") or ""
    return redirect(f"{reverse('incentives:honours')}?node={node}" if node.isdigit() else reverse("incentives:honours"))


@login_required
def honour_board(request, unit_id: int):
    """光荣榜: the unit's confirmed honours for its board — names only (core/public.py). Its
    residents and the staff over it, as the unit's other boards."""
    unit = get_object_or_404(Unit.objects.select_related("node"), pk=unit_id)
    own = resident_unit(request.user)
    if not (request.user.has_perm("org.view_unit", unit) or (own is not None and own.pk == unit.pk)):
        raise PermissionDenied
    return render(request, "incentives/honour_board.html", {"unit": unit, "board": honours.unit_board(unit=unit)})


@login_required
def honour_titles(request):
    """The titles as data (the city's administrators)."""
    if not rules.can_edit_honour_titles(request.user):
        raise PermissionDenied
    if request.method == "POST":
        p = request.POST
        _run(request, lambda: honours.honour_title_save(
            actor=request.user, pk=p.get("pk") or None, name=p.get("name", ""), measure=p.get("measure", ""),
            period=p.get("period", ""), minimum=p.get("minimum"), per_unit=p.get("per_unit"),
            active=p.get("active") == "on"), _("Saved"))
        return redirect("incentives:honour_titles")
    return render(request, "incentives/honour_titles.html", honours.titles_page())
