"""Staff performance pages (考核): league tables by scope, a score's reasons with its appeals,
the city's weighting, the XLSX export. Thin: parse, check, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yizuyihui.accounts.roles import is_staff
from yizuyihui.core.errors import ServiceError, ServiceForbidden
from yizuyihui.incentives import performance, performance_rules, performance_selectors, performance_services
from yizuyihui.incentives.performance_models import (
    WEIGHT_TOTAL,
    Appeal,
    Measure,
    PerformanceScore,
    SubjectKind,
)


def _period_kind(request) -> tuple[str, str, list[str]]:
    periods = performance_selectors.periods()
    period = request.GET.get("period", "")
    if period not in periods:
        period = periods[0] if periods else performance.current_period()
    kind = request.GET.get("kind", "")
    if kind not in SubjectKind.values:
        kind = performance_selectors.default_kind(request.user)
    return period, kind, periods


@login_required
def league(request):
    if not is_staff(request.user):
        raise PermissionDenied
    period, kind, periods = _period_kind(request)
    rows = list(performance_selectors.league(user=request.user, period=period, kind=kind))
    names = performance_selectors.peer_names(rows)
    groups: list[tuple[str, list]] = []
    for r in rows:
        if not groups or groups[-1][0] != r.peers:
            groups.append((r.peers, []))
        groups[-1][1].append(r)
    return render(request, "incentives/performance.html", {
        "period": period, "kind": kind, "periods": periods, "kinds": SubjectKind.choices,
        "groups": [(names.get(p, ""), members) for p, members in groups], "truncated": len(rows) >= 500,
        "mine": performance_selectors.my_scores(user=request.user, period=period),
        "can_edit_weights": performance_rules.can_edit_weights(request.user)})


@login_required
def league_xlsx(request):
    if not is_staff(request.user):
        raise PermissionDenied
    period, kind, _periods = _period_kind(request)
    body = performance_selectors.league_xlsx(user=request.user, period=period, kind=kind)
    resp = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f'attachment; filename="performance-{period}-{kind}.xlsx"'
    return resp


def _score(request, pk: int) -> PerformanceScore:
    score = get_object_or_404(PerformanceScore.objects.select_related("node", "user", "person"), pk=pk)
    if not performance_rules.can_view_score(request.user, score):
        raise PermissionDenied
    return score


@login_required
def detail(request, pk: int):
    score = _score(request, pk)
    return render(request, "incentives/performance_detail.html", {
        "score": score, "components": performance_selectors.components(score),
        "appeals": list(score.appeals.select_related("filed_by__person", "answered_by__person")),
        "can_appeal": performance_rules.can_appeal(request.user, score),
        "can_answer": performance_rules.can_answer_appeal(request.user, score)})


def _run(request, fn, ok: str) -> None:
    try:
        fn()
    except ServiceForbidden as e:
        raise PermissionDenied(str(e)) from e
    except ServiceError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, ok)


@login_required
@require_POST
def appeal(request, pk: int):
    score = _score(request, pk)
    _run(request, lambda: performance_services.appeal_file(score=score, actor=request.user,
                                                           text=request.POST.get("text", "")),
         _("Appeal filed: the level above will answer"))
    return redirect("incentives:performance_detail", pk=score.pk)


@login_required
@require_POST
def appeal_answer(request, pk: int):
    item = get_object_or_404(Appeal.objects.select_related("score__node"), pk=pk)
    if not performance_rules.can_view_score(request.user, item.score):
        raise PermissionDenied
    _run(request, lambda: performance_services.appeal_answer(appeal=item, actor=request.user,
                                                             answer=request.POST.get("answer", "")), _("Answer sent"))
    return redirect("incentives:performance_detail", pk=item.score_id)


@login_required
def weights(request):
    """The city's weighting of the measures (administrators), and recomputing a period."""
    if not performance_rules.can_edit_weights(request.user):
        raise PermissionDenied
    current = performance.current_weights()
    if request.method == "POST":
        if request.POST.get("action") == "recompute":
            period = request.POST.get("period", "")
            _run(request, lambda: performance_services.performance_compute(actor=request.user, period=period),
                 _("Scores recomputed"))
            return redirect("incentives:performance_weights")
        posted = {m: request.POST.get(m, "") for m in Measure.values}
        try:
            performance_services.performance_weights_save(actor=request.user, weights=posted)
        except ServiceError as e:
            problems = getattr(e, "problems", [str(e)])
            return render(request, "incentives/performance_weights.html", {
                "rows": [(m, label, posted[m]) for m, label in Measure.choices], "problems": problems,
                "total": WEIGHT_TOTAL, "period": performance.current_period()}, status=400)
        messages.success(request, _("Saved: recompute the period for the new weighting to apply"))
        return redirect("incentives:performance_weights")
    return render(request, "incentives/performance_weights.html", {
        "rows": [(m, label, current[m]) for m, label in Measure.choices], "total": WEIGHT_TOTAL,
        "period": (performance_selectors.periods() or [performance.current_period()])[0]})
