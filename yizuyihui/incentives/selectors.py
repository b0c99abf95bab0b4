"""Every read the incentives pages show, starting from the user (their person, or their scope)."""

from __future__ import annotations

from yizuyihui.accounts.scope import scope_q
from yizuyihui.incentives.models import PointAccount, PointEntry, PointRule, Redemption, Reward
from yizuyihui.org.models import Level


def my_points(*, user, limit: int = 50) -> dict:
    """The resident's balance, history and the rewards of their community (three short queries)."""
    person = getattr(user, "person", None)
    if person is None:
        return {"person": None}
    account = PointAccount.objects.filter(person=person).first()
    entries = list(PointEntry.objects.filter(person=person).order_by("-at", "-pk")[:limit])
    # The community (or village) is the home node's ancestor at that level: its path prefix.
    ancestors = [person.node.path[:i] for i in range(4, len(person.node.path) + 1, 4)]
    rewards = list(Reward.objects.filter(node__path__in=ancestors, node__level__in=(Level.COMMUNITY, Level.VILLAGE),
                                         active=True).select_related("node"))
    redeemed = set(Redemption.objects.filter(person=person).values_list("reward_id", flat=True))
    return {"person": person, "balance": account.balance if account else 0,
            "earned": account.earned if account else 0, "entries": entries, "rewards": rewards,
            "redeemed": redeemed}


def rules_all() -> list[PointRule]:
    return list(PointRule.objects.all())


def rewards_in_scope(*, user):
    return (Reward.objects.filter(scope_q(user, "node")).select_related("node").order_by("node__path", "cost"))


def redemptions_in_scope(*, user, limit: int = 100):
    return (Redemption.objects.filter(scope_q(user, "reward__node")).select_related("reward", "person")
            .order_by("handed_over", "-at")[:limit])
