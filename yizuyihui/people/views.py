"""Pages for the register of households and residents, and for the units' rosters and posts."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yizuyihui.core.errors import ServiceError, ServiceForbidden
from yizuyihui.org.imports import ImportRejected
from yizuyihui.org.models import Unit
from yizuyihui.org.selectors import breadcrumbs
from yizuyihui.people.imports import TEMPLATE_HEADER, residents_import
from yizuyihui.people.models import Body, Identity, MemberRole, Membership, Person, Post, Role
from yizuyihui.people.rosters import current_seats, roster_warnings
from yizuyihui.people.rules import grantable_roles, may_grant_post, may_manage_roster, register_paths
from yizuyihui.people.selectors import (
    person_search,
    person_search_covers,
    roster_history,
    unit_posts,
    unit_roster,
    user_name,
)
from yizuyihui.people.services import (
    PeopleError,
    RosterNeedsConfirmation,
    membership_add,
    membership_end,
    membership_move,
    post_add,
    post_end,
    post_move,
)

MAX_UPLOAD = 50 * 1024 * 1024  # a community's register; a whole city goes through `yzyh people import`


@login_required
def register_import(request):
    paths = register_paths(request.user)
    if not paths:
        raise PermissionDenied
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            return render(request, "people/import.html", {"errors": [_("Choose a file")]}, status=400)
        if upload.size > MAX_UPLOAD:
            return render(request, "people/import.html", {"errors": [_("The file is larger than 50 MB")]}, status=400)
        try:
            report = residents_import(name=upload.name, stream=io.BytesIO(upload.read()), scope_paths=paths)
        except ImportRejected as exc:
            return render(request, "people/import.html", {"errors": exc.errors}, status=400)
        messages.success(request, _("%(rows)d rows: %(persons_created)d residents added, %(persons_updated)d updated; "
                                    "%(households_created)d households added, %(households_updated)d updated.")
                         % report.as_dict())
        return redirect("people:import")
    return render(request, "people/import.html", {"header": TEMPLATE_HEADER})


@login_required
def register_template(request):
    """An empty register with the expected headers, as CSV (opens in Excel/WPS)."""
    if not register_paths(request.user):
        raise PermissionDenied
    response = HttpResponse(("\ufeff" + ",".join(TEMPLATE_HEADER) + "\r\n").encode(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="register.csv"'
    return response


# --- rosters and posts (一组一会 and the staff posts of a unit) -------------------------------------

ROLE_CHOICES_BY_BODY = {
    Body.PARTY_GROUP: (MemberRole.MEMBER, MemberRole.LEADER),
    Body.COUNCIL: (MemberRole.MEMBER, MemberRole.HEAD),
    Body.PLUS: (MemberRole.MEMBER,),
}


def _managed_unit(request, pk: int) -> Unit:
    unit = get_object_or_404(Unit.objects.select_related("node"), pk=pk)
    if not may_manage_roster(request.user, unit):
        raise PermissionDenied
    return unit


def _confirm_or_back(request, unit: Unit, call, what: str = ""):
    """Run a roster service; a broken rule shows the warnings and asks again (nothing written yet)."""
    try:
        call(confirmed=request.POST.get("confirmed") == "1")
    except RosterNeedsConfirmation as exc:
        hidden = [(k, v) for k, values in request.POST.lists() if k not in ("csrfmiddlewaretoken", "confirmed")
                  for v in values]
        return render(request, "people/roster_confirm.html",
                      {"unit": unit, "warnings": exc.warnings, "hidden": hidden, "action": request.path,
                       "what": what})
    except ServiceForbidden as exc:
        raise PermissionDenied from exc
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("people:roster", pk=unit.pk)
    messages.success(request, _("Saved."))
    return redirect("people:roster", pk=unit.pk)


@login_required
def roster(request, pk: int):
    unit = _managed_unit(request, pk)
    members = unit_roster(unit=unit)
    seats = current_seats(unit)
    bodies = [(Body.PARTY_GROUP, _("Party group"), members[Body.PARTY_GROUP]),
              (Body.COUNCIL, unit.council_label, members[Body.COUNCIL]),
              (Body.PLUS, _("Temporary “+” members"), members[Body.PLUS])]
    return render(request, "people/roster.html", {
        "unit": unit,
        "bodies": [{"value": b, "label": label, "members": m,
                    "roles": [(r, MemberRole(r).label) for r in ROLE_CHOICES_BY_BODY[b]]} for b, label, m in bodies],
        "identities": Identity.choices,
        "current_warnings": roster_warnings(unit=unit, before=[], after=seats),
        "posts": unit_posts(unit=unit),
        "grantable": [(r, Role(r).label) for r in grantable_roles(request.user, unit.node)],
        "history": roster_history(unit=unit),
        "crumbs": breadcrumbs(user=request.user, node=unit.node),
    })


@login_required
def roster_search(request, pk: int):
    """Search as you type (htmx): persons by name, where the user keeps rosters."""
    _managed_unit(request, pk)
    accounts = request.GET.get("accounts") == "1"
    found = person_search(user=request.user, q=request.GET.get("q", ""), with_account=accounts)
    return render(request, "people/_person_options.html",
                  {"persons": found, "field": "user_person" if accounts else "person", "q": request.GET.get("q", "")})


def _picked_person(request, field: str = "person") -> Person:
    raw = request.POST.get(field, "")
    person = Person.objects.filter(pk=int(raw)).select_related("node").first() if raw.isdigit() else None
    if person is None:
        raise PeopleError(_("Pick a person from the search results"))
    if not person_search_covers(user=request.user, person=person):
        raise PermissionDenied
    return person


@login_required
@require_POST
def membership_add_view(request, pk: int):
    unit = _managed_unit(request, pk)
    body = request.POST.get("body", "")

    def call(confirmed):
        membership_add(person=_picked_person(request), unit=unit, body=body,
                       role=request.POST.get("role") or MemberRole.MEMBER, identity=request.POST.get("identity", ""),
                       purpose=request.POST.get("purpose", "").strip()[:200], actor=request.user, confirmed=confirmed)

    person = Person.objects.filter(pk=int(request.POST["person"])).first() \
        if request.POST.get("person", "").isdigit() else None
    what = _("Add %(name)s to the %(body)s") % {"name": person.name, "body": Body(body).label} \
        if person is not None and body in Body.values else ""
    return _confirm_or_back(request, unit, call, what)


def _membership(request, pk: int) -> Membership:
    membership = get_object_or_404(Membership.objects.select_related("unit__node", "person"), pk=pk)
    if not may_manage_roster(request.user, membership.unit):
        raise PermissionDenied
    return membership


@login_required
@require_POST
def membership_end_view(request, pk: int):
    membership = _membership(request, pk)
    what = _("End %(name)s's seat in the %(body)s") % {"name": membership.person.name,
                                                       "body": membership.get_body_display()}
    return _confirm_or_back(request, membership.unit, lambda confirmed: membership_end(
        membership=membership, actor=request.user, confirmed=confirmed), what)


def _sibling_units(request, unit: Unit) -> list[Unit]:
    """Units a member or post may move to: the other units of the same community or village."""
    parent_path = unit.node.path[: -unit.node.steplen]
    units = Unit.objects.filter(node__path__startswith=parent_path, node__depth=unit.node.depth).select_related("node")
    return [u for u in units.order_by("node__path") if may_manage_roster(request.user, u)]


@login_required
def membership_move_view(request, pk: int):
    membership = _membership(request, pk)
    unit = membership.unit
    if request.method == "POST":
        raw = request.POST.get("unit", "")
        target = get_object_or_404(Unit.objects.select_related("node"), pk=int(raw)) if raw.isdigit() else unit
        if not may_manage_roster(request.user, target):
            raise PermissionDenied
        return _confirm_or_back(request, unit, lambda confirmed: membership_move(
            membership=membership, actor=request.user, unit=target, body=request.POST.get("body") or None,
            role=request.POST.get("role") or None, purpose=request.POST.get("purpose", "").strip()[:200] or None,
            confirmed=confirmed), _("Move %(name)s") % {"name": membership.person.name})
    return render(request, "people/membership_move.html", {
        "membership": membership, "unit": unit, "units": _sibling_units(request, unit), "bodies": Body.choices})


@login_required
@require_POST
def post_add_view(request, pk: int):
    unit = _managed_unit(request, pk)

    def call(confirmed):
        person = _picked_person(request, "user_person")
        if person.user_id is None:
            raise PeopleError(_("%s has no account yet") % person.name)
        post_add(user=person.user, role=request.POST.get("role", ""), node=unit.node, actor=request.user,
                 department=request.POST.get("department", "").strip()[:100])

    return _confirm_or_back(request, unit, call)


def _post(request, pk: int) -> tuple[Post, Unit]:
    post = get_object_or_404(Post.objects.select_related("node", "user"), pk=pk)
    node = post.node if post.node.is_unit_level else post.node.get_parent()
    unit = Unit.objects.filter(node=node).select_related("node").first() if node is not None else None
    if unit is None or not may_grant_post(request.user, post.role, post.node):
        raise PermissionDenied
    return post, unit


@login_required
@require_POST
def post_end_view(request, pk: int):
    post, unit = _post(request, pk)
    return _confirm_or_back(request, unit, lambda confirmed: post_end(post=post, actor=request.user))


@login_required
def post_move_view(request, pk: int):
    post, unit = _post(request, pk)
    if request.method == "POST":
        raw = request.POST.get("unit", "")
        target = get_object_or_404(Unit.objects.select_related("node"), pk=int(raw)) if raw.isdigit() else None
        if target is None:
            messages.error(request, _("Choose a unit"))
            return redirect("people:post_move", pk=post.pk)
        return _confirm_or_back(request, unit, lambda confirmed: post_move(post=post, node=target.node,
                                                                           actor=request.user))
    holder = user_name(post.user)
    return render(request, "people/post_move.html", {
        "post": post, "holder": holder, "unit": unit,
        "units": [u for u in _sibling_units(request, unit) if u.pk != unit.pk]})
