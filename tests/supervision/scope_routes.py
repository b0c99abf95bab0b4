"""Scope-matrix entries for the supervision app (merged by tests/accounts/test_scope_matrix.py)."""

from __future__ import annotations

import sys

from django.urls import reverse

_base = next(m for n, m in list(sys.modules.items()) if n.endswith("test_scope_matrix") and hasattr(m, "Probe"))
Probe, STAFF, OVER_UNIT_A = _base.Probe, _base.STAFF, _base.OVER_UNIT_A


def _supervision(c):
    from yizuyihui.cases.services import case_file
    from yizuyihui.supervision.services import supervision_open

    case = case_file(unit=c.unit_a, actor=c.users["resident"], title="楼道灯坏了", description="三号楼", channel="web")
    return supervision_open(subject=case, node=c.community, reason="逾期")


ROUTES = {
    "supervision:board": lambda c: [Probe(reverse("supervision:board"), STAFF)],
    "supervision:detail": lambda c: [Probe(reverse("supervision:detail", args=[_supervision(c).pk]), OVER_UNIT_A)],
}
