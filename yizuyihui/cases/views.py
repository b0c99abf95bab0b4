"""Thin views over cases.services and cases.selectors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render

from yizuyihui.cases.models import Case


@login_required
def detail(request, pk: int):
    case = get_object_or_404(Case.objects.select_related("unit__node", "node", "category"), pk=pk)
    if not request.user.has_perm("cases.view_case", case):
        raise PermissionDenied
    return render(request, "cases/detail.html", {"case": case})


@login_required
def my_case(request, public_id):
    case = get_object_or_404(Case.objects.select_related("unit", "category"), public_id=public_id)
    if not request.user.has_perm("cases.view_case", case):
        raise PermissionDenied
    return render(request, "cases/my_case.html", {"case": case})
