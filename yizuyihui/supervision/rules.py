"""Who sees, answers and closes 督办: the supervising level and the level supervised."""

from __future__ import annotations

import rules

from yizuyihui.accounts.roles import MANAGER_ROLES
from yizuyihui.accounts.scope import has_role_over, in_scope


def subject_node(supervision):
    """The level that answers: the subject's `node`, or its unit's node."""
    subject = supervision.subject
    node = getattr(subject, "node", None)
    if node is None and getattr(subject, "unit", None) is not None:
        node = subject.unit.node
    return node


@rules.predicate
def can_view_supervision(user, supervision):
    node = subject_node(supervision)
    return in_scope(user, supervision.node) or (node is not None and in_scope(user, node))


@rules.predicate
def can_answer_supervision(user, supervision):
    node = subject_node(supervision)
    return node is not None and in_scope(user, node)


@rules.predicate
def can_close_supervision(user, supervision):
    return has_role_over(user, supervision.node, MANAGER_ROLES)


rules.add_perm("supervision.view_supervision", can_view_supervision)
rules.add_perm("supervision.answer_supervision", can_answer_supervision)
rules.add_perm("supervision.close_supervision", can_close_supervision)
