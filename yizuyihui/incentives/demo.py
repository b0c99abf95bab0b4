"""Demo content for incentives, made through the services: the city's points rules, rewards in
every community that has residents with points, the ledger derived from the demo's record."""

from __future__ import annotations

import random

from django.contrib.auth import get_user_model

from yizuyihui.incentives import demo_recognition, performance, services
from yizuyihui.incentives.models import PointAccount, PointEntry, PointRule, Redemption, Reward
from yizuyihui.org.models import Level, OrgNode
from yizuyihui.people.models import Role

DEFAULT_RULES = [
    # event, points, cap, period
    ("matter_accepted", 5, 20, "month"),
    ("visit_hosted", 1, 4, "year"),
    ("volunteer_hours", 2, 60, "month"),
    ("plus_meeting", 3, 12, "quarter"),
    ("useful_report", 2, 10, "month"),
]
REWARDS = [("洗衣液一瓶", 20, 30), ("大米五斤", 50, 20), ("社区食堂餐券", 10, 100), ("理发券", 15, 50)]


def generate(*, seed: int, progress) -> dict[str, int]:
    rng = random.Random(seed + 15)
    User = get_user_model()
    admin = User.objects.filter(is_superuser=True).first() or User.objects.filter(posts__role=Role.CITY_ADMIN).first()
    if admin is None:
        return {}
    for event, pts, cap, period in DEFAULT_RULES:
        if not PointRule.objects.filter(event=event).exists():
            services.point_rule_save(actor=admin, event=event, points=pts, cap=cap, period=period)
    services.points_derive()
    progress("incentives points", PointEntry.objects.count())
    # Rewards in the communities where residents hold points (the first 40 by path).
    paths = set()
    for path in PointAccount.objects.values_list("person__node__path", flat=True)[:5000]:
        paths.update(path[:i] for i in range(4, len(path) + 1, 4))
    communities = OrgNode.objects.filter(path__in=paths, level__in=(Level.COMMUNITY, Level.VILLAGE)).order_by("path")[:40]
    for node in communities:
        if Reward.objects.filter(node=node).exists():
            continue
        for name, cost, stock in rng.sample(REWARDS, 3):
            services.reward_create(actor=admin, node=node, name=name, cost=cost, stock=stock)
    demo_recognition.generate(admin=admin, progress=progress)
    # 考核: this year's scores for every grid worker, unit leader, unit, community and street.
    progress("incentives performance", performance.scores_compute(period=performance.current_period()))
    return totals()


def totals() -> dict[str, int]:
    return {"point rules": PointRule.objects.count(), "point entries": PointEntry.objects.count(),
            "point holders": PointAccount.objects.count(), "rewards": Reward.objects.count(),
            "redemptions": Redemption.objects.count(), **demo_recognition.totals()}
