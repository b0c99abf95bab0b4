"""Scope-matrix entries for the triage app (merged by tests/accounts/test_accounts_scope_matrix.py)."""

from __future__ import annotations

from django.urls import reverse
from scope import ALL, OVER_UNIT_A, OVER_UNIT_D, Probe

# Leading posts that look for widespread problems (street/township, district, city; community cadres).
WIDESPREAD = frozenset({"city_admin", "district_official", "street_official", "community_cadre", "outsider"})
OVER_STREET_LEADING = frozenset({"city_admin", "district_official", "street_official"})
# Posts that may manage matters (cases.rules.MANAGER_ROLES): they have a review queue (待分类).
MANAGERS = frozenset({"city_admin", "district_official", "street_official", "community_cadre", "unit_leader",
                      "outsider"})
MANAGERS_OVER_UNIT_A = MANAGERS - {"outsider"}
STAFF = ALL - {"resident"}


def _top_category():
    from yizuyihui.cases.models import Category

    return Category.objects.get(name="环境保护", parent__isnull=True)


def _case(c):
    from yizuyihui.cases.services import case_file

    return case_file(unit=c.unit_a, actor=c.users["resident"], title="楼道灯坏了很久没人修", description="三号楼",
                     channel="web", suggest=False)


ROUTES = {
    # The review queue: everyone who may manage matters (each sees the matters under their posts).
    "triage:review": lambda c: [Probe(reverse("triage:review"), MANAGERS)],
    # Choosing the category of unit A's matter: managers over unit A only.
    "triage:review_choose": lambda c: [Probe(reverse("triage:review_choose", args=[_case(c).pk]), MANAGERS_OVER_UNIT_A,
                                             method="post", data={"category": _top_category().pk})],
    # The routing model's status page: staff (the corrections listed are those in their scope).
    "triage:model": lambda c: [Probe(reverse("triage:model"), STAFF)],
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
