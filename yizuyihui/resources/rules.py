"""Who may see and do what with the "+" resources (django-rules predicates over the org tree).

- Any manager of a matter (the Party group or branch where it sits: cases.rules.can_manage_case)
  draws people into it and dispatches teams on it.
- A "+" member, a member of a team dispatched on a matter, and the property company of the
  matter's estate see that matter — and no other — and add notes to it.
- Teams, registrations and the urban–rural board are read by staff whose scope covers their
  node; an outside member's contact data only by the cadres of their own village.
"""

from __future__ import annotations

import rules

from yizuyihui.accounts.roles import BRANCH_ROLES, MANAGER_ROLES
from yizuyihui.accounts.scope import has_role_over, in_scope, role_paths
from yizuyihui.cases.rules import can_manage_case
from yizuyihui.people.models import Role
from yizuyihui.resources.models import Dispatch, PlusMember, Professional, ProfessionalKind, Volunteer

# Matters a property company shares (信息共享): words of the category chain or the title.
PROPERTY_WORDS = ("物业", "住房", "房地产", "电梯", "停车", "小区", "楼道", "供暖", "漏水")
VILLAGE_CADRE_ROLES = frozenset({str(Role.COMMUNITY_CADRE), str(Role.UNIT_LEADER)})


def _person_id(user):
    if not getattr(user, "is_authenticated", False):
        return None
    person = getattr(user, "person", None)
    return person.pk if person is not None else None


def is_property_matter(case) -> bool:
    words = [case.title or ""]
    category = case.category
    while category is not None:
        words.append(category.name)
        category = category.parent
    text = " ".join(words)
    return any(w in text for w in PROPERTY_WORDS)


def is_plus_member(user, case) -> bool:
    pid = _person_id(user)
    return pid is not None and PlusMember.objects.filter(case_id=case.pk, person_id=pid, ended_at__isnull=True).exists()


def is_dispatched_volunteer(user, case) -> bool:
    pid = _person_id(user)
    if pid is None:
        return False
    teams = Dispatch.objects.filter(case_id=case.pk, ended_at__isnull=True).values("team_id")
    return Volunteer.objects.filter(person_id=pid, active=True, team_id__in=teams).exists()


def property_companies_of(user):
    pid = _person_id(user)
    if pid is None:
        return Professional.objects.none()
    return Professional.objects.filter(kind=ProfessionalKind.PROPERTY, active=True, staff__id=pid)


def is_property_company_of(user, case) -> bool:
    return (is_property_matter(case)
            and property_companies_of(user).filter(estates__id=case.unit_id).exists())


def can_view_case_as_resource(user, case) -> bool:
    """The `case_extra_viewer` provider asked by cases.rules.can_view_case."""
    if case is None or not getattr(user, "is_authenticated", False):
        return False
    return is_plus_member(user, case) or is_dispatched_volunteer(user, case) or is_property_company_of(user, case)


@rules.predicate
def can_draw_in(user, case):
    return case is not None and can_manage_case(user, case)


@rules.predicate
def can_note_case(user, case):
    return case is not None and (can_manage_case(user, case) or can_view_case_as_resource(user, case))


@rules.predicate
def can_answer_case(user, case):
    return case is not None and is_property_company_of(user, case)


@rules.predicate
def can_view_team(user, team):
    if team is None:
        return False
    pid = _person_id(user)
    return in_scope(user, team.node) or (pid is not None and team.members.filter(person_id=pid, active=True).exists())


@rules.predicate
def can_manage_team(user, team):
    if team is None:
        return False
    pid = _person_id(user)
    return has_role_over(user, team.node, MANAGER_ROLES) or (pid is not None and team.leader_id == pid)


@rules.predicate
def can_keep_resources(user, node):
    """Create teams, needs and professionals at `node`: the managers there and above."""
    return node is not None and has_role_over(user, node, MANAGER_ROLES)


@rules.predicate
def can_view_registration(user, registration):
    if registration is None:
        return False
    pid = _person_id(user)
    return registration.person_id == pid or in_scope(user, registration.node)


@rules.predicate
def can_confirm_registration(user, registration):
    """The community (village) confirms, or the levels that lead it."""
    return registration is not None and has_role_over(user, registration.node, BRANCH_ROLES)


@rules.predicate
def can_withdraw_registration(user, registration):
    return registration is not None and (registration.person_id == _person_id(user)
                                         or can_confirm_registration(user, registration))


@rules.predicate
def can_view_board(user, village):
    return village is not None and in_scope(user, village)


@rules.predicate
def can_keep_board(user, village):
    return village is not None and has_role_over(user, village, MANAGER_ROLES)


def is_village_cadre(user, village) -> bool:
    """The cadres of this village: community cadres (村两委) at the village and unit leaders of its
    natural villages. Street and district officials above are not: contact data stays in the village."""
    if village is None or getattr(user, "is_superuser", False):
        return False
    return any(p.startswith(village.path) for p in role_paths(user, VILLAGE_CADRE_ROLES))


rules.add_perm("resources.draw_in", can_draw_in)
rules.add_perm("resources.note_case", can_note_case)
rules.add_perm("resources.answer_case", can_answer_case)
rules.add_perm("resources.view_team", can_view_team)
rules.add_perm("resources.manage_team", can_manage_team)
rules.add_perm("resources.keep_resources", can_keep_resources)
rules.add_perm("resources.view_registration", can_view_registration)
rules.add_perm("resources.confirm_registration", can_confirm_registration)
rules.add_perm("resources.withdraw_registration", can_withdraw_registration)
rules.add_perm("resources.view_board", can_view_board)
rules.add_perm("resources.keep_board", can_keep_board)
