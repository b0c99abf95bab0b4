"""Who may take each step of the closed loop (DOMAIN §4), as django-rules predicates.

Which permission each step needs is declared in lifecycle.py. The paper's division of labour: council members, grid workers and building heads collect; the
unit's Party group reviews and assigns (the branch for the village/community, the street above
that); handlers handle; the council feeds back; the resident rates. A level may always act on
matters below it (a street official may receive a matter still sitting with a unit).
"""

from __future__ import annotations

import rules

from yizuyihui.accounts.roles import (
    COUNCIL_ROLES,
    MANAGER_ROLES,
    MEMBER_ROLES,
    RECEIVER_ROLES,
    STAFF_ROLES,
    resident_unit,
)
from yizuyihui.accounts.scope import has_role_over, in_scope
from yizuyihui.core.plugins import provider_call


def is_own_case(user, case) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if case.filed_by_id == user.pk:
        return True
    person = getattr(user, "person", None)
    return person is not None and case.reporter_id == person.pk


def is_assigned(user, case) -> bool:
    return case.assignments.filter(handler=user).exclude(state__in=["sent_back", "withdrawn"]).exists()


@rules.predicate
def can_view_case(user, case):
    if case is None:
        return False
    return (in_scope(user, case.unit.node) or is_own_case(user, case) or case.handler_id == user.pk or is_assigned(user, case)
            or provider_call("case_extra_viewer", user, case, default=False))  # "+" members, teams (resources app)


@rules.predicate
def can_file_for_unit(user, unit):
    if unit is None:
        return False
    if has_role_over(user, unit.node, STAFF_ROLES):
        return True
    own = resident_unit(user)
    return own is not None and own.pk == unit.pk


@rules.predicate
def can_manage_case(user, case):
    """收单 / 议单 / 派单 / escalate / close: the Party group or branch where the matter sits."""
    return has_role_over(user, case.node, MANAGER_ROLES)


@rules.predicate
def can_receive_case(user, case):
    """收单: the Party group where the matter sits — at a unit that includes its grid worker."""
    return has_role_over(user, case.node, RECEIVER_ROLES)


@rules.predicate
def can_resolve_on_spot(user, case):
    return case.tier == 1 and (has_role_over(user, case.unit.node, MEMBER_ROLES) or can_manage_case(user, case))


@rules.predicate
def can_claim_case(user, case):
    return case.assignments.filter(handler=user, state="pending").exists()


@rules.predicate
def is_case_handler(user, case):
    return case.handler_id is not None and case.handler_id == user.pk


@rules.predicate
def can_feed_back_case(user, case):
    return has_role_over(user, case.unit.node, COUNCIL_ROLES) or can_manage_case(user, case)


@rules.predicate
def can_rate_case(user, case):
    return is_own_case(user, case)


@rules.predicate
def can_approve_extension(user, case):
    return can_manage_case(user, case)


@rules.predicate
def can_send_back_case(user, case):
    """退单: a handler offered the matter (before claiming) or the one who leads it."""
    return can_claim_case(user, case) or is_case_handler(user, case)


@rules.predicate
def can_resume_case(user, case):
    return is_case_handler(user, case) or can_manage_case(user, case)


rules.add_perm("cases.view_case", can_view_case)
rules.add_perm("cases.file_for_unit", can_file_for_unit)
rules.add_perm("cases.manage_case", can_manage_case)
rules.add_perm("cases.receive_case", can_receive_case)
rules.add_perm("cases.resolve_on_spot", can_resolve_on_spot)
rules.add_perm("cases.claim_case", can_claim_case)
rules.add_perm("cases.handle_case", is_case_handler)
rules.add_perm("cases.feed_back_case", can_feed_back_case)
rules.add_perm("cases.rate_case", can_rate_case)
rules.add_perm("cases.approve_extension", can_approve_extension)
rules.add_perm("cases.send_back_case", can_send_back_case)
rules.add_perm("cases.resume_case", can_resume_case)
