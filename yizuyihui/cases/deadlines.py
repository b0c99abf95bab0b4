"""Working-day calendar and deadline arithmetic (DOMAIN §4 "pressure transmission").

China's calendar is Monday–Friday plus exceptions: public holidays on weekdays and make-up
working days (调休) on weekends. The exceptions live in `WorkingDay` (seeded from the
`chinesecalendar` package, editable), so a new year's schedule is data, not a release.
Visits and meetings reuse `add_working_time` for their own deadlines.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

from django.utils import timezone

_cache_lock = threading.Lock()
# Per-process caches of small, rarely edited tables (calendar exceptions, policies, categories).
# An edit in this process clears them at once (signals in cases.apps); other processes (gunicorn
# workers, the huey consumer) reload within CACHE_SECONDS.
CACHE_SECONDS = 60.0
_exceptions: dict[dt.date, bool] | None = None
_exceptions_at = 0.0
_policies: list | None = None
_policies_at = 0.0
_categories: dict | None = None
_categories_at = 0.0


def calendar_reset_cache() -> None:
    """Forget the cached calendar, policies and taxonomy (called after the tables change)."""
    global _exceptions, _policies, _categories
    with _cache_lock:
        _exceptions = _policies = _categories = None


def _fresh(at: float) -> bool:
    return time.monotonic() - at < CACHE_SECONDS


def _calendar() -> dict[dt.date, bool]:
    global _exceptions, _exceptions_at
    cached = _exceptions
    if cached is None or not _fresh(_exceptions_at):
        from yizuyihui.cases.models import WorkingDay

        cached = dict(WorkingDay.objects.values_list("date", "is_working"))
        with _cache_lock:
            _exceptions, _exceptions_at = cached, time.monotonic()
    return cached


def _policy_rows() -> list:
    global _policies, _policies_at
    cached = _policies
    if cached is None or not _fresh(_policies_at):
        from yizuyihui.cases.models import DeadlinePolicy

        cached = list(DeadlinePolicy.objects.order_by("pk"))
        with _cache_lock:
            _policies, _policies_at = cached, time.monotonic()
    return cached


def categories() -> dict:
    """{"parent": {pk: parent_pk}, "by_name": {name: Category (lowest level)}, "by_pk": {pk: Category}}."""
    global _categories, _categories_at
    cached = _categories
    if cached is None or not _fresh(_categories_at):
        from yizuyihui.cases.models import Category

        rows = list(Category.objects.order_by("-level", "-pk"))
        cached = {"parent": {c.pk: c.parent_id for c in rows}, "by_pk": {c.pk: c for c in rows},
                  "by_name": {c.name: c for c in rows}}  # later (lower level, then lower pk) wins
        with _cache_lock:
            _categories, _categories_at = cached, time.monotonic()
    return cached


def is_working_day(day: dt.date) -> bool:
    exception = _calendar().get(day)
    if exception is not None:
        return exception
    return day.weekday() < 5


def calendar_seed(*, years: range | None = None) -> int:
    """Write the official holidays and make-up days known to `chinesecalendar` for `years`.
    Rows already present (possibly edited by an administrator) are left alone. Returns rows added."""
    import chinese_calendar

    from yizuyihui.cases.models import WorkingDay

    years = years or range(2020, timezone.now().year + 2)
    existing = set(WorkingDay.objects.values_list("date", flat=True))
    rows = []
    for year in years:
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        try:
            holidays = chinese_calendar.get_holidays(start, end, include_weekends=False)
            workdays = chinese_calendar.get_workdays(start, end, include_weekends=True)
        except NotImplementedError:  # the package does not know this year yet
            continue
        for day in holidays:
            if day not in existing:
                _ok, name = chinese_calendar.get_holiday_detail(day)
                rows.append(WorkingDay(date=day, is_working=False, note=name or ""))
        for day in workdays:
            if day.weekday() >= 5 and day not in existing:
                _ok, name = chinese_calendar.get_holiday_detail(day)
                rows.append(WorkingDay(date=day, is_working=True, note=f"调休 {name or ''}".strip()))
    WorkingDay.objects.bulk_create(rows, ignore_conflicts=True)
    calendar_reset_cache()
    return len(rows)


def add_working_time(start: dt.datetime, *, hours: float = 0, working_days: float = 0) -> dt.datetime:
    """`start` moved forward by `working_days` whole working days and then `hours` of working-day
    time. Non-working days do not count: 24 hours from Friday 10:00 is Monday 10:00, and across
    National Day the clock stops until the first working day after it.

    Works in local time (Asia/Shanghai) so days are the residents' days.
    """
    tz = timezone.get_current_timezone()
    local = timezone.localtime(start, tz) if timezone.is_aware(start) else start.replace(tzinfo=tz)
    remaining = dt.timedelta(days=working_days) + dt.timedelta(hours=hours)
    cursor = local
    # If we start on a non-working day, the clock starts at the next working day's midnight.
    while not is_working_day(cursor.date()):
        cursor = dt.datetime.combine(cursor.date() + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    while remaining > dt.timedelta(0):
        day_end = dt.datetime.combine(cursor.date() + dt.timedelta(days=1), dt.time(), tzinfo=tz)
        available = day_end - cursor
        if remaining <= available:
            cursor = cursor + remaining
            break
        remaining -= available
        cursor = day_end
        while not is_working_day(cursor.date()):
            cursor = cursor + dt.timedelta(days=1)
    return cursor


def working_time_between(start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """Working-day time between two instants (used to pause a suspended matter's clock)."""
    if end <= start:
        return dt.timedelta(0)
    tz = timezone.get_current_timezone()
    cursor = timezone.localtime(start, tz)
    end = timezone.localtime(end, tz)
    total = dt.timedelta(0)
    while cursor < end:
        day_end = dt.datetime.combine(cursor.date() + dt.timedelta(days=1), dt.time(), tzinfo=tz)
        step_end = min(day_end, end)
        if is_working_day(cursor.date()):
            total += step_end - cursor
        cursor = step_end
    return total


# --- policy -------------------------------------------------------------------------------------------
# Issue 3 defaults: urgent — respond 2 h, resolve 1 day (wall clock); ordinary — respond 24 h,
# resolve 5 working days; complex — resolve 15 working days. Urgent mode halves them all.
DEFAULT_POLICIES = [
    # urgency, respond_hours, resolve_hours, resolve_working_days, working_time
    ("urgent", 2, 24, 0, False),
    ("normal", 24, 0, 5, True),
    ("complex", 24, 0, 15, True),
]


def policy_seed(*, model=None) -> int:
    """The default rows (idempotent). `model` is the migration's historical model: the seeding
    migration runs before later columns exist, so only the fields that model has are set."""
    if model is None:
        from yizuyihui.cases.models import DeadlinePolicy as model
    has = {f.name for f in model._meta.get_fields()}
    created = 0
    for urgency, respond, resolve_h, resolve_d, working in DEFAULT_POLICIES:
        for mode, factor in (("calm", 1), ("urgent", 0.5)):
            defaults = {"respond_hours": respond * factor, "resolve_hours": resolve_h * factor,
                        "resolve_working_days": resolve_d * factor, "working_time": working}
            if "agenda_pauses_clock" in has:
                defaults["agenda_pauses_clock"] = urgency != "urgent"
            _obj, was_created = model.objects.get_or_create(
                category=None, tier=None, urgency=urgency, mode=mode, defaults=defaults)
            created += was_created
    return created


def policy_for(*, category, tier: int, urgency: str, mode: str):
    """The most specific policy row: category (or its ancestors) + tier, category, tier, generic.
    Reads the per-process cached table: no query."""
    all_rows = _policy_rows()
    rows = [p for p in all_rows if p.urgency == urgency and p.mode == mode]
    if not rows and mode != "calm":
        rows = [p for p in all_rows if p.urgency == urgency and p.mode == "calm"]
    if not rows:
        return None
    cats = []
    if category is not None:
        parents = categories()["parent"]
        pk = category.pk if hasattr(category, "pk") else category
        if pk not in parents:  # created meanwhile in another process
            calendar_reset_cache()
            parents = categories()["parent"]
        seen = set()
        while pk is not None and pk not in seen:
            seen.add(pk)
            cats.append(pk)
            pk = parents.get(pk)

    def rank(p):
        cat_rank = cats.index(p.category_id) if p.category_id in cats else (len(cats) if p.category_id is None else None)
        tier_rank = 0 if p.tier == tier else (1 if p.tier is None else None)
        if cat_rank is None or tier_rank is None:
            return None
        return (cat_rank, tier_rank)

    ranked = sorted((r, p.pk, p) for p in rows if (r := rank(p)) is not None)
    return ranked[0][2] if ranked else None


def due_dates(*, start: dt.datetime, category, tier: int, urgency: str, mode: str) -> tuple[dt.datetime, dt.datetime]:
    """(respond_due, resolve_due) for a matter starting now at this tier."""
    policy = policy_for(category=category, tier=tier, urgency=urgency, mode=mode)
    if policy is None:  # no table yet (fresh database before seeding): the defaults
        respond_h, resolve_h, resolve_d, working = {"urgent": (2, 24, 0, False), "complex": (24, 0, 15, True)}.get(
            urgency, (24, 0, 5, True))
        if mode == "urgent":
            respond_h, resolve_h, resolve_d = respond_h / 2, resolve_h / 2, resolve_d / 2
    else:
        respond_h, resolve_h, resolve_d, working = (policy.respond_hours, policy.resolve_hours,
                                                    policy.resolve_working_days, policy.working_time)
    if working:
        respond = add_working_time(start, hours=respond_h)
        resolve = add_working_time(start, hours=resolve_h, working_days=resolve_d)
    else:
        respond = start + dt.timedelta(hours=respond_h)
        resolve = start + dt.timedelta(hours=resolve_h, days=resolve_d)
    return respond, resolve


def auto_escalates(*, case) -> bool:
    from yizuyihui.cases.models import Category  # noqa: F401  (keeps import graph obvious)

    policy = policy_for(category=case.category, tier=case.tier, urgency=case.urgency, mode=case.mode)
    return True if policy is None else policy.auto_escalate


def agenda_pauses_clock(*, case) -> bool:
    """Whether time on the council's agenda (议单 → meeting) counts toward this matter's deadline
    is its deadline policy's (`DeadlinePolicy.agenda_pauses_clock`): by default it does not count,
    because the meeting's resolution sets the deadline when it dispatches; the seeded urgent rows
    count it. Without a policy table, urgent matters count it and others don't."""
    policy = policy_for(category=case.category_id, tier=case.tier, urgency=case.urgency, mode=case.mode)
    return case.urgency != "urgent" if policy is None else policy.agenda_pauses_clock


def agenda_pausing_urgencies() -> set[str]:
    """The urgencies whose every policy row (any category, tier, mode) pauses the clock on the
    agenda: the sweep leaves those matters out in SQL and asks the policy for the rest."""
    from yizuyihui.cases.models import Urgency

    rows = _policy_rows()
    return {u for u in Urgency.values
            if all(p.agenda_pauses_clock for p in rows if p.urgency == u)
            and (any(p.urgency == u for p in rows) or u != "urgent")}
