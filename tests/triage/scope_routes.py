"""Scope-matrix entries for the triage app (merged by tests/accounts/test_scope_matrix.py)."""

from __future__ import annotations

import sys

from django.urls import reverse

# Loaded while tests/accounts/test_scope_matrix.py is being imported: take Probe and the persona
# sets from that (partly initialised) module.
_base = next(m for n, m in list(sys.modules.items()) if n.endswith("test_scope_matrix") and hasattr(m, "Probe"))
Probe, ALL, OVER_UNIT_A, OVER_UNIT_D = _base.Probe, _base.ALL, _base.OVER_UNIT_A, _base.OVER_UNIT_D

# Leading posts that look for widespread problems (street/township, district, city; community cadres).
WIDESPREAD = frozenset({"city_admin", "district_official", "street_official", "community_cadre", "outsider"})
OVER_STREET_LEADING = frozenset({"city_admin", "district_official", "street_official"})


def _case(c):
    from yizuyihui.cases.services import case_file

    return case_file(unit=c.unit_a, actor=c.users["resident"], title="楼道灯坏了很久没人修", description="三号楼",
                     channel="web", suggest=False)


ROUTES = {
    # Every persona lives in a unit and may look for duplicates there; another unit only with a post over it.
    "triage:duplicates": lambda c: [
        Probe(reverse("triage:duplicates"), ALL, method="post", data={"title": "楼道灯坏了"}),
        Probe(reverse("triage:duplicates"), OVER_UNIT_D, method="post", data={"title": "楼道灯坏了", "unit": c.unit_d.pk}),
    ],
    # Residents of the unit and staff over it may attach to its open matter; the outsider may not.
    "triage:support": lambda c: [Probe(reverse("triage:support", args=[_case(c).pk]), OVER_UNIT_A | {"resident"},
                                       method="post")],
    "triage:widespread": lambda c: [
        Probe(reverse("triage:widespread"), WIDESPREAD),
        Probe(reverse("triage:widespread") + f"?node={c.street.pk}", OVER_STREET_LEADING),
        Probe(reverse("triage:widespread") + f"?node={c.other_street.pk}",
              frozenset({"city_admin", "district_official", "outsider"})),
    ],
    "triage:widespread_escalate": lambda c: [
        Probe(reverse("triage:widespread_escalate"), OVER_STREET_LEADING, method="post",
              data={"node": c.street.pk, "case": [_case(c).pk], "label": "楼道 灯"}),
    ],
}
