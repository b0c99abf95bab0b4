"""Every read the resources pages show, starting from the viewer's scope (or the viewer's own
person for "+" members, volunteers and officials)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum

from yizuyihui.accounts.scope import paths_q, scope_q, user_scope
from yizuyihui.cases.models import Case
from yizuyihui.people.masking import mask_phone
from yizuyihui.people.models import Registration
from yizuyihui.resources import rules
from yizuyihui.resources.models import (
    Activity,
    BoardMatch,
    BoardPost,
    Dispatch,
    Need,
    NeedStatus,
    OutsideMember,
    PlusMember,
    PlusNote,
    Professional,
    RegistrationStatus,
    ServiceHours,
    Volunteer,
    VolunteerTeam,
)


def _person(user):
    return getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None


def my_plus_matters(*, user) -> list[Case]:
    """The "+" worklist: the matters this person was drawn into or their team was sent on — only those."""
    person = _person(user)
    if person is None:
        return []
    direct = PlusMember.objects.filter(person=person, ended_at__isnull=True).values("case_id")
    teams = Volunteer.objects.filter(person=person, active=True).values("team_id")
    via_team = Dispatch.objects.filter(team_id__in=teams, ended_at__isnull=True, case__isnull=False).values("case_id")
    return list(Case.objects.filter(Q(pk__in=direct) | Q(pk__in=via_team)).select_related("unit", "category")
                .order_by("-filed_at")[:200])


def company_matters(*, user) -> list[Case]:
    """Matters about the estates of the user's property company (information sharing)."""
    companies = rules.property_companies_of(user)
    cases = Case.objects.filter(unit__property_companies__in=companies).select_related("unit", "category").distinct()
    return [c for c in cases.order_by("-filed_at")[:300] if rules.is_property_matter(c)][:100]


def plus_members_of(*, case) -> QuerySet[PlusMember]:
    return case.plus_members.filter(ended_at__isnull=True).select_related("person", "team", "professional")


def notes_of(*, case) -> QuerySet[PlusNote]:
    return case.plus_notes.select_related("author")


def dispatches_of(*, case) -> QuerySet[Dispatch]:
    return case.team_dispatches.select_related("team", "team__leader").annotate(hours_sum=Sum("hours__hours"))


@dataclass
class NeedView:
    """What a volunteer may see of a need: a masked phone, the address only once their team is sent."""

    need: Need
    phone: str
    address: str


def need_view(*, need: Need, dispatched: bool) -> NeedView:
    phone = mask_phone(need.contact.phone) if need.contact_id and need.contact.phone else ""
    return NeedView(need=need, phone=phone, address=need.address if dispatched else "")


def teams_visible_to(user) -> QuerySet[VolunteerTeam]:
    person = _person(user)
    q = scope_q(user, "node")
    if person is not None:
        q |= Q(pk__in=Volunteer.objects.filter(person=person, active=True).values("team_id"))
    return VolunteerTeam.objects.filter(q).select_related("node", "leader").order_by("path", "name")


def open_needs_for_team(*, team: VolunteerTeam, limit: int = 20) -> list[NeedView]:
    """Open needs of the team's service type near it: what a leader may offer to take on."""
    needs = (Need.objects.filter(service_type=team.service_type, status=NeedStatus.OPEN,
                                 path__startswith=team.path[:12]).select_related("unit", "contact")
             .order_by("-created_at")[:limit])
    return [need_view(need=n, dispatched=False) for n in needs]


def team_dispatches(*, team: VolunteerTeam, limit: int = 30) -> list[tuple[Dispatch, NeedView | None]]:
    rows = (team.dispatches.select_related("case", "need__contact", "need__unit").annotate(hours_sum=Sum("hours__hours"))
            .order_by("-at")[:limit])
    return [(d, need_view(need=d.need, dispatched=True) if d.need_id else None) for d in rows]


def keepable_nodes(*, user, levels, q: str = "", limit: int = 60) -> list:
    """Nodes in the user's scope, of these levels, where they may keep teams, needs and
    professionals (rules.can_keep_resources); a name search narrows a wide scope."""
    from yizuyihui.org.models import OrgNode

    qs = OrgNode.objects.filter(paths_q(_scope_paths(user), ""), level__in=list(levels)).order_by("path")
    if q:
        qs = qs.filter(name__contains=q[:30])
    return [n for n in qs[: limit * 3] if rules.can_keep_resources(user, n)][:limit]


def people_search(*, user, q: str, limit: int = 20) -> list:
    """People of the user's scope by name (the pickers of the management pages); nothing without a query."""
    from yizuyihui.people.selectors import persons_visible_to

    q = (q or "").strip()[:20]
    if not q:
        return []
    return list(persons_visible_to(user).filter(name__contains=q).order_by("name", "pk")[:limit])


def needs_visible_to(user) -> QuerySet[Need]:
    return Need.objects.filter(paths_q(_scope_paths(user), "")).select_related("unit", "case").order_by("-created_at")


def _scope_paths(user):
    scope = user_scope(user)
    return ("",) if scope.everything else scope.paths


def professionals_visible_to(user) -> QuerySet[Professional]:
    return (Professional.objects.filter(paths_q(_scope_paths(user), "")).select_related("node", "person")
            .prefetch_related("estates").order_by("kind", "path", "name"))


def professional_matters(*, professional: Professional, limit: int = 30) -> list[Case]:
    """The matters a professional was drawn into (still open seats first, then the latest)."""
    ids = PlusMember.objects.filter(professional=professional).values("case_id")
    return list(Case.objects.filter(pk__in=ids).select_related("unit").order_by("-filed_at")[:limit])


def registrations_for_community(*, user, status: str = "") -> QuerySet[Registration]:
    """The community's list: waiting and confirmed registrations (withdrawn ones are hidden)."""
    qs = (Registration.objects.filter(scope_q(user, "node"), terms__isnull=False)
          .exclude(terms__status=RegistrationStatus.WITHDRAWN)
          .select_related("person", "node", "terms", "terms__assigned_unit")
          .annotate(n_activities=Count("activities"), n_hours=Sum("activities__hours")).order_by("terms__status", "-pk"))
    if status:
        qs = qs.filter(terms__status=status)
    return qs


def my_registrations(*, user) -> QuerySet[Registration]:
    person = _person(user)
    if person is None:
        return Registration.objects.none()
    return (Registration.objects.filter(person=person, terms__isnull=False)
            .exclude(terms__status=RegistrationStatus.WITHDRAWN).select_related("node", "terms")
            .prefetch_related("activities").order_by("-registered_on"))


@dataclass
class OrgReport:
    """The report an organisation (the official's employer) receives: per person, per activity kind."""

    employer: str
    rows: list[dict] = field(default_factory=list)
    hours: Decimal = Decimal("0")
    activities: int = 0


def registration_reports(*, user, start=None, end=None) -> list[OrgReport]:
    acts = Activity.objects.filter(scope_q(user, "registration__node"),
                                   registration__terms__status=RegistrationStatus.CONFIRMED)
    if start:
        acts = acts.filter(on__gte=start)
    if end:
        acts = acts.filter(on__lt=end)
    rows = (acts.values("registration__employer", "registration__person__name", "registration__node__name", "kind")
            .annotate(n=Count("pk"), hours=Sum("hours")).order_by("registration__employer", "registration__person__name"))
    reports: dict[str, OrgReport] = {}
    for r in rows:
        rep = reports.setdefault(r["registration__employer"] or "—", OrgReport(employer=r["registration__employer"] or "—"))
        rep.rows.append(r)
        rep.hours += r["hours"] or 0
        rep.activities += r["n"]
    return list(reports.values())


# --- urban–rural board -----------------------------------------------------------------------------
@dataclass
class MemberView:
    member: OutsideMember
    contact: str  # full only for the village's cadres
    cadre: bool = False  # the viewer is one of the village's cadres (issues personal links)


def outside_members(*, user, village) -> list[MemberView]:
    cadre = rules.is_village_cadre(user, village)
    rows = (OutsideMember.objects.filter(path__startswith=village.path, withdrawn_at__isnull=True)
            .select_related("person").order_by("pk"))
    return [MemberView(m, m.contact if cadre else mask_phone(m.contact), cadre) for m in rows]


def board_posts(*, village) -> dict:
    posts = (BoardPost.objects.filter(path__startswith=village.path).exclude(status="closed")
             .select_related("member__person").order_by("-created_at"))
    matches = (BoardMatch.objects.filter(path__startswith=village.path)
               .select_related("need", "offer", "offer__member__person").order_by("-matched_at"))
    return {"needs": [p for p in posts if not p.is_offer], "offers": [p for p in posts if p.is_offer],
            "matches": list(matches)}


def outside_member_page(*, member: OutsideMember) -> dict:
    """What an outside member sees by their link: the village's open needs (kind and title, nobody's
    data), their own offers and the matches with outcomes."""
    needs = (BoardPost.objects.filter(path=member.village.path, is_offer=False, status__in=["open", "matched"])
             .order_by("-created_at")[:50])
    offers = member.offers.exclude(status="closed").order_by("-created_at")[:50]
    matches = (BoardMatch.objects.filter(offer__member=member).select_related("need", "offer").order_by("-matched_at")[:50])
    return {"needs": list(needs), "offers": list(offers), "matches": list(matches)}


# --- measures --------------------------------------------------------------------------------------
@dataclass
class ResourceMeasures:
    plus_members: int
    matters_with_plus: int
    plus_per_matter: float | None
    volunteers: int
    teams: int
    hours: Decimal
    needs: int
    needs_matched: int
    hours_to_match: float | None
    registrations: int
    board_matches: int
    board_fulfilled: int
    board_value: Decimal


def measures(*, path: str, start, end) -> ResourceMeasures:
    """One aggregate per table (a dashboard shows this panel for each root of the scope)."""
    done = Q(matched_at__isnull=False)
    plus = PlusMember.objects.filter(case__unit__node__path__startswith=path, drawn_at__gte=start, drawn_at__lt=end
                                     ).aggregate(n=Count("id"), matters=Count("case_id", distinct=True))
    needs = Need.objects.filter(path__startswith=path, created_at__gte=start, created_at__lt=end).aggregate(
        n=Count("id"), matched=Count("id", filter=done),
        delay=Avg(ExpressionWrapper(F("matched_at") - F("created_at"), output_field=DurationField()), filter=done))
    hours = ServiceHours.objects.filter(path__startswith=path, on__gte=start.date(), on__lt=end.date()
                                        ).aggregate(s=Sum("hours"))["s"] or Decimal("0")
    fulfilled = Q(fulfilled_at__isnull=False)
    board = BoardMatch.objects.filter(path__startswith=path, matched_at__gte=start, matched_at__lt=end).aggregate(
        n=Count("id"), fulfilled=Count("id", filter=fulfilled), value=Sum("value", filter=fulfilled))
    n_plus, n_matters, delay = plus["n"], plus["matters"], needs["delay"]
    return ResourceMeasures(
        plus_members=n_plus, matters_with_plus=n_matters, plus_per_matter=(n_plus / n_matters) if n_matters else None,
        volunteers=Volunteer.objects.filter(path__startswith=path, active=True).count(),
        teams=VolunteerTeam.objects.filter(path__startswith=path, active=True).count(),
        hours=hours, needs=needs["n"], needs_matched=needs["matched"],
        hours_to_match=delay.total_seconds() / 3600 if delay is not None else None,
        registrations=Registration.objects.filter(terms__path__startswith=path,
                                                  terms__status=RegistrationStatus.CONFIRMED).count(),
        board_matches=board["n"], board_fulfilled=board["fulfilled"], board_value=board["value"] or Decimal("0"),
    )


def hours_by_team(*, path: str, start, end, limit: int = 20) -> list[dict]:
    return list(ServiceHours.objects.filter(path__startswith=path, on__gte=start.date(), on__lt=end.date())
                .values("team_id", "team__name", "team__service_type").annotate(h=Sum("hours"), n=Count("volunteer_id",
                                                                                                      distinct=True))
                .order_by("-h")[:limit])


# --- a person's record, for the incentives app (thank-you letters, reports, honours) ---------------
def hours_by_person(*, home_path: str, first, after) -> dict[int, Decimal]:
    """Volunteer hours served on days [first, after) by the people living under `home_path`."""
    rows = (ServiceHours.objects.filter(volunteer__person__node__path__startswith=home_path, on__gte=first, on__lt=after)
            .values("volunteer__person_id").annotate(h=Sum("hours")).values_list("volunteer__person_id", "h"))
    return {pid: h or Decimal("0") for pid, h in rows}


def plus_matters_of(*, person_ids, path: str, start, end) -> list[PlusMember]:
    """The matters under `path` these people were drawn into as "+" members in [start, end)."""
    return list(PlusMember.objects.filter(person_id__in=list(person_ids), case__unit__node__path__startswith=path,
                                          drawn_at__gte=start, drawn_at__lt=end)
                .select_related("case", "case__unit").order_by("person_id", "drawn_at", "pk"))


def plus_person_ids(*, path: str, start, end) -> set[int]:
    return set(PlusMember.objects.filter(case__unit__node__path__startswith=path, drawn_at__gte=start,
                                         drawn_at__lt=end).values_list("person_id", flat=True))


def activities_of(*, person_ids, path: str, first, after) -> list[Activity]:
    """What registered officials recorded (research, service, pairing, "+") on days [first, after)
    on their registrations at `path` or under it."""
    return list(Activity.objects.filter(registration__person_id__in=list(person_ids),
                                        registration__node__path__startswith=path,
                                        registration__terms__status=RegistrationStatus.CONFIRMED,
                                        on__gte=first, on__lt=after)
                .select_related("registration", "case").order_by("registration__person_id", "on", "pk"))


def service_hours_of(*, person_ids, path: str, first, after) -> list[ServiceHours]:
    """Volunteer hours these people served for teams under `path` on days [first, after)."""
    return list(ServiceHours.objects.filter(volunteer__person_id__in=list(person_ids), path__startswith=path,
                                            on__gte=first, on__lt=after)
                .select_related("team", "volunteer").order_by("volunteer__person_id", "on", "pk"))


def confirmed_registrations(*, path: str = "", person_ids=None) -> list[Registration]:
    """Confirmed 三报到 registrations at `path` or under it (or of these people, anywhere)."""
    qs = Registration.objects.filter(terms__status=RegistrationStatus.CONFIRMED)
    if person_ids is not None:
        qs = qs.filter(person_id__in=list(person_ids))
    else:
        qs = qs.filter(node__path__startswith=path)
    return list(qs.select_related("person", "node", "terms").order_by("person_id", "-registered_on", "-pk"))
