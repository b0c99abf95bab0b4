"""The 督办 board and one supervision: answer (the supervised level) or close (the level above)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from yizuyihui.accounts.roles import is_staff
from yizuyihui.core.errors import ServiceError, ServiceForbidden
from yizuyihui.org.models import Level
from yizuyihui.supervision import selectors, services
from yizuyihui.supervision.models import Supervision, SupervisionState


@login_required
def board(request):
    if not is_staff(request.user):
        raise PermissionDenied
    state = request.GET.get("state", "")
    state = state if state in SupervisionState.values else ""
    level = request.GET.get("level", "")
    level = level if level in Level.values else ""
    page = Paginator(selectors.supervision_board(user=request.user, state=state, level=level), 30).get_page(
        request.GET.get("page"))
    query = urlencode({k: v for k, v in (("state", state), ("level", level)) if v})
    return render(request, "supervision/board.html", {
        "page": page, "state": state, "level": level, "query": query,
        "states": SupervisionState.choices, "levels": [(v, label) for v, label in Level.choices if v not in ("grid", "natural_village", "building")]})


@login_required
def detail(request, pk: int):
    sup = get_object_or_404(Supervision.objects.select_related("node", "content_type"), pk=pk)
    if not request.user.has_perm("supervision.view_supervision", sup):
        raise PermissionDenied
    if request.method == "POST":
        try:
            if request.POST.get("do") == "answer":
                services.supervision_answer(supervision=sup, actor=request.user, answer=request.POST.get("answer", ""))
            elif request.POST.get("do") == "close":
                services.supervision_close(supervision=sup, actor=request.user)
        except ServiceForbidden as exc:
            raise PermissionDenied(str(exc)) from exc
        except ServiceError as exc:
            messages.error(request, str(exc))
        return redirect("supervision:detail", pk=sup.pk)
    subject = sup.subject
    return render(request, "supervision/detail.html", {
        "sup": sup, "subject": subject,
        "subject_url": subject.get_absolute_url() if hasattr(subject, "get_absolute_url") else "",
        "can_answer": request.user.has_perm("supervision.answer_supervision", sup),
        "can_close": request.user.has_perm("supervision.close_supervision", sup),
    })
