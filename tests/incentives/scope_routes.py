"""Scope-matrix entries for the incentives app (merged by tests/accounts/test_scope_matrix.py).

Points are personal: every signed-in persona sees their own page. Rules are the city's; rewards
belong to a community and only its cadres and the levels above create them; a resident redeems
at the community they live in (unit A's residents and staff who live there)."""

from __future__ import annotations

from django.urls import reverse
from scope import ALL, OVER_UNIT_A, OVER_UNIT_D, STAFF, Probe

BRANCH_OVER_COMMUNITY = frozenset({"city_admin", "district_official", "street_official", "community_cadre"})
# Everyone in the cast lives in unit A (幸福社区) except the outsider (unit D).
LIVES_IN_COMMUNITY = ALL - {"outsider"}


def _reward(c):
    from yizuyihui.incentives.models import Reward

    return Reward.objects.create(node=c.community, name="洗衣液", cost=1, stock=100)


def _rich(c):
    from yizuyihui.incentives.models import PointAccount

    for person in c.residents.values():
        PointAccount.objects.update_or_create(person=person, defaults={"earned": 50})
    return _reward(c)


def _score(c, kind="unit", user=None):
    from django.utils import timezone

    from yizuyihui.incentives.models import PerformanceScore

    return PerformanceScore.objects.create(period="2025", kind=kind, node=c.unit_a.node, user=user,
                                           person=getattr(user, "person", None), name="幸福一网格",
                                           peers=c.community.path, score="80.00", rank=1, computed_at=timezone.now())


def _appeal(c):
    from django.utils import timezone

    from yizuyihui.incentives.models import Appeal

    score = _score(c, "grid_worker", c.users["grid_worker"])
    return Appeal.objects.create(score=score, filed_by=c.users["grid_worker"], text="漏记走访", filed_at=timezone.now())


WEIGHTS = {"response": "20", "resolution": "10", "satisfaction": "15", "overdue": "10", "supervision": "10",
           "visits": "15", "duties": "10", "resolutions": "10"}

ROUTES = {
    # 考核: league tables for staff (each sees their own scope), a score for those over its node,
    # the appeal for the person assessed only, the answer for the level above, weights for the city.
    "incentives:performance": lambda c: [Probe(reverse("incentives:performance"), STAFF)],
    "incentives:performance_xlsx": lambda c: [Probe(reverse("incentives:performance_xlsx"), STAFF)],
    "incentives:performance_weights": lambda c: [
        Probe(reverse("incentives:performance_weights"), frozenset({"city_admin"})),
        Probe(reverse("incentives:performance_weights"), frozenset({"city_admin"}), method="post", data=WEIGHTS),
    ],
    "incentives:performance_detail": lambda c: [
        Probe(reverse("incentives:performance_detail", args=[_score(c).pk]), OVER_UNIT_A)],
    "incentives:performance_appeal": lambda c: [
        Probe(reverse("incentives:performance_appeal", args=[_score(c, "grid_worker", c.users["grid_worker"]).pk]),
              frozenset({"grid_worker"}), method="post", data={"text": "三月走访漏记"})],
    "incentives:performance_answer": lambda c: [
        Probe(reverse("incentives:performance_answer", args=[_appeal(c).pk]), BRANCH_OVER_COMMUNITY, method="post",
              data={"answer": "已核实"})],

    "incentives:points": lambda c: [Probe(reverse("incentives:points"), ALL)],
    "incentives:redeem": lambda c: [Probe(reverse("incentives:redeem", args=[_rich(c).pk]), LIVES_IN_COMMUNITY,
                                          method="post")],
    "incentives:rules": lambda c: [
        Probe(reverse("incentives:rules"), frozenset({"city_admin"})),
        Probe(reverse("incentives:rules"), frozenset({"city_admin"}), method="post",
              data={"event": "visit_hosted", "points": "1", "cap": "4", "period": "year", "active": "on"}),
    ],
    # The unit's public board (事事有回应): its residents and the staff over it, as cases:public_board.
    "incentives:board": lambda c: [
        Probe(reverse("incentives:board", args=[c.unit_a.pk]), ALL - {"outsider"}),  # the outsider lives in unit D
        Probe(reverse("incentives:board", args=[c.unit_d.pk]), OVER_UNIT_D),
    ],
    "incentives:rewards": lambda c: [
        Probe(reverse("incentives:rewards"), STAFF),
        Probe(reverse("incentives:rewards"), BRANCH_OVER_COMMUNITY, method="post",
              data={"node": c.community.pk, "name": "大米", "cost": "5", "stock": "3"}),
    ],
}

# Honours, thank-you letters and reports to the organisation department.
from incentives.scope_routes_recognition import ROUTES as _RECOGNITION  # noqa: E402  (tests/ is on sys.path)

ROUTES.update(_RECOGNITION)
