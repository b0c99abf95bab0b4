from yizuyihui.incentives import demo
from yizuyihui.incentives.models import PointRule, Reward

from .conftest import at, file_and_accept


def test_the_demo_sets_the_rules_derives_points_and_stocks_rewards(cast):
    file_and_accept(cast, "路灯坏了", at(2026, 3, 2))
    totals = demo.generate(seed=7, progress=lambda *a: None)
    assert PointRule.objects.count() == 5
    assert totals["point entries"] == 1 and totals["point holders"] == 1
    assert Reward.objects.filter(node=cast.community).count() == 3
    assert demo.generate(seed=7, progress=lambda *a: None) == totals  # idempotent
