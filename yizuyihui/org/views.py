import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from yizuyihui.audit.models import AuditAction
from yizuyihui.audit.services import audit_record
from yizuyihui.org import selectors
from yizuyihui.org.imports import ImportRejected, import_file
from yizuyihui.org.models import OrgNode, Unit
from yizuyihui.people.rules import may_manage_roster
from yizuyihui.people.selectors import unit_roster


def _staff_only(request):
    from yizuyihui.accounts.scope import user_scope

    if not user_scope(request.user).paths:
        raise PermissionDenied


@login_required
def browse(request):
    _staff_only(request)
    roots = selectors.scope_root_nodes(request.user)
    if len(roots) == 1:
        return redirect("org:node_detail", pk=roots[0].pk)
    return render(request, "org/browse.html", {"roots": roots})


@login_required
def node_detail(request, pk: int):
    node = get_object_or_404(OrgNode, pk=pk)
    if not request.user.has_perm("org.view_node", node):
        raise PermissionDenied
    if node.is_unit_level and hasattr(node, "unit"):
        return redirect("org:unit_detail", pk=node.unit.pk)
    children = list(selectors.node_children_visible_to(user=request.user, node=node).select_related("unit"))
    embedding = selectors.embedding_by_child(children)
    for child in children:
        child.embedding_mean, child.unit_count = embedding.get(child.pk, (None, 0))
    return render(
        request,
        "org/node_detail.html",
        {"node": node, "children": children, "crumbs": selectors.breadcrumbs(user=request.user, node=node)},
    )


@login_required
def unit_list(request):
    _staff_only(request)
    sort, q = request.GET.get("sort", "name"), request.GET.get("q", "").strip()
    under = None
    if request.GET.get("under", "").isdigit():
        under = get_object_or_404(OrgNode, pk=int(request.GET["under"]))
        if not request.user.has_perm("org.view_node", under):
            raise PermissionDenied
    units = selectors.unit_list(user=request.user, sort=sort, q=q, under=under)
    page = Paginator(units, 50).get_page(request.GET.get("page"))
    return render(request, "org/unit_list.html", {"page": page, "sort": sort, "q": q, "under": under})


@login_required
def unit_export(request):
    _staff_only(request)
    units = selectors.unit_list(user=request.user, sort=request.GET.get("sort", "name"), q=request.GET.get("q", "").strip())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="units.csv"'
    audit_record(action=AuditAction.EXPORT, request=request, object_type="org.unit",
                 detail={"what": "units.csv", "q": request.GET.get("q", "")[:100]})
    response.write("\ufeff")  # so spreadsheet programs read the Chinese as UTF-8
    writer = csv.writer(response)
    writer.writerow(["code", "name", "kind", "party_group_size", "council_size", "embedding_degree",
                     "council_party_share", "one_shoulder", "households", "residents"])
    for u in units.iterator(chunk_size=2000):
        writer.writerow([u.node.code, u.name, u.kind, u.party_group_size, u.council_size, u.embedding_degree,
                         u.council_party_share, int(u.one_shoulder), u.households, u.residents])
    return response


@login_required
def unit_detail(request, pk: int):
    unit = get_object_or_404(Unit.objects.select_related("node"), pk=pk)
    if not request.user.has_perm("org.view_unit", unit):
        raise PermissionDenied
    return render(
        request,
        "org/unit_detail.html",
        {
            "unit": unit,
            "roster": unit_roster(unit=unit),
            "advice": selectors.embedding_advice(unit),
            "may_manage": may_manage_roster(request.user, unit),
            "crumbs": selectors.breadcrumbs(user=request.user, node=unit.node),
        },
    )


@login_required
def tree_import(request):
    if not request.user.has_perm("org.import_tree"):
        raise PermissionDenied
    report = None
    if request.method == "POST" and request.FILES.get("file"):
        upload = request.FILES["file"]
        try:
            report = import_file(name=upload.name, content=upload.read())
        except ImportRejected as exc:
            return render(request, "org/import.html", {"errors": exc.errors}, status=400)
        messages.success(request, _("Imported %(nodes)d nodes, %(members)d seats, %(households)d households and "
                                    "%(persons)d persons.") % report)
        return redirect("org:import")
    return render(request, "org/import.html", {"report": report})
