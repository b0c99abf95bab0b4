"""Every read the incentives pages show, starting from the user (their person, or their scope)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from yizuyihui.accounts.scope import scope_q
from yizuyihui.cases.models import Case, CaseEvent
from yizuyihui.incentives.models import PointEntry, PointRule, PublicNotice, Redemption, Reward
from yizuyihui.meetings.models import Resolution
from yizuyihui.org.models import Level
from yizuyihui.people.masking import redact_text
from yizuyihui.people.models import Person


def my_points(*, user, limit: int = 50) -> dict:
    """The resident's balance, history and the rewards of their community: four short queries
    (the person with their node and account; the history; the rewards with whether each was
    redeemed) — the phone page's p95 budget is 100 ms on a loaded server."""
    # One query for the person, their home node and unit and their account; kept on the user, so
    # the layout (name, the resident's unit in the navigation) asks nothing more.
    person = Person.objects.select_related("node__unit", "point_account").filter(user_id=user.pk).first()
    if person is None:
        return {"person": None}
    user.person = person
    account = getattr(person, "point_account", None)
    entries = list(PointEntry.objects.filter(person=person).order_by("-at", "-pk")[:limit])
    # The community (or village) is the home node's ancestor at that level: its path prefix.
    ancestors = [person.node.path[:i] for i in range(4, len(person.node.path) + 1, 4)]
    rewards = list(Reward.objects.filter(node__path__in=ancestors, node__level__in=(Level.COMMUNITY, Level.VILLAGE),
                                         active=True).annotate(
        taken=Exists(Redemption.objects.filter(reward=OuterRef("pk"), person=person))))
    return {"person": person, "balance": account.balance if account else 0,
            "earned": account.earned if account else 0, "entries": entries, "rewards": rewards,
            "redeemed": {r.pk for r in rewards if r.taken}}


def rules_all() -> list[PointRule]:
    return list(PointRule.objects.all())


def rewards_in_scope(*, user):
    return (Reward.objects.filter(scope_q(user, "node")).select_related("node").order_by("node__path", "cost"))


def redemptions_in_scope(*, user, limit: int = 100):
    return (Redemption.objects.filter(scope_q(user, "reward__node")).select_related("reward", "person")
            .order_by("handed_over", "-at")[:limit])


def month_window(month: str):
    """'2026-03' → [start, end) in the site's time zone; the current month when `month` is bad."""
    tz = ZoneInfo(settings.TIME_ZONE)
    try:
        y, m = (int(x) for x in month.split("-"))
        start = dt.datetime(y, m, 1, tzinfo=tz)
    except (ValueError, AttributeError):
        today = timezone.localdate()
        y, m = today.year, today.month
        start = dt.datetime(y, m, 1, tzinfo=tz)
    end = dt.datetime(y + m // 12, m % 12 + 1, 1, tzinfo=tz)
    return start, end, f"{y}-{m:02d}"


def unit_digest(*, unit, month: str) -> dict:
    """事事有回应: the unit's month for its public board — matters received, settled and how,
    answered (fed back); titles and results only through redact_text (no names or numbers)."""
    start, end, key = month_window(month)
    received = Case.objects.filter(unit=unit, filed_at__gte=start, filed_at__lt=end).exclude(status="merged")
    settled = Case.objects.filter(unit=unit, resolved_at__gte=start, resolved_at__lt=end).annotate(
        by_council=Exists(Resolution.objects.filter(topic__case=OuterRef("pk"))))
    counts = settled.aggregate(
        total=Count("pk"), on_spot=Count("pk", filter=Q(resolved_on_spot=True)),
        tier1=Count("pk", filter=Q(settled_tier=1)), tier2=Count("pk", filter=Q(settled_tier=2)),
        tier3=Count("pk", filter=Q(settled_tier__gte=3)), council=Count("pk", filter=Q(by_council=True)))
    answered = CaseEvent.objects.filter(case__unit=unit, action="feed_back", at__gte=start, at__lt=end).values(
        "case_id").distinct().count()
    rows = [{"title": redact_text(c.title), "result": redact_text(c.result or ""), "on_spot": c.resolved_on_spot,
             "council": c.by_council, "tier": c.settled_tier} for c in settled.order_by("resolved_at")[:100]]
    return {"month": key, "received": received.count(), "settled": counts, "answered": answered, "rows": rows,
            "notices": list(PublicNotice.objects.filter(unit=unit, at__gte=start, at__lt=end)[:50])}
