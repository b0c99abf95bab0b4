"""Every write of the incentives app (keyword-only `<entity>_<verb>`)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yizuyihui.core.errors import ServiceConflict, ServiceError, ServiceForbidden
from yizuyihui.incentives import points as derivation
from yizuyihui.incentives import points_sql, rules
from yizuyihui.incentives.models import (
    CapPeriod,
    EntryKind,
    PointAccount,
    PointEntry,
    PointEvent,
    PointRule,
    Redemption,
    Reward,
)


class IncentiveError(ServiceError):
    pass


def _int(value, message: str) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise IncentiveError(message) from None


# --- rules -----------------------------------------------------------------------------------------
def point_rule_save(*, actor, event: str, points, cap, period: str = CapPeriod.MONTH, active: bool = True) -> PointRule:
    """Create or change the rule for one event type. A rule must be bounded: points and a cap
    per period, both positive, the cap at least one event's worth (refused otherwise)."""
    if actor is not None and not rules.can_edit_point_rules(actor):
        raise ServiceForbidden(_("Only the city's administrators edit the points rules"))
    if event not in PointEvent.values:
        raise IncentiveError(_("Unknown event type"))
    if period not in CapPeriod.values:
        raise IncentiveError(_("Unknown period"))
    if cap in (None, ""):
        raise IncentiveError(_("A rule needs a cap per period: unbounded points are refused"))
    points = _int(points, _("Points must be a whole number"))
    cap = _int(cap, _("The cap must be a whole number"))
    if points <= 0 or cap <= 0:
        raise IncentiveError(_("Points and cap must be positive: unbounded points are refused"))
    if points > cap:
        raise IncentiveError(_("The cap must allow at least one event"))
    rule, _created = PointRule.objects.update_or_create(
        event=event, defaults={"points": points, "cap": cap, "period": period, "active": active})
    return rule


# --- derivation ------------------------------------------------------------------------------------
def points_derive(*, start=None, end=None, now=None) -> int:
    """Append to the ledger the awards for the recorded events in [start, end) not yet in it.
    Idempotent: a second run finds every source in the ledger and adds nothing. Returns the
    number of new ledger lines. The rules are applied in the database (points_sql: one INSERT …
    SELECT with a running sum per person, event type and cap period); `points.award` is the same
    rule in Python, the reference the tests compare it with."""
    now = now or timezone.now()
    active = derivation.active_rules()
    if not active:
        return 0
    with transaction.atomic():
        # One derivation at a time: the caps read what is already in the ledger.
        list(PointRule.objects.select_for_update().filter(pk__in=[r.pk for r in active.values()]))
        return points_sql.ledger_derive(active, start, end, now)


# --- rewards ---------------------------------------------------------------------------------------
def reward_create(*, actor, node, name: str, cost, stock) -> Reward:
    if not rules.can_manage_rewards(actor, node):
        raise ServiceForbidden(_("Only the community keeps its rewards"))
    name = (name or "").strip()
    if not name:
        raise IncentiveError(_("Name the reward"))
    cost = _int(cost, _("Points must be a whole number"))
    stock = _int(stock, _("Stock must be a whole number"))
    if cost <= 0 or stock < 0:
        raise IncentiveError(_("A reward costs at least one point and its stock cannot be negative"))
    return Reward.objects.create(node=node, name=name[:100], cost=cost, stock=stock, created_by=actor)


def reward_restock(*, actor, reward: Reward, stock) -> Reward:
    if not rules.can_manage_rewards(actor, reward.node):
        raise ServiceForbidden(_("Only the community keeps its rewards"))
    stock = _int(stock, _("Stock must be a whole number"))
    if stock < 0:
        raise IncentiveError(_("Stock cannot be negative"))
    with transaction.atomic():
        locked = Reward.objects.select_for_update().get(pk=reward.pk)
        locked.stock = stock
        locked.save(update_fields=["stock"])
    return locked


def reward_redeem(*, reward: Reward, actor, now=None) -> Redemption:
    """A resident spends points on a reward of their community.

    Two phones (or a double tap) redeeming at once: the reward row and the person's account are
    locked in that order (select_for_update), so the stock and the balance are read after the
    other redemption committed; the unique (reward, person) constraint is the last guard."""
    now = now or timezone.now()
    person = getattr(actor, "person", None)
    if person is None or not rules.lives_under(person, reward.node):
        raise ServiceForbidden(_("Rewards are redeemed at the community you live in"))
    PointAccount.objects.get_or_create(person=person)
    try:
        with transaction.atomic():
            locked = Reward.objects.select_for_update().get(pk=reward.pk)
            account = PointAccount.objects.select_for_update().get(person=person)
            if not locked.active:
                raise IncentiveError(_("This reward is no longer offered"))
            if Redemption.objects.filter(reward=locked, person=person).exists():
                raise ServiceConflict(_("You have already redeemed this reward"))
            if locked.stock <= 0:
                raise ServiceConflict(_("This reward is out of stock"))
            if account.balance < locked.cost:
                raise IncentiveError(_("Not enough points"))
            redemption = Redemption.objects.create(reward=locked, person=person, points=locked.cost, at=now)
            PointEntry.objects.create(person=person, kind=EntryKind.REDEMPTION, source=f"redeem:{redemption.pk}",
                                      points=-locked.cost, at=now, note=locked.name[:200])
            locked.stock -= 1
            locked.save(update_fields=["stock"])
            account.spent += locked.cost
            account.save(update_fields=["spent"])
    except IntegrityError:
        raise ServiceConflict(_("You have already redeemed this reward")) from None
    return redemption


def redemption_hand_over(*, redemption: Redemption, actor) -> Redemption:
    if not rules.can_manage_rewards(actor, redemption.reward.node):
        raise ServiceForbidden(_("Only the community keeps its rewards"))
    Redemption.objects.filter(pk=redemption.pk).update(handed_over=True)
    redemption.handed_over = True
    return redemption
