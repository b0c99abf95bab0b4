"""Thin views: parse input, check permission, call one service or selector, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yizuyihui.accounts.roles import is_staff
from yizuyihui.accounts.scope import paths_q, user_scope
from yizuyihui.cases.models import Case
from yizuyihui.core.errors import ServiceError, ServiceForbidden
from yizuyihui.org.models import Level, OrgNode, Unit
from yizuyihui.org.selectors import scope_root_nodes, units_visible_to
from yizuyihui.people.models import Person, Registration, RegistrationKind
from yizuyihui.resources import matching, rules, selectors, services
from yizuyihui.resources.models import (
    ALL_SLOTS,
    DAYS,
    SLOTS,
    ActivityKind,
    BoardKind,
    BoardMatch,
    BoardPost,
    Dispatch,
    Need,
    NeedStatus,
    OutsideMember,
    PlusMember,
    PlusRole,
    Professional,
    ProfessionalKind,
    RegistrationStatus,
    ServiceType,
    Source,
    Volunteer,
    VolunteerTeam,
)

DAY_LABELS = ["一", "二", "三", "四", "五", "六", "日"]


def _slots(post) -> int:
    """Availability from checkboxes named slot (value = bit index); none ticked = any time."""
    mask = 0
    for v in post.getlist("slot"):
        if v.isdigit() and int(v) < DAYS * SLOTS:
            mask |= 1 << int(v)
    return mask or ALL_SLOTS


def _slot_grid():
    return [(DAY_LABELS[d], [d * SLOTS + s for s in range(SLOTS)]) for d in range(DAYS)]


def _case(user, pk: int) -> Case:
    case = get_object_or_404(Case.objects.select_related("unit__node", "node", "category", "reporter"), pk=pk)
    if not user.has_perm("cases.view_case", case):
        raise PermissionDenied
    return case


def _done(request, fn, ok: str):
    try:
        fn()
    except ServiceForbidden as exc:
        raise PermissionDenied from exc
    except ServiceError as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, ok)
    return True


def _int(value) -> int:
    return int(value) if str(value or "").isdigit() else 0


def _paths(user):
    scope = user_scope(user)
    return ("",) if scope.everything else scope.paths


@login_required
def index(request):
    user = request.user
    staff = is_staff(user)
    return render(request, "resources/index.html", {
        "staff": staff, "plus": selectors.my_plus_matters(user=user),
        "my_teams": selectors.teams_visible_to(user).filter(members__person__user=user).distinct() if not staff else [],
        "company_matters": selectors.company_matters(user=user),
        "roots": scope_root_nodes(user) if staff else [],
        "villages": (OrgNode.objects.filter(paths_q(_paths(user), ""), level=Level.VILLAGE).order_by("path")[:30]
                     if staff else []),
    })


@login_required
def my_matters(request):
    """The "+" worklist: only the matters this person was drawn into (or their team was sent on)."""
    return render(request, "resources/my_matters.html", {
        "cases": selectors.my_plus_matters(user=request.user),
        "company_matters": selectors.company_matters(user=request.user),
    })


@login_required
def matter(request, pk: int):
    case = _case(request.user, pk)
    user = request.user
    can_draw = rules.can_draw_in(user, case)
    suggestions = matching.suggest_for_case(case) if can_draw else None
    candidates = []
    if can_draw:
        candidates = list(Person.objects.filter(node_id=case.unit.node_id).order_by("name")[:100])
    my_dispatch_teams = set(Volunteer.objects.filter(person__user=user, active=True).values_list("team_id", flat=True))
    dispatches = list(selectors.dispatches_of(case=case))
    return render(request, "resources/matter.html", {
        "case": case, "can_draw": can_draw, "can_note": rules.can_note_case(user, case),
        "can_answer": rules.can_answer_case(user, case),
        "plus": selectors.plus_members_of(case=case), "notes": selectors.notes_of(case=case),
        "dispatches": [(d, d.team_id in my_dispatch_teams or can_draw or rules.can_manage_team(user, d.team))
                       for d in dispatches],
        "suggestions": suggestions, "candidates": candidates, "roles": PlusRole.choices, "sources": Source.choices,
        "service_types": ServiceType.choices, "slots": _slot_grid(),
        # The place only once a team is on it or for those who manage the matter (masked phone always).
        "show_place": can_draw or bool(dispatches) or rules.is_plus_member(user, case),
    })


@login_required
@require_POST
def matter_act(request, pk: int, action: str):
    case = _case(request.user, pk)
    p, user = request.POST, request.user
    if action == "draw":
        person = Person.objects.filter(pk=_int(p.get("person"))).first()
        pro = Professional.objects.filter(pk=_int(p.get("professional"))).first()
        source = "professional" if pro else p.get("source", "")
        _done(request, lambda: services.plus_member_draw(case=case, actor=user, role=p.get("role", ""), source=source,
                                                         person=person, professional=pro, name=p.get("name", ""),
                                                         phone=p.get("phone", "")), _("Drawn in"))
    elif action == "end":
        plus = get_object_or_404(PlusMember, pk=_int(p.get("plus")), case=case)
        _done(request, lambda: services.plus_member_end(plus=plus, actor=user), _("Ended"))
    elif action == "note":
        _done(request, lambda: services.plus_note_add(case=case, actor=user, text=p.get("text", "")), _("Note added"))
    elif action == "answer":
        _done(request, lambda: services.property_answer(case=case, actor=user, text=p.get("text", "")), _("Answered"))
    elif action == "dispatch":
        team = get_object_or_404(VolunteerTeam, pk=_int(p.get("team")))
        _done(request, lambda: services.team_dispatch(team=team, case=case, actor=user), _("Team dispatched"))
    elif action == "need":
        _done(request, lambda: services.need_create(unit=case.unit, case=case, actor=user,
                                                    service_type=p.get("service_type", ""), title=p.get("title", ""),
                                                    when=_slots(p)), _("Need recorded"))
    elif action == "hours":
        dispatch = get_object_or_404(Dispatch, pk=_int(p.get("dispatch")), case=case)
        volunteer = get_object_or_404(Volunteer, pk=_int(p.get("volunteer")), team=dispatch.team)
        _done(request, lambda: services.hours_log(dispatch=dispatch, actor=user, volunteer=volunteer,
                                                  hours=p.get("hours", "")), _("Hours logged"))
    else:
        raise PermissionDenied
    return redirect("resources:matter", pk=case.pk)


@login_required
def teams(request):
    rows = selectors.teams_visible_to(request.user)
    st = request.GET.get("type", "")
    if st in ServiceType.values:
        rows = rows.filter(service_type=st)
    return render(request, "resources/teams.html", {
        "teams": rows[:200], "service_types": ServiceType.choices, "type": st,
        "nodes": selectors.keepable_nodes(user=request.user, levels=services.TEAM_LEVELS, q=request.GET.get("nq", "")),
    })


@login_required
@require_POST
def team_create(request):
    """A new volunteer team at a community, village, street or township the user keeps."""
    p = request.POST
    node = get_object_or_404(OrgNode, pk=_int(p.get("node")))
    if not user_scope(request.user).covers(node.path):
        raise PermissionDenied
    made = []
    ok = _done(request, lambda: made.append(services.team_create(actor=request.user, node=node, name=p.get("name", ""),
                                                                 service_type=p.get("service_type", ""))),
               _("Team created"))
    return redirect("resources:team", pk=made[0].pk) if ok else redirect("resources:teams")


def _team(user, pk: int) -> VolunteerTeam:
    team = get_object_or_404(VolunteerTeam.objects.select_related("node", "leader"), pk=pk)
    if not rules.can_view_team(user, team):
        raise PermissionDenied
    return team


def _mask_bits(mask: int) -> list[int]:
    return [b for b in range(DAYS * SLOTS) if mask >> b & 1]


@login_required
def team(request, pk: int):
    t = _team(request.user, pk)
    can_manage = rules.can_manage_team(request.user, t)
    q = request.GET.get("q", "").strip()
    members = list(t.members.filter(active=True).select_related("person").order_by("-hours_total", "pk")[:300])
    return render(request, "resources/team.html", {
        "team": t, "members": [(m, _mask_bits(m.availability)) for m in members],
        "can_manage": can_manage, "can_keep": rules.can_keep_resources(request.user, t.node),
        "needs": selectors.open_needs_for_team(team=t), "dispatches": selectors.team_dispatches(team=t),
        "slots": _slot_grid(), "q": q,
        "found": selectors.people_search(user=request.user, q=q) if can_manage else [],
    })


@login_required
@require_POST
def team_act(request, pk: int, action: str):
    t = _team(request.user, pk)
    p, user = request.POST, request.user
    if action == "join":
        person = get_object_or_404(Person, pk=_int(p.get("person")))
        if not user_scope(user).covers(person.node.path):
            raise PermissionDenied
        _done(request, lambda: services.volunteer_join(team=t, actor=user, person=person, availability=_slots(p),
                                                       leader=p.get("leader") == "1"), _("Volunteer added"))
    elif action == "leave":
        v = get_object_or_404(Volunteer, pk=_int(p.get("volunteer")), team=t)
        _done(request, lambda: services.volunteer_leave(volunteer=v, actor=user), _("Volunteer left the team"))
    elif action == "leader":
        v = get_object_or_404(Volunteer, pk=_int(p.get("volunteer")), team=t)
        _done(request, lambda: services.team_leader_set(team=t, actor=user, volunteer=v), _("Leader chosen"))
    elif action == "times":
        v = get_object_or_404(Volunteer, pk=_int(p.get("volunteer")), team=t)
        _done(request, lambda: services.volunteer_times_set(volunteer=v, actor=user, availability=_slots(p)),
              _("Times saved"))
    elif action == "edit":
        _done(request, lambda: services.team_update(team=t, actor=user, name=p.get("name") or None,
                                                    active={"1": True, "0": False}.get(p.get("active", ""))),
              _("Saved"))
    elif action == "hours":
        d = get_object_or_404(Dispatch, pk=_int(p.get("dispatch")), team=t)
        v = get_object_or_404(Volunteer, pk=_int(p.get("volunteer")), team=t)
        _done(request, lambda: services.hours_log(dispatch=d, actor=user, volunteer=v, hours=p.get("hours", "")),
              _("Hours logged"))
    else:
        raise PermissionDenied
    return redirect("resources:team", pk=t.pk)


@login_required
def needs(request):
    """The needs of the units in scope (from matters and from the units themselves), and a form
    for a unit's own need (a recurring elder-care round, a clean-up …)."""
    if not user_scope(request.user).paths:
        raise PermissionDenied
    status = request.GET.get("status", "open")
    rows = selectors.needs_visible_to(request.user)
    if status in NeedStatus.values:
        rows = rows.filter(status=status)
    units = [u for u in units_visible_to(request.user).order_by("node__path")[:200]
             if rules.can_keep_resources(request.user, u.node)][:100]
    return render(request, "resources/needs.html", {
        "rows": rows[:200], "status": status, "statuses": NeedStatus.choices, "units": units,
        "service_types": ServiceType.choices, "slots": _slot_grid()})


@login_required
@require_POST
def need_create(request):
    p = request.POST
    unit = get_object_or_404(Unit.objects.select_related("node"), pk=_int(p.get("unit")))
    if not user_scope(request.user).covers(unit.node.path):
        raise PermissionDenied
    made = []
    ok = _done(request, lambda: made.append(services.need_create(
        unit=unit, actor=request.user, service_type=p.get("service_type", ""), title=p.get("title", ""),
        address=p.get("address", ""), when=_slots(p))), _("Need recorded"))
    return redirect("resources:need", pk=made[0].pk) if ok else redirect("resources:needs")


def _need(user, pk: int) -> Need:
    n = get_object_or_404(Need.objects.select_related("unit__node", "case", "contact"), pk=pk)
    if not user_scope(user).covers(n.path):
        raise PermissionDenied
    return n


@login_required
@require_POST
def need_act(request, pk: int, action: str):
    n = _need(request.user, pk)
    user = request.user
    if action == "dispatch":
        team = get_object_or_404(VolunteerTeam, pk=_int(request.POST.get("team")))
        _done(request, lambda: services.team_dispatch(team=team, need=n, case=n.case, actor=user), _("Team dispatched"))
    elif action in ("done", "cancel"):
        _done(request, lambda: services.need_close(need=n, actor=user, done=action == "done"), _("Saved"))
    else:
        raise PermissionDenied
    return redirect("resources:need", pk=n.pk)


@login_required
def need(request, pk: int):
    n = _need(request.user, pk)
    can_dispatch = rules.can_keep_resources(request.user, n.unit.node) or (
        n.case_id is not None and rules.can_draw_in(request.user, n.case))
    return render(request, "resources/need.html", {
        "need": n, "view": selectors.need_view(need=n, dispatched=True), "s": matching.suggest_for_need(n),
        "can_dispatch": can_dispatch,
    })


PRO_LEVELS = {Level.DISTRICT, Level.COUNTY, Level.STREET, Level.TOWNSHIP, Level.COMMUNITY, Level.VILLAGE}


@login_required
def professionals(request):
    if not user_scope(request.user).paths:
        raise PermissionDenied
    q = request.GET.get("q", "").strip()
    return render(request, "resources/professionals.html", {
        "rows": selectors.professionals_visible_to(request.user)[:300], "kinds": ProfessionalKind.choices,
        "nodes": selectors.keepable_nodes(user=request.user, levels=PRO_LEVELS, q=request.GET.get("nq", "")),
        "q": q, "found": selectors.people_search(user=request.user, q=q)})


def _person_in_scope(user, pk) -> Person | None:
    """A person picked on a management page: only from the user's scope."""
    if not _int(pk):
        return None
    person = Person.objects.select_related("node").filter(pk=_int(pk)).first()
    if person is None or not user_scope(user).covers(person.node.path):
        raise PermissionDenied
    return person


@login_required
@require_POST
def professional_create(request):
    p, user = request.POST, request.user
    node = get_object_or_404(OrgNode, pk=_int(p.get("node")))
    if not user_scope(user).covers(node.path):
        raise PermissionDenied
    person = _person_in_scope(user, p.get("person"))
    made = []
    ok = _done(request, lambda: made.append(services.professional_register(
        actor=user, kind=p.get("kind", ""), name=p.get("name", ""), node=node, person=person,
        person_name=p.get("person_name", ""), person_phone=p.get("person_phone", ""))), _("Registered"))
    return redirect("resources:professional", pk=made[0].pk) if ok else redirect("resources:professionals")


def _professional(user, pk: int) -> Professional:
    pro = get_object_or_404(Professional.objects.select_related("node", "person"), pk=pk)
    if not user_scope(user).covers(pro.path):
        raise PermissionDenied
    return pro


@login_required
def professional(request, pk: int):
    pro = _professional(request.user, pk)
    q = request.GET.get("q", "").strip()
    can_keep = rules.can_keep_resources(request.user, pro.node)
    estates = list(pro.estates.select_related("node").order_by("node__path"))
    return render(request, "resources/professional.html", {
        "pro": pro, "can_keep": can_keep, "estates": estates,
        "staff": pro.staff.order_by("name"), "supervisors": pro.supervisors.select_related("unit", "person"),
        "units": units_visible_to(request.user).filter(node__path__startswith=pro.path).order_by("node__path")[:100]
        if can_keep and pro.kind == ProfessionalKind.PROPERTY else [],
        "estate_people": [(u, list(Person.objects.filter(node__path__startswith=u.node.path).order_by("name")[:60]))
                          for u in estates] if can_keep else [],
        "q": q, "found": selectors.people_search(user=request.user, q=q) if can_keep else [],
        "matters": selectors.professional_matters(professional=pro),
    })


@login_required
@require_POST
def professional_act(request, pk: int, action: str):
    pro = _professional(request.user, pk)
    p, user = request.POST, request.user
    if action == "staff":
        person = _person_in_scope(user, p.get("person"))
        if person is None:
            messages.error(request, _("Choose a person"))
        else:
            _done(request, lambda: services.professional_staff_add(company=pro, actor=user, person=person), _("Saved"))
    elif action == "estates":
        units = list(Unit.objects.filter(pk__in=[_int(v) for v in p.getlist("unit")]).select_related("node"))
        if any(not user_scope(user).covers(u.node.path) for u in units):
            raise PermissionDenied
        _done(request, lambda: services.professional_estates_set(company=pro, actor=user, estates=units), _("Saved"))
    elif action == "supervisor":
        unit = get_object_or_404(Unit.objects.select_related("node"), pk=_int(p.get("unit")))
        person = _person_in_scope(user, p.get("person"))
        if person is None:
            raise PermissionDenied
        _done(request, lambda: services.supervisor_appoint(company=pro, unit=unit, person=person, actor=user),
              _("Supervisor appointed"))
    elif action in ("deactivate", "activate"):
        _done(request, lambda: services.professional_deactivate(professional=pro, actor=user,
                                                                active=action == "activate"), _("Saved"))
    else:
        raise PermissionDenied
    return redirect("resources:professional", pk=pro.pk)


@login_required
def register(request):
    """三报到, on the official's phone: register where you live or are posted, pick services and
    times; see your confirmed registrations and record activities."""
    user = request.user
    person = getattr(user, "person", None)
    if request.method == "POST":
        if person is None:
            raise PermissionDenied
        action = request.POST.get("action", "register")
        p = request.POST
        if action == "register":
            node = get_object_or_404(OrgNode, pk=_int(p.get("node")))
            _done(request, lambda: services.registration_register(
                person=person, actor=user, kind=p.get("kind", ""), node=node, employer=p.get("employer", ""),
                services=p.getlist("services"), availability=_slots(p), note=p.get("note", "")),
                _("Registered: the community will confirm"))
        elif action in ("activity", "withdraw"):
            reg = get_object_or_404(Registration, pk=_int(p.get("registration")), person=person)
            if action == "withdraw":
                _done(request, lambda: services.registration_withdraw(registration=reg, actor=user), _("Withdrawn"))
            else:
                _done(request, lambda: services.activity_record(registration=reg, actor=user, kind=p.get("kind", ""),
                                                                hours=p.get("hours", "0") or "0",
                                                                note=p.get("note", "")), _("Recorded"))
        return redirect("resources:register")
    places = OrgNode.objects.filter(level__in=[Level.COMMUNITY, Level.VILLAGE]).order_by("path")
    q = request.GET.get("q", "").strip()
    places = places.filter(name__contains=q)[:30] if q else places[:30]
    return render(request, "resources/register.html", {
        "person": person, "mine": selectors.my_registrations(user=user), "places": places, "q": q,
        "kinds": RegistrationKind.choices, "service_types": ServiceType.choices, "slots": _slot_grid(),
        "activity_kinds": [c for c in ActivityKind.choices if c[0] != ActivityKind.PLUS],
    })


@login_required
def registrations(request):
    if not user_scope(request.user).paths:
        raise PermissionDenied
    status = request.GET.get("status", "")
    rows = selectors.registrations_for_community(user=request.user,
                                                 status=status if status in RegistrationStatus.values else "")[:300]
    return render(request, "resources/registrations.html", {
        "rows": [(r, rules.can_confirm_registration(request.user, r)) for r in rows], "status": status,
        "activity_kinds": ActivityKind.choices,
    })


@login_required
@require_POST
def registration_act(request, pk: int, action: str):
    reg = get_object_or_404(Registration.objects.select_related("node", "terms", "person"), pk=pk)
    if not rules.can_view_registration(request.user, reg):
        raise PermissionDenied
    p, user = request.POST, request.user
    if action == "confirm":
        unit = Unit.objects.filter(pk=_int(p.get("unit"))).select_related("node").first()
        _done(request, lambda: services.registration_confirm(registration=reg, actor=user, unit=unit), _("Confirmed"))
    elif action == "withdraw":
        _done(request, lambda: services.registration_withdraw(registration=reg, actor=user), _("Withdrawn"))
    elif action == "activity":
        _done(request, lambda: services.activity_record(registration=reg, actor=user, kind=p.get("kind", ""),
                                                        hours=p.get("hours", "0") or "0", note=p.get("note", "")),
              _("Recorded"))
    else:
        raise PermissionDenied
    return redirect("resources:registrations")


@login_required
def registration_reports(request):
    if not user_scope(request.user).paths:
        raise PermissionDenied
    return render(request, "resources/registration_reports.html", {
        "reports": selectors.registration_reports(user=request.user), "kinds": dict(ActivityKind.choices)})


def _village(user, node_id: int) -> OrgNode:
    village = get_object_or_404(OrgNode, pk=node_id, level__in=[Level.VILLAGE, Level.NATURAL_VILLAGE])
    if not rules.can_view_board(user, village):
        raise PermissionDenied
    return village


@login_required
def board(request, node_id: int):
    village = _village(request.user, node_id)
    return render(request, "resources/board.html", {
        "village": village, "members": selectors.outside_members(user=request.user, village=village),
        "can_keep": rules.can_keep_board(request.user, village), "kinds": BoardKind.choices,
        "need_kinds": [c for c in BoardKind.choices if c[0] != BoardKind.OPPORTUNITY],
        **selectors.board_posts(village=village),
    })


@login_required
@require_POST
def board_act(request, node_id: int, action: str):
    village = _village(request.user, node_id)
    p, user = request.POST, request.user
    if action == "member":
        _done(request, lambda: services.outside_member_register(
            village=village, actor=user, name=p.get("name", ""), where=p.get("where", ""), what=p.get("what", ""),
            contact=p.get("contact", ""), can_offer=p.get("can_offer", ""), consent=p.get("consent") == "1"),
            _("Outside member recorded"))
    elif action == "withdraw":
        m = get_object_or_404(OutsideMember, pk=_int(p.get("member")), village=village)
        _done(request, lambda: services.outside_member_withdraw(member=m, actor=user), _("Withdrawn"))
    elif action == "link":
        m = get_object_or_404(OutsideMember, pk=_int(p.get("member")), village=village)
        tokens = []
        if _done(request, lambda: tokens.append(services.outside_member_link_issue(member=m, actor=user)),
                 _("Personal link made: send it to them (it replaces any earlier link)")):
            url = request.build_absolute_uri(reverse("resources:outside_link", args=[tokens[0]]))
            messages.info(request, _("Link for %(name)s: %(url)s") % {"name": m.person.name, "url": url})
    elif action == "unlink":
        m = get_object_or_404(OutsideMember, pk=_int(p.get("member")), village=village)
        _done(request, lambda: services.outside_member_link_revoke(member=m, actor=user), _("Link revoked"))
    elif action in ("need", "offer"):
        member = None
        if action == "offer":
            member = get_object_or_404(OutsideMember, pk=_int(p.get("member")), village=village)
        _done(request, lambda: services.board_publish(village=village, actor=user, kind=p.get("kind", ""),
                                                      title=p.get("title", ""), detail=p.get("detail", ""),
                                                      member=member), _("Published"))
    elif action == "match":
        need_post = get_object_or_404(BoardPost, pk=_int(p.get("need")), village=village, is_offer=False)
        offer = get_object_or_404(BoardPost, pk=_int(p.get("offer")), village=village, is_offer=True)
        _done(request, lambda: services.board_match(need=need_post, offer=offer, actor=user), _("Matched"))
    elif action == "fulfil":
        match = get_object_or_404(BoardMatch, pk=_int(p.get("match")), need__village=village)
        _done(request, lambda: services.board_fulfil(match=match, actor=user, outcome=p.get("outcome", ""),
                                                     value=p.get("value", "0") or "0"), _("Recorded as fulfilled"))
    else:
        raise PermissionDenied
    return redirect("resources:board", node_id=village.pk)


def outside_link(request, token: str):
    """An outside member's own page, opened from the personal link their village sent: their
    village's open needs (titles only), their offers and matches; they publish an offer or
    withdraw their consent. No login: the link is the key (only its hash is stored)."""
    member = services.outside_member_by_link(token)
    if member is None:
        raise Http404
    if request.method == "POST":
        p = request.POST
        if p.get("action") == "withdraw":
            if _done(request, lambda: services.outside_member_withdraw_by_link(token=token),
                     _("Your consent is withdrawn: you are off the board")):
                return render(request, "resources/outside_gone.html", {"village": member.village})
        else:
            _done(request, lambda: services.board_offer_by_link(token=token, kind=p.get("kind", ""),
                                                                title=p.get("title", ""), detail=p.get("detail", "")),
                  _("Published: your village will be in touch"))
        return redirect("resources:outside_link", token=token)
    response = render(request, "resources/outside_link.html", {
        "member": member, "village": member.village, "kinds": BoardKind.choices,
        **selectors.outside_member_page(member=member)})
    response["Referrer-Policy"] = "same-origin"  # the token never leaks to other sites (no-referrer breaks CSRF: Origin null)
    response["Cache-Control"] = "no-store"
    return response


def _date(value: str, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


@login_required
def measures(request):
    """Drill-down: the measures of a node and of each node below it, and hours by team."""
    scope = user_scope(request.user)
    if not scope.paths:
        raise PermissionDenied
    node = None
    if request.GET.get("node"):
        node = get_object_or_404(OrgNode, pk=_int(request.GET["node"]))
        if not scope.covers(node.path):
            raise PermissionDenied
    nodes = [node] if node else scope_root_nodes(request.user)[:3]
    today = timezone.localdate()
    end_day = _date(request.GET.get("end", ""), today)
    start_day = _date(request.GET.get("start", ""), end_day - dt.timedelta(days=365))
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(start_day, dt.time(), tzinfo=tz)
    end = dt.datetime.combine(end_day + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    rows = [(n, selectors.measures(path=n.path, start=start, end=end)) for n in nodes]
    children = []
    if node is not None and node.level not in (Level.GRID, Level.NATURAL_VILLAGE):
        children = [(c, selectors.measures(path=c.path, start=start, end=end)) for c in node.get_children()[:40]]
    return render(request, "resources/measures.html", {
        "rows": rows, "children": children, "node": node, "start": start_day, "end": end_day,
        "teams": selectors.hours_by_team(path=nodes[0].path, start=start, end=end) if nodes else [],
    })
