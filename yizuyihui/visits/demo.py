"""A year of 三必访 visits, 六必到 events and 六必报 reports in the demo city, made through the
services (bulk ones where a year of visits would otherwise take minutes)."""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Count
from django.utils import timezone

from yizuyihui.org.models import Unit
from yizuyihui.people.models import Household, Post
from yizuyihui.visits import services
from yizuyihui.visits.models import Duty, EventType, PlannedVisit, ReportType

# Share of past slots that were visited, by category: special people are the hardest to keep up.
DONE_SHARE = {"ordinary": 0.9, "key": 0.85, "special": 0.78}
EVENT_TEXTS = {
    EventType.FAMILY_MISFORTUNE: ["独居老人突发疾病住院", "家中老人去世，子女在外"],
    EventType.SUDDEN_HARDSHIP: ["家中主要劳动力受伤失业", "房屋漏雨无法居住"],
    EventType.COMMUNITY_EMERGENCY: ["小区停水停电", "暴雨导致地下车库进水"],
    EventType.NEIGHBOUR_DISPUTE: ["楼上楼下因漏水争执", "两户因宅基地边界发生纠纷"],
    EventType.GROUP_CONFLICT: ["业主与物业因收费发生冲突", "村民对征地补偿有意见聚集"],
    EventType.PUBLIC_SECURITY: ["电动车被盗", "夜间有人撬门入室"],
}
REPORT_TEXTS = {
    ReportType.DAMAGED_FACILITY: ["小区路灯损坏", "健身器材断裂", "井盖缺失"],
    ReportType.SAFETY_HAZARD: ["楼道内电动车充电", "消防通道被占用", "老旧电线裸露"],
    ReportType.OUTSIDER_INFLOW: ["新迁入务工人员"],
    ReportType.RENTAL: ["房屋出租给外来务工人员"],
    ReportType.NEW_PREGNANCY: ["新婚家庭新增孕妇"],
    ReportType.INSTABILITY: ["有人因拆迁补偿扬言上访", "某户家庭矛盾激化可能引发极端行为"],
}


def generate(*, seed: int, progress) -> dict[str, int]:
    rng = random.Random(seed + 4)
    today = timezone.localdate()
    start = today - dt.timedelta(days=365)
    planned = services.schedule_generate(under=None, start=start, end=today + dt.timedelta(days=services.HORIZON_DAYS))
    progress("visit schedule", planned)

    # Units where people have accounts get visitors and the live activity; the rest get history.
    staffed = list(Unit.objects.filter(node__posts__active=True).distinct().select_related("node"))
    # The unit's grid worker is its main visitor: every other household (the special and key
    # ones first), the rest spread over the members with accounts. One of the grid worker's
    # households is behind, and their current-period visits are still to do (the "mine" tab).
    grid_households: dict[int, list[int]] = {}
    for unit in staffed:
        workers = list(services.visitors_for_unit(unit).filter(posts__active=True, posts__node=unit.node,
                                                               posts__role="grid_worker"))
        if workers:
            households = sorted(unit.household_set.all(), key=lambda h: (h.category == "ordinary", h.pk))[::2]
            services.visitor_assign(households=households, visitor=workers[0])
            grid_households[unit.pk] = [h.pk for h in households]
        services.visitor_assign_round_robin(unit=unit)
    behind = {pks[0] for pks in grid_households.values() if pks}
    keep_open = {pk for pks in grid_households.values() for pk in pks}

    done = 0
    past = PlannedVisit.objects.filter(due__lt=today, visit__isnull=True).select_related("household").order_by("pk")
    batch = []
    for slot in past.iterator(chunk_size=5000):
        if slot.household_id in behind and (today - slot.due).days < 190:
            continue  # the last period's visit was missed: overdue on the grid worker's list
        if rng.random() < DONE_SHARE.get(slot.category, 0.85):
            days = (slot.due - slot.period_start).days
            day = slot.period_start + dt.timedelta(days=rng.randint(0, days))
            at = timezone.make_aware(dt.datetime.combine(day, dt.time(rng.randint(8, 18), rng.randint(0, 59))))
            batch.append((slot, at))
        if len(batch) >= 5000:
            done += services.visits_bulk_record(rows=batch, note="入户走访，情况正常")
            progress("visits", len(batch))
            batch = []
    if batch:
        done += services.visits_bulk_record(rows=batch, note="入户走访，情况正常")
        progress("visits", len(batch))

    # Live visits with findings in the staffed units, through the one-screen service.
    findings = 0
    for unit in staffed:
        visitors = list(services.visitors_for_unit(unit))
        if not visitors:
            continue
        households = list(Household.objects.filter(unit=unit).select_related("visitor_assignment__visitor")
                          .order_by("pk"))
        households = [h for h in households if h.pk not in keep_open] + [h for h in households if h.pk in keep_open][1:2]
        for household in rng.sample(households, min(8, len(households))):
            assigned = getattr(household, "visitor_assignment", None)
            visitor = assigned.visitor if assigned is not None else visitors[0]
            text = rng.choice(["楼道灯不亮", "老人需要助餐服务", "下水道堵塞", ""])
            services.visit_log(household=household, actor=visitor, note="走访了解近况", findings=[text] if text else [],
                               file_findings=bool(text) and rng.random() < 0.5)
            findings += bool(text)

    units = list(Unit.objects.annotate(n=Count("household_set")).filter(n__gt=0).select_related("node"))
    events = 0
    for i in range(min(240, 20 * len(units))):
        unit = staffed[i % len(staffed)] if staffed and i % 4 == 0 else rng.choice(units)
        event_type = rng.choice(list(EventType))
        at = timezone.now() - dt.timedelta(days=rng.randint(0, 364), hours=rng.randint(0, 23))
        event = services.event_register(unit=unit, event_type=event_type, actor=None, at=at,
                                        description=rng.choice(EVENT_TEXTS[event_type]),
                                        file_matter=event_type in (EventType.NEIGHBOUR_DISPUTE, EventType.GROUP_CONFLICT))
        for duty in event.duties.all():
            if rng.random() < 0.9:
                window = (duty.due_at - at).total_seconds() / 60
                services.duty_check_in(duty=duty, actor=duty.assignee,
                                       at=at + dt.timedelta(minutes=rng.uniform(0.1, 1.15) * window))
        events += 1
    escalated = services.duty_sweep()
    progress("events", events)

    reports = 0
    weights = [(ReportType.DAMAGED_FACILITY, 5), (ReportType.SAFETY_HAZARD, 3), (ReportType.OUTSIDER_INFLOW, 4),
               (ReportType.RENTAL, 4), (ReportType.NEW_PREGNANCY, 2), (ReportType.INSTABILITY, 1)]
    kinds = [k for k, w in weights for _ in range(w)]
    for _ in range(min(300, 25 * len(units))):
        unit = rng.choice(units)
        kind = rng.choice(kinds)
        in_unit = Household.objects.filter(unit=unit).order_by("pk")
        household = in_unit[rng.randrange(unit.n)]  # units with households only
        at = timezone.now() - dt.timedelta(days=rng.randint(0, 364), hours=rng.randint(0, 23))
        services.report_file(unit=unit, report_type=kind, actor=None, at=at, description=rng.choice(REPORT_TEXTS[kind]),
                             household=household, person_name=rng.choice("王李张刘陈杨") + rng.choice("伟芳娜敏强磊"),
                             gender=rng.choice("MF"), came_from=rng.choice(["安徽阜阳", "河南周口", "江苏徐州"]),
                             tenants=rng.randint(1, 4), since=timezone.localdate(at))
        reports += 1
    progress("reports", reports)
    return {"planned_visits": planned, "visits": done + findings, "events": events, "duties": Duty.objects.count(),
            "escalated": escalated, "reports": reports, "staffed_units": len(staffed),
            "posts": Post.objects.count()}
