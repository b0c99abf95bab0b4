"""Residents join themselves (居民自助注册).

1. `signup_send_code`: a mainland mobile number not yet used by an account gets an SMS code.
2. `signup_complete`: the code, the name and the ID number. An ID number on the register whose
   name agrees, with no phone or this phone on the register, links the new account to that person
   (and their household) at once: they may file and rate right away. With another phone on the
   register the unit's grid worker confirms first. Otherwise the account is made but holds no person: the resident names
   their unit (`join_request_choose_unit`) and its grid worker is told.
3. `join_request_confirm` / `join_request_reject`: the grid worker (or a unit leader or community
   cadre over the unit) confirms — the person is added to the register in that unit, optionally in
   a household — or turns the request down, which closes the account and texts the resident why.

Nothing is created until the code is accepted; a rejected code creates nothing.
"""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yizuyihui.accounts import smscodes
from yizuyihui.accounts.models import SmsPurpose
from yizuyihui.core.errors import ServiceConflict, ServiceError, ServiceForbidden
from yizuyihui.core.sms import send_sms
from yizuyihui.notifications.services import notify, notify_many
from yizuyihui.org.models import Unit
from yizuyihui.org.tables import id_number_valid
from yizuyihui.people.crypto import lookup_hash
from yizuyihui.people.models import Household, Person, Post, Role
from yizuyihui.people.services import person_create, post_grant
from yizuyihui.signup.models import OPEN_STATUSES, JoinRequest, JoinStatus
from yizuyihui.signup.rules import can_review_join


class SignupError(ServiceError):
    pass


def phone_taken(phone: str) -> bool:
    """A number already behind an active account: on the register with an account, or in an open request."""
    value = lookup_hash(phone)
    return (Person.objects.filter(phone_hash=value, user__is_active=True).exists()
            or JoinRequest.objects.filter(phone_hash=value, status__in=OPEN_STATUSES, user__is_active=True).exists())


def _taken_error() -> SignupError:
    return SignupError(_("This number already has an account. Log in with an SMS code instead."))


def signup_send_code(*, phone: str, ip: str) -> str:
    """Text a sign-up code; returns the number as normalised."""
    phone = smscodes.phone_normalise(phone)
    if phone_taken(phone):
        raise _taken_error()
    smscodes.sms_code_send(phone=phone, purpose=SmsPurpose.SIGNUP, ip=ip)
    return phone


def _clean_identity(name: str, id_number: str) -> tuple[str, str]:
    name = (name or "").strip()
    if not name:
        raise SignupError(_("Enter your name as on your ID card."))
    if len(name) > 50:
        raise SignupError(_("The name is longer than 50 characters."))
    id_number = (id_number or "").strip().upper()
    if not id_number_valid(id_number):
        raise SignupError(_("The ID card number is not valid: 18 characters, check the last one."))
    return name, id_number


def _new_account(name: str):
    """An account without a password: residents log in with SMS codes. The login name is random
    (a phone or ID number as login name would put it in clear in every table that shows users)."""
    User = get_user_model()
    user = User(username=f"jm{secrets.token_hex(5)}", first_name=name[:150])
    user.set_unusable_password()
    user.save()
    return user


def _home_unit(person: Person) -> Unit | None:
    node = person.node if person.node.is_unit_level else person.node.get_parent()
    return getattr(node, "unit", None) if node is not None and node.is_unit_level else None


def signup_complete(*, phone: str, code: str, name: str, id_number: str) -> JoinRequest:
    """Check the code, then match the ID number. Returns the request: MATCHED (the account is
    linked to the register and may file), PENDING (on the register, but with another phone number:
    the grid worker confirms) or CHOOSING (not on the register: the resident names their unit)."""
    phone = smscodes.phone_normalise(phone)
    name, id_number = _clean_identity(name, id_number)
    smscodes.sms_code_check(phone=phone, purpose=SmsPurpose.SIGNUP, code=code)
    with transaction.atomic():
        if phone_taken(phone):
            raise _taken_error()
        # No join to the account here: after waiting for the lock PostgreSQL re-reads the person row
        # but not the joined one, and a racing sign-up's new account would read as none.
        person = Person.objects.with_id_number(id_number).select_for_update().first()
        if person is not None:
            if person.user_id and get_user_model().objects.filter(pk=person.user_id, is_active=True).exists():
                raise SignupError(_("A resident with this ID number already has an account. "
                                    "Log in with the SMS code sent to the number on it."))
            if person.name.strip() != name:
                raise SignupError(_("The name does not agree with the register for this ID number. "
                                    "Check it, or ask your grid worker."))
            unit = _home_unit(person)
            if person.phone and person.phone != phone and unit is not None:
                # The register knows another number for this person: knowing a name and an ID number
                # does not make one the person, so their grid worker confirms (the register's entry
                # is linked then, not duplicated).
                join = JoinRequest.objects.create(user=_new_account(name), name=name, id_number=id_number,
                                                  phone=phone, unit=unit, status=JoinStatus.PENDING)
                _tell_reviewers(join)  # the inbox rows now; their SMS copies go after commit
                return join
            user = _new_account(name)
            person.user, person.phone = user, phone  # the number just proved by the code
            person.save(update_fields=["user", "phone"])
            if unit is not None:
                post_grant(user=user, role=Role.RESIDENT, node=unit.node)
            return JoinRequest.objects.create(user=user, name=name, id_number=id_number, phone=phone, unit=unit,
                                              person=person, status=JoinStatus.MATCHED, decided_at=timezone.now())
        if JoinRequest.objects.filter(id_number_hash=lookup_hash(id_number), status__in=OPEN_STATUSES,
                                      user__is_active=True).exists():
            raise SignupError(_("A request with this ID number is already waiting for the grid worker."))
        return JoinRequest.objects.create(user=_new_account(name), name=name, id_number=id_number, phone=phone)


def reviewers_for(unit: Unit) -> list:
    """Who is told of a request: the unit's grid workers; without one its leader; without one the
    community (village) cadres above it."""
    posts = Post.objects.filter(active=True, user__is_active=True).select_related("user__person")
    for role, nodes in ((Role.GRID_WORKER, [unit.node.path]), (Role.UNIT_LEADER, [unit.node.path]),
                        (Role.COMMUNITY_CADRE, unit.node.ancestor_paths())):
        users = {p.user.pk: p.user for p in posts.filter(role=role, node__path__in=nodes)}
        if users:
            return list(users.values())
    return []


def join_request_choose_unit(*, join_request: JoinRequest, unit: Unit, address: str = "") -> JoinRequest:
    """The resident names the grid or natural village they live in; its grid worker is told."""
    if join_request.status not in OPEN_STATUSES:
        raise ServiceConflict(_("This request has already been decided."))
    join_request.unit, join_request.address = unit, (address or "").strip()[:200]
    join_request.status = JoinStatus.PENDING
    join_request.save(update_fields=["unit", "address", "status"])
    _tell_reviewers(join_request)
    return join_request


def _tell_reviewers(join_request: JoinRequest) -> None:
    unit, url = join_request.unit, reverse("signup:review", args=[join_request.pk])
    notify_many([(user, getattr(user, "person", None),
                  _("A resident asks to join %(unit)s") % {"unit": unit.name},
                  _("%(name)s says they live in %(unit)s. Check and confirm or turn down the request.")
                  % {"name": join_request.name, "unit": unit.name}, url)
                 for user in reviewers_for(unit)])


def _decidable(join_request: JoinRequest, actor) -> JoinRequest:
    if not can_review_join(actor, join_request):
        raise ServiceForbidden(_("Only the grid worker, unit leader or community cadre over the unit may decide."))
    if join_request.status != JoinStatus.PENDING:
        raise ServiceConflict(_("This request has already been decided."))
    return join_request


def join_request_confirm(*, join_request: JoinRequest, actor, household: Household | None = None) -> Person:
    """Add the resident to the register in the unit (and household, if one is picked) and link
    their account: from now on they may file and rate as residents of that unit."""
    with transaction.atomic():
        join_request = JoinRequest.objects.select_for_update(of=("self",)).select_related("unit__node", "user").get(pk=join_request.pk)
        _decidable(join_request, actor)
        unit = join_request.unit
        if household is not None and household.unit_id != unit.pk:
            raise SignupError(_("The household is not in this unit."))
        # The register may have gained this ID number since the request (an import): link, don't duplicate.
        person = Person.objects.with_id_number(join_request.id_number).select_for_update().first()
        if person is not None and person.user_id and person.user_id != join_request.user_id and person.user.is_active:
            raise ServiceConflict(_("A resident with this ID number already has an account."))
        number = join_request.id_number
        gender, birth_year = ("M" if int(number[16]) % 2 else "F"), int(number[6:10])
        if person is None:
            person = person_create(name=join_request.name, gender=gender, birth_year=birth_year, node=unit.node,
                                   household=household, id_number=number, phone=join_request.phone,
                                   user=join_request.user)
        else:
            person.user, person.phone = join_request.user, join_request.phone
            if household is not None:
                person.household = household
            person.save(update_fields=["user", "phone", "household"])
        if household is not None:
            Household.objects.filter(pk=household.pk).update(size=household.members.count())
        post_grant(user=join_request.user, role=Role.RESIDENT, node=unit.node)
        join_request.status, join_request.person = JoinStatus.CONFIRMED, person
        join_request.decided_at, join_request.decided_by = timezone.now(), actor
        join_request.save(update_fields=["status", "person", "decided_at", "decided_by"])
        notify(user=join_request.user, person=person,
               subject=_("Welcome to %(unit)s") % {"unit": unit.name},
               body=_("Your grid worker confirmed you. You can now report matters and rate how they were handled."),
               url=reverse("core:home"))
    return person


def join_request_reject(*, join_request: JoinRequest, actor, reason: str) -> JoinRequest:
    """Turn the request down: the account is closed (the number is free to sign up again) and the
    resident is texted the reason — they have no inbox left to read it in."""
    reason = (reason or "").strip()[:200]
    if not reason:
        raise SignupError(_("Say why, so the resident knows what to do."))
    with transaction.atomic():
        join_request = JoinRequest.objects.select_for_update(of=("self",)).select_related("unit__node", "user").get(pk=join_request.pk)
        _decidable(join_request, actor)
        join_request.status, join_request.reason = JoinStatus.REJECTED, reason
        join_request.decided_at, join_request.decided_by = timezone.now(), actor
        join_request.save(update_fields=["status", "reason", "decided_at", "decided_by"])
        user = join_request.user
        user.is_active = False
        user.save(update_fields=["is_active"])
        phone, unit = join_request.phone, join_request.unit.name
        text = _("[Yizuyihui+] Your request to join %(unit)s was not confirmed: %(reason)s") % {
            "unit": unit, "reason": reason}
        transaction.on_commit(lambda: send_sms(phone=phone, text=text))
    return join_request
