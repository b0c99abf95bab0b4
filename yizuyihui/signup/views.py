"""Sign-up pages (phone first, no script needed) and the grid worker's decision."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from yizuyihui.accounts import smscodes
from yizuyihui.accounts.backends import LOGIN_BACKEND as _BACKEND
from yizuyihui.audit.models import AuditAction
from yizuyihui.audit.services import audit_record
from yizuyihui.core.errors import ServiceConflict, ServiceError, ServiceForbidden
from yizuyihui.core.masking import mask_phone
from yizuyihui.org.models import OrgNode, Unit
from yizuyihui.people.models import Household
from yizuyihui.signup import selectors, services
from yizuyihui.signup.models import JoinRequest, JoinStatus


def start(request):
    """Step 1: the mobile number gets a code. Step 2: code, name and ID number. The number travels
    in the form between the steps (nothing is kept for a visitor who goes away)."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    p = request.POST
    ctx = {"phone": p.get("phone", "").strip()[:20], "sent": bool(p.get("sent")), "name": p.get("name", "")[:50],
           "id_number": p.get("id_number", "").strip()[:18]}
    status = 200
    if request.method == "POST":
        try:
            if p.get("action") == "send":
                ctx["phone"] = services.signup_send_code(phone=ctx["phone"], ip=smscodes.client_ip(request))
                messages.success(request, smscodes.sent_note(ctx["phone"]))
                ctx["sent"] = True
            else:
                join = services.signup_complete(phone=ctx["phone"], code=p.get("code", ""), name=ctx["name"],
                                                id_number=ctx["id_number"])
                auth_login(request, join.user, backend=_BACKEND)
                if join.status == JoinStatus.MATCHED:
                    messages.success(request, _("Welcome! You are registered in %(unit)s: you can report matters now.")
                                     % {"unit": join.unit.name if join.unit else ""})
                    return redirect(settings.LOGIN_REDIRECT_URL)
                if join.status == JoinStatus.PENDING:
                    messages.info(request, _("The register has another phone number for you: your grid worker "
                                             "will confirm you."))
                    return redirect("signup:status")
                messages.info(request, _("Your ID number is not on your community's register yet. "
                                         "Choose where you live; its grid worker will confirm you."))
                return redirect("signup:unit")
        except ServiceError as exc:
            messages.error(request, str(exc))
            status = getattr(exc, "status", 400)
    ctx["phone_masked"] = mask_phone(ctx["phone"])
    return render(request, "signup/start.html", ctx, status=status)


def _own_open_request(request) -> JoinRequest:
    join = selectors.open_join_request(user=request.user)
    if join is None:
        raise PermissionDenied
    return join


@login_required
def unit(request):
    """Step 3 (not on the register): tap down the tree — district, street, community — to the grid
    or natural village, and send the request there."""
    join = _own_open_request(request)
    if request.method == "POST":
        chosen = get_object_or_404(Unit.objects.select_related("node"), pk=request.POST.get("unit") or 0)
        try:
            services.join_request_choose_unit(join_request=join, unit=chosen, address=request.POST.get("address", ""))
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            return redirect("signup:status")
    node = None
    if request.GET.get("node", "").isdigit():
        node = get_object_or_404(OrgNode, pk=request.GET["node"])
    children = (node.get_children() if node is not None else OrgNode.get_root_nodes()).select_related("unit")
    children = list(children.order_by("name")[:300])
    if node is None and len(children) == 1:  # one city: start at its districts
        node, children = children[0], list(children[0].get_children().select_related("unit").order_by("name")[:300])
    crumbs = list(node.get_ancestors()) + [node] if node is not None else []
    return render(request, "signup/unit.html", {"join": join, "node": node, "children": children, "crumbs": crumbs})


@login_required
def status(request):
    join = JoinRequest.objects.filter(user=request.user).select_related("unit").order_by("-created_at", "-pk").first()
    if join is None:
        raise PermissionDenied
    return render(request, "signup/status.html", {"join": join})


@login_required
def review(request, pk: int):
    """The grid worker's decision: confirm (optionally into a household of the unit) or turn down."""
    join = get_object_or_404(JoinRequest.objects.select_related("unit__node", "user"), pk=pk)
    if not request.user.has_perm("signup.review_join", join):
        raise PermissionDenied
    if request.method == "POST":
        try:
            if request.POST.get("action") == "confirm":
                household = None
                if request.POST.get("household", "").isdigit():
                    household = get_object_or_404(Household, pk=request.POST["household"], unit=join.unit)
                services.join_request_confirm(join_request=join, actor=request.user, household=household)
                messages.success(request, _("%(name)s is now a resident of %(unit)s.") % {"name": join.name,
                                                                                        "unit": join.unit.name})
            elif request.POST.get("action") == "reject":
                services.join_request_reject(join_request=join, actor=request.user, reason=request.POST.get("reason", ""))
                messages.success(request, _("The request was turned down; the resident is texted the reason."))
            else:
                raise services.SignupError(_("Confirm or turn down the request."))
        except ServiceForbidden as exc:
            raise PermissionDenied from exc
        except ServiceConflict as exc:
            messages.error(request, str(exc))
            return render(request, "signup/review.html", _review_context(join), status=409)
        except ServiceError as exc:
            messages.error(request, str(exc))
            return render(request, "signup/review.html", _review_context(join), status=400)
        next_url = request.POST.get("next", "")
        if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
            return redirect(next_url)
        return redirect(reverse("signup:review", args=[join.pk]))
    # The page shows the ID and phone numbers in full: recorded, as the people API records it.
    audit_record(action=AuditAction.PERSONAL_DATA_SHOWN, request=request, obj=join)
    return render(request, "signup/review.html", _review_context(join))


def _review_context(join: JoinRequest) -> dict:
    households = join.unit.household_set.order_by("address")[:500] if join.unit_id else []
    # The reviewer holds a personal-data role over the unit: the ID number is shown in full, as on
    # the unit's roster; the phone too (they may ring the resident before confirming).
    return {"join": join, "households": households, "pending": join.status == JoinStatus.PENDING}
