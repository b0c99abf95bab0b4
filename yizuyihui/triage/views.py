"""Thin views: likely duplicates while filing (htmx partial), support, widespread problems."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yizuyihui.accounts.roles import is_staff
from yizuyihui.cases.models import OPEN_STATUSES, Case
from yizuyihui.org.models import OrgNode
from yizuyihui.triage import selectors, services
from yizuyihui.triage.models import WidespreadCluster
from yizuyihui.triage.rules import may_view_widespread


@login_required
@require_POST
def duplicates(request):
    """The filing pages ask this (htmx, debounced) as the title/description is typed: a small list of
    open matters of the same unit that look the same. Only title, status, date and supporters.

    POST, not GET: the typed text often holds phone and ID numbers, and a query string ends up in
    every access log and proxy on the way (issue 11)."""
    g = request.POST
    unit = selectors.filing_unit(request.user, g.get("unit"))
    if unit is None and g.get("unit"):
        raise PermissionDenied
    rows = selectors.likely_duplicates(user=request.user, unit=unit, title=g.get("title", "")[:200],
                                       description=g.get("description", "")[:2000]) if unit else []
    return render(request, "triage/_duplicates.html", {"rows": rows, "staff": is_staff(request.user), "unit": unit})


@login_required
@require_POST
def support(request, pk: int):
    """Attach to an existing open matter instead of filing a new one."""
    case = get_object_or_404(Case.objects.select_related("unit__node"), pk=pk)
    if not request.user.has_perm("cases.file_for_unit", case.unit):
        raise PermissionDenied
    person = services.support_person_for(actor=request.user, case=case, phone=request.POST.get("reporter_phone", ""))
    error = ""
    try:
        services.case_support(case=case, actor=request.user, person=person)
    except services.CaseForbidden as exc:
        raise PermissionDenied(str(exc)) from exc
    except services.CaseError as exc:
        error = str(exc)
    if request.htmx:
        return render(request, "triage/_supported.html", {"case": case, "error": error,
                                                          "staff": is_staff(request.user), "person": person})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Thank you — you now follow this matter"))
    if is_staff(request.user):
        return redirect("cases:detail", pk=case.pk)
    return redirect("cases:public_board", unit_id=case.unit_id)


def _widespread_node(request) -> OrgNode:
    nodes = selectors.widespread_nodes(request.user)
    if not nodes:
        raise PermissionDenied
    raw = request.GET.get("node") or request.POST.get("node") or ""
    if raw:
        node = get_object_or_404(OrgNode, pk=int(raw) if raw.isdigit() else 0)
    else:
        node = nodes[0]
    if not may_view_widespread(request.user, node):
        raise PermissionDenied
    return node


WIDESPREAD_PAGE = 5  # problems per page
WIDESPREAD_MEMBERS = 8  # matters listed per problem (all of them are escalated together)


@login_required
def widespread(request):
    """民众普遍性问题: similar open matters across units under a street/township, district or
    community, for tier-3 handling."""
    node = _widespread_node(request)
    # The page reads the clusters the periodic job stored (triage.tasks, every 5 minutes), one page
    # of them; a scope the job does not keep (a community, a village) reads its street's clusters
    # narrowed to its matters, and is clustered on the request only when there are none and it is small.
    scan = selectors.hotspots_scan(node, compute=False)
    if scan is not None and scan.open_matters <= selectors.COMPUTE_ON_REQUEST:
        scan = selectors.hotspots_scan(node)  # a small scope: made again when its matters changed
    above = selectors.ancestor_scan(node) if scan is None else None
    if scan is None and above is None and _open_count(node) <= selectors.COMPUTE_ON_REQUEST:
        scan = selectors.hotspots_scan(node)
    if above is not None:  # at most HOTSPOT_TOP clusters: narrowed, then paginated
        narrowed = selectors.problems_from(request.user, node, above.clusters.all())
        for rank, p in enumerate(narrowed, start=1):
            p.rank = rank
        page = Paginator(narrowed, WIDESPREAD_PAGE).get_page(request.GET.get("page"))
        problems = list(page.object_list)
    else:
        page = Paginator(scan.clusters.all() if scan else WidespreadCluster.objects.none(),
                         WIDESPREAD_PAGE).get_page(request.GET.get("page"))
        problems = selectors.problems_from(request.user, node, page.object_list)
    for p in problems:  # only the shown problems: the permission check walks their members
        p.can_escalate = p.below_tier3 > 0 and all(request.user.has_perm("cases.manage_case", c)
                                                    for c in p.members if c.tier < 3)
        p.shown, p.more = p.members[:WIDESPREAD_MEMBERS], max(0, len(p.members) - WIDESPREAD_MEMBERS)
    return render(request, "triage/widespread.html", {
        "node": node, "problems": problems, "page": page, "preparing": scan is None and above is None,
        "scan": scan or above,
        "choices": selectors.widespread_choices(request.user), "max_matters": selectors.HOTSPOT_MAX_MATTERS,
    })


def _open_count(node) -> int:
    """Open matters under `node`, counted up to just past the on-request limit (never the whole city)."""
    limit = selectors.COMPUTE_ON_REQUEST + 1
    return Case.objects.filter(unit__node__path__startswith=node.path, status__in=OPEN_STATUSES)[:limit].count()


@login_required
@require_POST
def widespread_escalate(request):
    """Escalate every member matter of one problem to tier 3 (one service call per step)."""
    node = _widespread_node(request)
    ids = {int(i) for i in request.POST.getlist("case") if i.isdigit()}
    label = request.POST.get("label", "")[:100]
    cases = list(Case.objects.filter(pk__in=ids, unit__node__path__startswith=node.path)
                 .select_related("unit__node", "node", "category").order_by("pk"))
    if not cases or not label.strip():
        messages.error(request, _("Choose a problem to escalate"))
        return redirect(f"{reverse('triage:widespread')}?node={node.pk}")
    if not any(request.user.has_perm("cases.manage_case", c) for c in cases if c.tier < 3):
        if all(c.tier >= 3 for c in cases):
            messages.info(request, _("These matters are already at the street/township"))
            return redirect(f"{reverse('triage:widespread')}?node={node.pk}")
        raise PermissionDenied
    result = services.problem_escalate(cases=cases, actor=request.user, label=label)
    if result.escalated:
        messages.success(request, _("%(n)d matters went up to the street/township (tier 3)") % {"n": len(result.escalated)})
    if result.already:
        messages.info(request, _("%(n)d matters were at tier 3 already") % {"n": len(result.already)})
    for pk, why in result.failed:
        messages.error(request, _("Matter #%(pk)d: %(why)s") % {"pk": pk, "why": why})
    return redirect(f"{reverse('triage:widespread')}?node={node.pk}")


@login_required
def review(request):
    """待分类: matters under the confidence threshold, with the top-3 suggestions."""
    from yizuyihui.triage import review as rv

    if not rv.may_review(request.user):
        raise PermissionDenied
    return render(request, "triage/review.html", {"items": rv.review_queue(user=request.user),
                                                  "times": rv.time_to_route(user=request.user),
                                                  "days": rv.TIME_TO_ROUTE_DAYS})


@login_required
@require_POST
def review_choose(request, pk: int):
    """One click: this matter's category is the chosen one."""
    from yizuyihui.cases.models import Category
    from yizuyihui.triage import review as rv

    case = get_object_or_404(Case.objects.select_related("unit__node", "node"), pk=pk)
    if not request.user.has_perm("cases.manage_case", case):
        raise PermissionDenied
    raw = request.POST.get("category", "")
    category = get_object_or_404(Category, pk=int(raw) if raw.isdigit() else 0)
    try:
        rv.review_choose(case=case, actor=request.user, category=category)
    except rv.ReviewForbidden as exc:
        raise PermissionDenied(str(exc)) from exc
    except rv.ReviewError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Matter #%(pk)d: category %(name)s") % {"pk": case.pk, "name": category.name})
    return redirect("triage:review")


@login_required
def model(request):
    """The routing model: version, measured quality, corrections since it was trained."""
    from yizuyihui.triage import review as rv

    if not is_staff(request.user):
        raise PermissionDenied
    return render(request, "triage/model.html", {"s": rv.model_status(user=request.user)})
