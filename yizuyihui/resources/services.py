"""Every write of the resources app: keyword-only `<entity>_<verb>` functions (DOMAIN §7).

Pages, the demo and the bench call these. Permission is checked here (the actor), so a page, a
script or another app cannot take a step the actor may not take.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from yizuyihui.accounts.roles import BRANCH_ROLES
from yizuyihui.accounts.scope import has_role_over
from yizuyihui.core.errors import ServiceError, ServiceForbidden
from yizuyihui.notifications.services import notify
from yizuyihui.org.models import Level, OrgNode, Unit
from yizuyihui.people.models import Body, Identity, Membership, Person, Registration, RegistrationKind
from yizuyihui.people.services import PeopleError, membership_add, person_create, registration_create
from yizuyihui.resources import rules
from yizuyihui.resources.models import (
    ALL_SLOTS,
    Activity,
    ActivityKind,
    BoardKind,
    BoardMatch,
    BoardPost,
    BoardStatus,
    Dispatch,
    Need,
    NeedStatus,
    OutsideMember,
    PlusMember,
    PlusNote,
    PlusRole,
    Professional,
    ProfessionalKind,
    PropertySupervisor,
    RegistrationStatus,
    RegistrationTerms,
    ServiceHours,
    ServiceType,
    Source,
    Volunteer,
    VolunteerTeam,
    district_of,
    street_of,
)


class ResourceError(ServiceError):
    pass


class ResourceForbidden(ServiceForbidden):
    pass


def _now(now):
    return now or timezone.now()


def _require(ok: bool) -> None:
    if not ok:
        raise ResourceForbidden(_("You may not do this here"))


def _text(value: str, message: str, limit: int = 200) -> str:
    value = (value or "").strip()
    if not value:
        raise ResourceError(message)
    return value[:limit]


def _actor_person(actor):
    return getattr(actor, "person", None) if actor is not None else None


# --- "+" seats: the one way a temporary member is drawn in (matters and meetings) -----------------
SOURCE_IDENTITY = {
    Source.UNIT: "", Source.OFFICIAL: Identity.OFFICIAL, Source.VOLUNTEER: Identity.VOLUNTEER,
    Source.OUTSIDE: Identity.ENTREPRENEUR, Source.RESIDENT: Identity.RESIDENT,
}
PROFESSIONAL_IDENTITY = {ProfessionalKind.POLICE: Identity.POLICE, ProfessionalKind.LEGAL: Identity.LAWYER,
                         ProfessionalKind.PROPERTY: Identity.PROPERTY_REP}


def plus_seat_open(*, unit: Unit, identity: str, purpose: str, person: Person | None = None, name: str = "",
                   phone: str = "", started: dt.date | None = None) -> tuple[Person, Membership]:
    """Open a "+" seat on the unit for one purpose (a matter, a meeting). The caller has checked
    the actor may draw people in. A newcomer without a person record is created at the unit's node."""
    with transaction.atomic():
        if person is None:
            name = _text(name, _("Give the “+” member's name"), 50)
            person = person_create(name=name, gender="", node=unit.node, phone=(phone or "").strip()[:20])
        try:
            membership = membership_add(person=person, unit=unit, body=Body.PLUS, identity=identity,
                                        purpose=purpose[:200], started=started)
        except PeopleError as exc:
            raise ResourceError(str(exc)) from exc
    return person, membership


def plus_member_draw(*, case, actor, role: str, source: str, person: Person | None = None, name: str = "",
                     phone: str = "", team: VolunteerTeam | None = None, professional: Professional | None = None,
                     now=None) -> PlusMember:
    """Draw a person into one matter with a role (advise, mediate, handle, witness). They then see
    that matter (and only it) in their worklist, may add notes, and are counted."""
    now = _now(now)
    _require(rules.can_draw_in(actor, case))
    if role not in PlusRole.values:
        raise ResourceError(_("Choose the role on the matter"))
    if source not in Source.values:
        raise ResourceError(_("Say where the “+” member comes from"))
    if professional is not None:
        person = person or professional.person
        identity = PROFESSIONAL_IDENTITY[professional.kind]
    else:
        identity = SOURCE_IDENTITY[source]
    if person is not None and PlusMember.objects.filter(case=case, person=person, ended_at__isnull=True).exists():
        raise ResourceError(_("%(name)s is already drawn into this matter") % {"name": person.name})
    purpose = _("Matter #%(pk)s: %(title)s") % {"pk": case.pk, "title": case.title}
    try:
        with transaction.atomic():
            person, membership = plus_seat_open(unit=case.unit, identity=identity, purpose=purpose, person=person,
                                                name=name or (professional.name if professional else ""), phone=phone,
                                                started=timezone.localtime(now).date())
            plus = PlusMember.objects.create(case=case, person=person, membership=membership, role=role, source=source,
                                             team=team, professional=professional, drawn_by=actor, drawn_at=now)
            if professional is not None:
                Professional.objects.filter(pk=professional.pk).update(load=F("load") + 1)
            if source == Source.OFFICIAL:
                registration = _confirmed_registration(person)
                if registration is not None:
                    Activity.objects.create(registration=registration, kind=ActivityKind.PLUS,
                                            on=timezone.localtime(now).date(), note=purpose[:200], case=case,
                                            recorded_by=actor)
    except IntegrityError as exc:  # the same person drawn in twice at once
        raise ResourceError(_("%(name)s is already drawn into this matter") % {"name": person.name}) from exc
    notify(person=person, subject=_("You were drawn into a matter as a “+” member"),
           body=f"{case.title} · {PlusRole(role).label}", url=f"/resources/matters/{case.pk}/")
    return plus


def _confirmed_registration(person: Person) -> Registration | None:
    return (Registration.objects.filter(person=person, terms__status=RegistrationStatus.CONFIRMED)
            .order_by("-registered_on").first())


def plus_member_end(*, plus: PlusMember, actor, now=None) -> PlusMember:
    now = _now(now)
    _require(rules.can_draw_in(actor, plus.case))
    if plus.ended_at is not None:
        return plus
    with transaction.atomic():
        plus.ended_at = now
        plus.save(update_fields=["ended_at"])
        if plus.membership_id:
            Membership.objects.filter(pk=plus.membership_id, ended__isnull=True).update(
                ended=timezone.localtime(now).date())
    return plus


def plus_note_add(*, case, actor, text: str, now=None) -> PlusNote:
    """A progress note by a "+" member, a dispatched volunteer or a manager of the matter."""
    _require(rules.can_note_case(actor, case))
    text = _text(text, _("Write the note"), 2000)
    return PlusNote.objects.create(case=case, author=_actor_person(actor), text=text, at=_now(now))


def property_answer(*, case, actor, text: str, now=None) -> PlusNote:
    """The property company answers a matter about its estate (信息共享)."""
    _require(rules.can_answer_case(actor, case))
    text = _text(text, _("Write the answer"), 2000)
    return PlusNote.objects.create(case=case, author=_actor_person(actor), kind=PlusNote.Kind.ANSWER, text=text,
                                   at=_now(now))


# --- 三报到 ---------------------------------------------------------------------------------------
REGISTRATION_LEVELS = {Level.COMMUNITY, Level.VILLAGE, Level.STREET, Level.TOWNSHIP}


def _services(values) -> list[str]:
    values = [v for v in dict.fromkeys(values or []) if v]
    unknown = [v for v in values if v not in ServiceType.values]
    if unknown:
        raise ResourceError(_("Unknown service: %s") % ", ".join(unknown))
    return values


def registration_register(*, person: Person, actor, kind: str, node: OrgNode, employer: str, services=(),
                          availability: int = 0, note: str = "", on: dt.date | None = None) -> Registration:
    """报到: an official or in-service Party member registers where they live or are posted,
    choosing services and times. The community confirms next."""
    me = _actor_person(actor)
    _require((me is not None and me.pk == person.pk) or has_role_over(actor, node, BRANCH_ROLES))
    if kind not in RegistrationKind.values:
        raise ResourceError(_("Choose how you register"))
    if node.level not in REGISTRATION_LEVELS:
        raise ResourceError(_("Register at a community, village, street or township"))
    services = _services(services)
    if not services:
        raise ResourceError(_("Choose at least one service you can offer"))
    if not 0 < availability <= ALL_SLOTS:
        raise ResourceError(_("Choose the times you can serve"))
    if RegistrationTerms.objects.filter(registration__person=person, registration__node=node,
                                        status__in=[RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED]).exists():
        raise ResourceError(_("You are already registered there"))
    with transaction.atomic():
        try:
            registration = registration_create(person=person, kind=kind, node=node, employer=employer.strip()[:100],
                                               on=on or timezone.localdate())
        except PeopleError as exc:
            raise ResourceError(str(exc)) from exc
        RegistrationTerms.objects.create(registration=registration, services=services, availability=availability,
                                         note=note[:200], path=node.path)
    return registration


def registration_terms_attach(*, registration: Registration, actor, services=(), availability: int = ALL_SLOTS,
                              note: str = "") -> RegistrationTerms:
    """A registration recorded before these pages (an import, people.services.registration_create):
    attach what it offers; it then waits for the community like any other."""
    _require(has_role_over(actor, registration.node, BRANCH_ROLES))
    services = _services(services)
    if not services or not 0 < availability <= ALL_SLOTS:
        raise ResourceError(_("Choose at least one service you can offer"))
    terms, _created = RegistrationTerms.objects.get_or_create(
        registration=registration, defaults={"services": services, "availability": availability, "note": note[:200],
                                             "path": registration.node.path})
    return terms


def registration_confirm(*, registration: Registration, actor, unit: Unit | None = None, now=None) -> RegistrationTerms:
    """The community confirms the registration and may assign the official to one of its units."""
    _require(rules.can_confirm_registration(actor, registration))
    terms = registration.terms
    if terms.status != RegistrationStatus.PENDING:
        raise ResourceError(_("Only a waiting registration can be confirmed"))
    if unit is not None and not unit.node.path.startswith(registration.node.path):
        raise ResourceError(_("Assign to a unit of this community"))
    terms.status, terms.confirmed_by, terms.confirmed_at, terms.assigned_unit = (
        RegistrationStatus.CONFIRMED, actor, _now(now), unit)
    terms.save(update_fields=["status", "confirmed_by", "confirmed_at", "assigned_unit"])
    notify(person=registration.person, subject=_("Your registration (报到) was confirmed"),
           body=registration.node.name, url="/resources/register/")
    return terms


def registration_withdraw(*, registration: Registration, actor, now=None) -> RegistrationTerms:
    """Withdrawn registrations are hidden from the community's lists and reports."""
    _require(rules.can_withdraw_registration(actor, registration))
    terms = registration.terms
    if terms.status == RegistrationStatus.WITHDRAWN:
        return terms
    terms.status, terms.withdrawn_at = RegistrationStatus.WITHDRAWN, _now(now)
    terms.save(update_fields=["status", "withdrawn_at"])
    return terms


def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError) as exc:
        raise ResourceError(_("Give the hours as a number")) from exc
    if not Decimal("0") <= hours <= Decimal("24"):
        raise ResourceError(_("Hours are between 0 and 24 a day"))
    return hours


def activity_record(*, registration: Registration, actor, kind: str, on: dt.date | None = None, hours=0,
                    note: str = "", case=None) -> Activity:
    """Research, volunteer service, pairing or "+" membership by a registered official: the lines
    of the report their organisation receives."""
    _require(rules.can_withdraw_registration(actor, registration))  # the official or the community
    if registration.terms.status != RegistrationStatus.CONFIRMED:
        raise ResourceError(_("The community has not confirmed this registration"))
    if kind not in ActivityKind.values:
        raise ResourceError(_("Choose the kind of activity"))
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ResourceError(_("Record what was done, not what is planned"))
    return Activity.objects.create(registration=registration, kind=kind, on=on, hours=_hours(hours),
                                   note=(note or "").strip()[:200], case=case, recorded_by=actor)


# --- volunteer teams ------------------------------------------------------------------------------
TEAM_LEVELS = {Level.COMMUNITY, Level.VILLAGE, Level.STREET, Level.TOWNSHIP}


def team_create(*, actor, node: OrgNode, name: str, service_type: str) -> VolunteerTeam:
    _require(rules.can_keep_resources(actor, node))
    if node.level not in TEAM_LEVELS:
        raise ResourceError(_("A team belongs to a community, village, street or township"))
    if service_type not in ServiceType.values:
        raise ResourceError(_("Choose the team's service type"))
    return VolunteerTeam.objects.create(name=_text(name, _("Name the team"), 100), node=node, path=node.path,
                                        district_path=district_of(node.path), street_path=street_of(node.path),
                                        service_type=service_type)


def team_update(*, team: VolunteerTeam, actor, name: str | None = None, active: bool | None = None) -> VolunteerTeam:
    """Rename a team, or stand it down (inactive teams are not suggested nor dispatched) and back."""
    _require(rules.can_keep_resources(actor, team.node))
    fields = []
    if name is not None:
        team.name = _text(name, _("Name the team"), 100)
        fields.append("name")
    if active is not None:
        team.active = bool(active)
        fields.append("active")
    if fields:
        team.save(update_fields=fields)
    return team


def team_leader_set(*, team: VolunteerTeam, actor, volunteer: Volunteer) -> VolunteerTeam:
    """The team's leader is one of its active members."""
    _require(rules.can_manage_team(actor, team))
    if volunteer.team_id != team.pk or not volunteer.active:
        raise ResourceError(_("The leader is an active member of the team"))
    team.leader_id = volunteer.person_id
    team.save(update_fields=["leader"])
    return team


def volunteer_times_set(*, volunteer: Volunteer, actor, availability: int) -> Volunteer:
    """When a member can serve (the team's times are the union of its members')."""
    _require(rules.can_manage_team(actor, volunteer.team))
    if not 0 < availability <= ALL_SLOTS:
        raise ResourceError(_("Choose the times the volunteer can serve"))
    with transaction.atomic():
        volunteer.availability = availability
        volunteer.save(update_fields=["availability"])
        _team_refresh(volunteer.team)
    return volunteer


def _team_refresh(team: VolunteerTeam) -> None:
    """Keep the rollups the ranking reads (member count, union of members' times)."""
    masks = list(team.members.filter(active=True).values_list("availability", flat=True))
    union = 0
    for m in masks:
        union |= m
    VolunteerTeam.objects.filter(pk=team.pk).update(member_count=len(masks), availability=union)
    team.member_count, team.availability = len(masks), union


def volunteer_join(*, team: VolunteerTeam, actor, person: Person, availability: int = ALL_SLOTS,
                   leader: bool = False, on: dt.date | None = None) -> Volunteer:
    _require(rules.can_manage_team(actor, team))
    if not 0 < availability <= ALL_SLOTS:
        raise ResourceError(_("Choose the times the volunteer can serve"))
    with transaction.atomic():
        volunteer, created = Volunteer.objects.get_or_create(
            team=team, person=person,
            defaults={"service_type": team.service_type, "path": team.path, "district_path": team.district_path,
                      "street_path": team.street_path, "availability": availability,
                      "joined": on or timezone.localdate()})
        if not created:
            volunteer.active, volunteer.availability = True, availability
            volunteer.save(update_fields=["active", "availability"])
        if leader:
            team.leader = person
            team.save(update_fields=["leader"])
        _team_refresh(team)
    return volunteer


def volunteers_add(*, team: VolunteerTeam, actor, members, on: dt.date | None = None) -> int:
    """Enrol many volunteers at once (a community's roster, the demo): `members` are (person,
    availability). People already in the team are left as they are."""
    _require(rules.can_manage_team(actor, team))
    rows = []
    for person, availability in members:
        if not 0 < availability <= ALL_SLOTS:
            raise ResourceError(_("Choose the times the volunteer can serve"))
        rows.append(Volunteer(team=team, person=person, service_type=team.service_type, path=team.path,
                              district_path=team.district_path, street_path=team.street_path,
                              availability=availability, joined=on or timezone.localdate()))
    with transaction.atomic():
        Volunteer.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        _team_refresh(team)
    return team.member_count


def volunteer_leave(*, volunteer: Volunteer, actor) -> Volunteer:
    _require(rules.can_manage_team(actor, volunteer.team))
    with transaction.atomic():
        volunteer.active = False
        volunteer.save(update_fields=["active"])
        team = volunteer.team
        if team.leader_id == volunteer.person_id:  # a leader who leaves leaves the team leaderless
            team.leader = None
            team.save(update_fields=["leader"])
        _team_refresh(team)
    return volunteer


def need_create(*, unit: Unit, actor, service_type: str, title: str, address: str = "", when: int = ALL_SLOTS,
                case=None, contact: Person | None = None, now=None) -> Need:
    """A need for volunteers from a matter or from the unit itself."""
    _require(rules.can_draw_in(actor, case) if case is not None else rules.can_keep_resources(actor, unit.node))
    if service_type not in ServiceType.values:
        raise ResourceError(_("Choose the service needed"))
    if not 0 < when <= ALL_SLOTS:
        raise ResourceError(_("Choose when help is needed"))
    if case is not None:
        unit = case.unit
        contact = contact or case.reporter
        address = address or case.place
    return Need.objects.create(unit=unit, path=unit.node.path, case=case, service_type=service_type,
                               title=_text(title, _("Describe the need")), address=address[:200], contact=contact,
                               when=when, created_by=actor, created_at=_now(now))


def team_dispatch(*, team: VolunteerTeam, actor, case=None, need: Need | None = None, now=None) -> Dispatch:
    """Send a team on a matter (or a unit's need). The leader joins the matter as a "+" member
    (handle); every member of the team sees the matter and may log hours."""
    now = _now(now)
    if case is None and need is not None:
        case = need.case
    if case is None and need is None:
        raise ResourceError(_("Dispatch the team on a matter or a need"))
    _require(rules.can_draw_in(actor, case) if case is not None else rules.can_keep_resources(actor, need.unit.node))
    if not team.active:
        raise ResourceError(_("This team is not active"))
    path = case.unit.node.path if case is not None else need.path
    if team.district_path != district_of(path):
        raise ResourceError(_("Teams are sent within their own district"))
    if case is not None and Dispatch.objects.filter(case=case, team=team, ended_at__isnull=True).exists():
        raise ResourceError(_("This team is already on the matter"))
    if need is not None and Dispatch.objects.filter(need=need, team=team, ended_at__isnull=True).exists():
        raise ResourceError(_("This team is already on the need"))
    with transaction.atomic():
        dispatch = Dispatch.objects.create(team=team, case=case, need=need, path=path, dispatched_by=actor, at=now)
        VolunteerTeam.objects.filter(pk=team.pk).update(dispatch_count=F("dispatch_count") + 1)
        if need is not None and need.status == NeedStatus.OPEN:
            Need.objects.filter(pk=need.pk).update(status=NeedStatus.DISPATCHED, matched_at=now)
        if case is not None and team.leader_id and not PlusMember.objects.filter(
                case=case, person_id=team.leader_id, ended_at__isnull=True).exists():
            plus_member_draw(case=case, actor=actor, role=PlusRole.HANDLE, source=Source.VOLUNTEER, person=team.leader,
                             team=team, now=now)
    return dispatch


def hours_log(*, dispatch: Dispatch, actor, volunteer: Volunteer, hours, on: dt.date | None = None) -> ServiceHours:
    """Service hours per member: the team leader (or a manager over the team) logs them."""
    team = dispatch.team
    ok = rules.can_manage_team(actor, team) or (dispatch.case is not None and rules.can_draw_in(actor, dispatch.case))
    _require(ok)
    if volunteer.team_id != team.pk:
        raise ResourceError(_("%(name)s is not in this team") % {"name": volunteer.person.name})
    hours = _hours(hours)
    if hours <= 0:
        raise ResourceError(_("Give the hours served"))
    on = on or timezone.localdate()
    if on < timezone.localtime(dispatch.at).date() or on > timezone.localdate():
        raise ResourceError(_("Hours are logged between the dispatch and today"))
    with transaction.atomic():
        row = ServiceHours.objects.create(dispatch=dispatch, team=team, volunteer=volunteer, path=dispatch.path, on=on,
                                          hours=hours, logged_by=actor)
        Volunteer.objects.filter(pk=volunteer.pk).update(hours_total=F("hours_total") + hours)
        VolunteerTeam.objects.filter(pk=team.pk).update(hours_total=F("hours_total") + hours)
    return row


def need_close(*, need: Need, actor, done: bool = True) -> Need:
    _require(rules.can_keep_resources(actor, need.unit.node) or (need.case and rules.can_draw_in(actor, need.case)))
    need.status = NeedStatus.DONE if done else NeedStatus.CANCELLED
    need.save(update_fields=["status"])
    Dispatch.objects.filter(need=need, ended_at__isnull=True).update(ended_at=timezone.now())
    return need


# --- professionals --------------------------------------------------------------------------------
def professional_register(*, actor, kind: str, name: str, node: OrgNode, person: Person | None = None,
                          estates=(), staff=(), person_name: str = "", person_phone: str = "") -> Professional:
    """A community police officer or legal adviser (a person: one of the register, or a newcomer
    by name and phone), or a property company with its estates (units in the area) and staff."""
    _require(rules.can_keep_resources(actor, node))
    if kind not in ProfessionalKind.values:
        raise ResourceError(_("Choose the kind of professional"))
    if node.level not in TEAM_LEVELS | {Level.DISTRICT, Level.COUNTY}:
        raise ResourceError(_("A professional serves a district, street, community or village"))
    if kind != ProfessionalKind.PROPERTY and person is None and (person_name or "").strip():
        person = person_create(name=_text(person_name, _("Give the name"), 50), gender="", node=node,
                               phone=(person_phone or "").strip()[:20])
    if kind != ProfessionalKind.PROPERTY and person is None:
        raise ResourceError(_("A police officer or legal adviser is a person: choose them"))
    estates = list(estates)
    if any(not u.node.path.startswith(node.path) for u in estates):
        raise ResourceError(_("Estates must lie in the area served"))
    with transaction.atomic():
        pro = Professional.objects.create(kind=kind, name=_text(name, _("Give the name"), 100), person=person,
                                          node=node, path=node.path)
        if estates:
            pro.estates.set(estates)
        if staff:
            pro.staff.set(list(staff))
    return pro


def professional_staff_add(*, company: Professional, actor, person: Person) -> Professional:
    """Someone who answers for the property company (they then see the matters of its estates)."""
    _require(rules.can_keep_resources(actor, company.node))
    if company.kind != ProfessionalKind.PROPERTY:
        raise ResourceError(_("Only a property company has staff here"))
    company.staff.add(person)
    return company


def professional_estates_set(*, company: Professional, actor, estates) -> Professional:
    _require(rules.can_keep_resources(actor, company.node))
    estates = list(estates)
    if company.kind != ProfessionalKind.PROPERTY:
        raise ResourceError(_("Only a property company has estates"))
    if any(not u.node.path.startswith(company.path) for u in estates):
        raise ResourceError(_("Estates must lie in the area served"))
    company.estates.set(estates)
    return company


def professional_deactivate(*, professional: Professional, actor, active: bool = False) -> Professional:
    """Stood down (or back): not suggested any more; matters already shared stay where they are."""
    _require(rules.can_keep_resources(actor, professional.node))
    professional.active = active
    professional.save(update_fields=["active"])
    return professional


def supervisor_appoint(*, company: Professional, unit: Unit, person: Person, actor, on: dt.date | None = None
                       ) -> PropertySupervisor:
    """物业服务质量监督员: drawn from the unit (its members or residents) for one estate."""
    _require(rules.can_keep_resources(actor, unit.node))
    if company.kind != ProfessionalKind.PROPERTY:
        raise ResourceError(_("Supervisors watch a property company"))
    if not company.estates.filter(pk=unit.pk).exists():
        raise ResourceError(_("This unit is not one of the company's estates"))
    in_unit = person.node_id == unit.node_id or Membership.objects.filter(
        person=person, unit=unit, ended__isnull=True).exclude(body=Body.PLUS).exists()
    if not in_unit:
        raise ResourceError(_("The supervisor is drawn from the unit"))
    sup, _created = PropertySupervisor.objects.get_or_create(company=company, unit=unit, person=person,
                                                            defaults={"since": on or timezone.localdate()})
    return sup


# --- urban–rural board ----------------------------------------------------------------------------
BOARD_LEVELS = {Level.VILLAGE, Level.NATURAL_VILLAGE}


def outside_member_register(*, village: OrgNode, actor, name: str = "", person: Person | None = None, where: str,
                            what: str, contact: str, can_offer: str = "", consent: bool, now=None) -> OutsideMember:
    """The village keeps its people who live elsewhere — only with their consent."""
    _require(rules.can_keep_board(actor, village))
    if village.level not in BOARD_LEVELS:
        raise ResourceError(_("Outside members are kept by their village"))
    if not consent:
        raise ResourceError(_("Record their consent first: nobody is listed without it"))
    with transaction.atomic():
        if person is None:
            home = village if village.level == Level.NATURAL_VILLAGE else (
                OrgNode.objects.filter(path__startswith=village.path, level=Level.NATURAL_VILLAGE).order_by("path").first()
                or village)
            person = person_create(name=_text(name, _("Give the name"), 50), gender="", node=home,
                                   outside_place=where[:100])
        return OutsideMember.objects.create(
            person=person, village=village, path=village.path, where=_text(where, _("Say where they are"), 100),
            what=_text(what, _("Say what they do"), 100), contact=_text(contact, _("Say how to reach them"), 100),
            can_offer=(can_offer or "").strip()[:200], consent_at=_now(now))


def outside_member_withdraw(*, member: OutsideMember, actor, now=None) -> OutsideMember:
    """Consent withdrawn: the entry and its open offers leave the board."""
    own = _actor_person(actor) is not None and _actor_person(actor).pk == member.person_id
    _require(own or rules.can_keep_board(actor, member.village))
    with transaction.atomic():
        member.withdrawn_at, member.link_hash, member.link_expires = _now(now), "", None
        member.save(update_fields=["withdrawn_at", "link_hash", "link_expires"])
        member.offers.filter(status=BoardStatus.OPEN).update(status=BoardStatus.CLOSED)
    return member


LINK_DAYS = 180


def _link_hash(token: str) -> str:
    import hashlib

    return hashlib.sha256(token.encode()).hexdigest()


def outside_member_link_issue(*, member: OutsideMember, actor, days: int = LINK_DAYS, now=None) -> str:
    """A personal link for someone of the village who lives elsewhere: with it they publish offers
    and follow their matches from their phone, without an account or password. The village's own
    cadres issue it (they hold the contact to send it to); it returns the token once — only its
    hash is kept — and replaces any earlier link. It lasts `days` and dies with their consent."""
    _require(rules.is_village_cadre(actor, member.village))
    if member.withdrawn_at is not None:
        raise ResourceError(_("This person withdrew their consent"))
    import secrets

    token = secrets.token_urlsafe(24)
    member.link_hash, member.link_expires = _link_hash(token), _now(now) + dt.timedelta(days=days)
    member.save(update_fields=["link_hash", "link_expires"])
    return token


def outside_member_link_revoke(*, member: OutsideMember, actor) -> OutsideMember:
    _require(rules.is_village_cadre(actor, member.village) or rules.can_keep_board(actor, member.village))
    member.link_hash, member.link_expires = "", None
    member.save(update_fields=["link_hash", "link_expires"])
    return member


def outside_member_by_link(token: str, *, now=None) -> OutsideMember | None:
    """The member a personal link belongs to, or None (unknown, expired, consent withdrawn)."""
    token = (token or "").strip()
    if not 16 <= len(token) <= 64:
        return None
    member = (OutsideMember.objects.select_related("village", "person")
              .filter(link_hash=_link_hash(token), withdrawn_at__isnull=True).first())
    if member is None or member.link_expires is None or member.link_expires <= _now(now):
        return None
    return member


def board_offer_by_link(*, token: str, kind: str, title: str, detail: str = "", now=None) -> BoardPost:
    """An outside member publishes an offer or opportunity for their own village, by their link."""
    member = outside_member_by_link(token, now=now)
    if member is None:
        raise ResourceForbidden(_("This link is not valid any more: ask your village for a new one"))
    if kind not in BoardKind.values:
        raise ResourceError(_("Choose the kind"))
    return BoardPost.objects.create(village=member.village, path=member.village.path, is_offer=True, member=member,
                                    kind=kind, title=_text(title, _("Give a title")), detail=(detail or "")[:2000],
                                    created_at=_now(now))


def outside_member_withdraw_by_link(*, token: str, now=None) -> OutsideMember:
    """They withdraw their consent themselves: off the board, their open offers closed, the link dead."""
    member = outside_member_by_link(token, now=now)
    if member is None:
        raise ResourceForbidden(_("This link is not valid any more: ask your village for a new one"))
    with transaction.atomic():
        member.withdrawn_at, member.link_hash, member.link_expires = _now(now), "", None
        member.save(update_fields=["withdrawn_at", "link_hash", "link_expires"])
        member.offers.filter(status=BoardStatus.OPEN).update(status=BoardStatus.CLOSED)
    return member


def board_publish(*, village: OrgNode, actor, kind: str, title: str, detail: str = "",
                  member: OutsideMember | None = None, now=None) -> BoardPost:
    """A village's need (member=None) or an outside member's offer or opportunity."""
    if member is None:
        _require(rules.can_keep_board(actor, village))
    else:
        own = _actor_person(actor) is not None and _actor_person(actor).pk == member.person_id
        _require(own or rules.can_keep_board(actor, village))
        if member.withdrawn_at is not None:
            raise ResourceError(_("This person withdrew their consent"))
        if member.village_id != village.pk:
            raise ResourceError(_("Offers go to the member's own village"))
    if kind not in BoardKind.values or (member is None and kind == BoardKind.OPPORTUNITY):
        raise ResourceError(_("Choose the kind"))
    return BoardPost.objects.create(village=village, path=village.path, is_offer=member is not None, member=member,
                                    kind=kind, title=_text(title, _("Give a title")), detail=(detail or "")[:2000],
                                    created_at=_now(now))


def board_match(*, need: BoardPost, offer: BoardPost, actor, now=None) -> BoardMatch:
    _require(rules.can_keep_board(actor, need.village))
    if need.is_offer or not offer.is_offer:
        raise ResourceError(_("Match a village need with an offer"))
    if offer.village_id != need.village_id:
        raise ResourceError(_("The offer comes from another village"))
    if need.status in (BoardStatus.FULFILLED, BoardStatus.CLOSED) or offer.status == BoardStatus.CLOSED:
        raise ResourceError(_("This need or offer is closed"))
    now = _now(now)
    with transaction.atomic():
        try:
            match = BoardMatch.objects.create(need=need, offer=offer, path=need.path, matched_at=now, matched_by=actor)
        except IntegrityError as exc:
            raise ResourceError(_("Already matched")) from exc
        BoardPost.objects.filter(pk__in=[need.pk, offer.pk], status=BoardStatus.OPEN).update(status=BoardStatus.MATCHED)
    return match


def board_fulfil(*, match: BoardMatch, actor, outcome: str, value=0, now=None) -> BoardMatch:
    """The outcome: training held, investment made, produce sold — with its value in yuan."""
    _require(rules.can_keep_board(actor, match.need.village))
    try:
        value = Decimal(str(value or 0)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise ResourceError(_("Give the value as a number")) from exc
    if value < 0:
        raise ResourceError(_("The value cannot be negative"))
    with transaction.atomic():
        match.outcome = _text(outcome, _("Record the outcome"))
        match.value, match.fulfilled_at = value, _now(now)
        match.save(update_fields=["outcome", "value", "fulfilled_at"])
        BoardPost.objects.filter(pk__in=[match.need_id, match.offer_id]).update(status=BoardStatus.FULFILLED)
    return match
