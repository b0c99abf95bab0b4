"""The audit log page: city admins read and filter it (等保: 审计记录可查询)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from yizuyihui.accounts.rules import is_city_admin
from yizuyihui.audit.models import AuditAction, AuditEvent
from yizuyihui.core import validation


@login_required
def log(request):
    if not is_city_admin(request.user):
        raise PermissionDenied
    g = request.GET
    qs = AuditEvent.objects.all()
    if g.get("action") in AuditAction.values:
        qs = qs.filter(action=g["action"])
    if g.get("actor"):
        qs = qs.filter(actor_name=g["actor"].strip()[:150])
    start = validation.parse_date_param(g.get("start"), field="start")
    end = validation.parse_date_param(g.get("end"), field="end")
    if start:
        qs = qs.filter(at__date__gte=start)
    if end:
        qs = qs.filter(at__date__lte=end)
    page = Paginator(qs.order_by("-pk"), 100).get_page(g.get("page"))
    return render(request, "audit/log.html", {"page": page, "actions": AuditAction.choices, "f": g})
