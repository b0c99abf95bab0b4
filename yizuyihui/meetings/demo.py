"""Half a year of deliberation in the demo city, made through the meetings services.

A sample of units (and every unit where people have accounts) each run a Party-group pre-meeting
and a council meeting with "+" members; resolutions become actions, most carried out, some late
(the sweep opens supervision), a few reconvened. Units with accounts also put real matters on the
agenda, so the closed loop shows meetings moving them. About sixty meetings (each unit costs
~100 ORM queries through the services): about 4 s on the demo city.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from yizuyihui.demo import names
from yizuyihui.meetings import services
from yizuyihui.meetings.models import Decision, MeetingKind, PlaceKind
from yizuyihui.org.models import Unit
from yizuyihui.people.models import Body, Membership

SAMPLE_UNITS = 30
URBAN_TOPICS = [
    ("楼道堆放杂物，存在消防隐患", "清理楼道杂物，设置临时存放点", "物业牵头，楼栋长逐户通知"),
    ("小区停车难，车辆乱停占用消防通道", "划定夜间临时车位，消防通道禁停", "物业施划车位，民警加强巡查"),
    ("老旧小区加装电梯费用分摊", "按楼层分摊，一楼免缴，申请政府补贴", "社区协助申报补贴"),
    ("广场舞音量扰民", "限定时段和音量，改用蓝牙耳机", "志愿者劝导，一个月后回访"),
    ("垃圾分类投放点设置", "增设两处投放点，定时督导", "网格员排班督导"),
    ("楼顶渗水，公共维修资金使用", "启用维修资金，业委会公示", "物业组织施工"),
]
RURAL_TOPICS = [
    ("村组道路破损，雨天难行", "村民投工投劳，村集体出材料修路", "组长负责，外出乡贤捐资"),
    ("灌溉水渠堵塞", "组织清淤，按田亩分工", "种粮大户牵头"),
    ("宅基地边界纠纷", "依法丈量，法律明白人调解", "请镇司法所到场"),
    ("文化广场路灯不亮", "申报一事一议项目，先行临时照明", "村委会申报"),
    ("农产品销路不畅", "对接外出乡贤开展直播带货", "合作社牵头"),
    ("独居老人照料", "结对帮扶，每周上门", "志愿服务队排班"),
]
DIRECTIONS = ["依法依规，先听群众意见，兼顾各方利益", "优先解决安全隐患，费用公开透明", "党员带头，群众自愿，不搞一刀切"]
VIEWS = ["同意方案，希望尽快落实", "费用要公开，按户公示", "老人行动不便，要照顾到", "可以配合，但需要时间准备",
         "建议先试行一个月再定"]
PLUS = [("police", "社区民警"), ("lawyer", "法律明白人"), ("property_rep", "物业经理"), ("official", "下沉干部"),
        ("volunteer", "志愿者"), ("resident", "相关居民")]


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _run_unit(unit: Unit, rng: random.Random, today: dt.date, seats: dict, counts: dict, cases=()) -> None:
    group, council = seats.get((unit.pk, Body.PARTY_GROUP), []), seats.get((unit.pk, Body.COUNCIL), [])
    if not group or not council:
        return
    pool = RURAL_TOPICS if unit.kind == "rural" else URBAN_TOPICS
    picked = rng.sample(pool, 2)
    # Matters filed last week are deliberated now; the sampled history spreads over half a year.
    day = today - dt.timedelta(days=5 if cases else rng.randint(3, 180))
    pre_at, council_at = _at(day, 9), _at(day + dt.timedelta(days=rng.randint(1, 4)), 19)
    topics = [services.topic_propose(unit=unit, actor=None, title=t[0], now=pre_at - dt.timedelta(days=3))
              for t in picked]
    topics += [services.topic_from_case(case=case, actor=None, now=pre_at - dt.timedelta(days=1)) for case in cases]
    pre = services.meeting_convene(unit=unit, actor=None, kind=MeetingKind.PARTY_GROUP, scheduled_at=pre_at,
                                   place_kind=PlaceKind.SERVICE_CENTRE, topics=topics, now=pre_at - dt.timedelta(days=2),
                                   notify_members=False)
    seat_ids = list(pre.participants.values_list("pk", flat=True))
    services.meeting_hold(meeting=pre, actor=None, attended=[s for s in seat_ids if rng.random() < 0.9] or seat_ids,
                          held_at=pre_at, now=pre_at)
    kept = []
    for rank, topic in enumerate(topics, start=1):
        take_up = rank == 1 or rng.random() < 0.85
        services.topic_consider(meeting=pre, actor=None, topic=topic, rank=rank, direction=rng.choice(DIRECTIONS),
                                take_up=take_up, now=pre_at)
        if take_up:
            kept.append(topic)
    place_kind = PlaceKind.CULTURE_SQUARE if unit.kind == "rural" else rng.choice(
        [PlaceKind.PROPERTY_OFFICE, PlaceKind.RESIDENT_HOME, PlaceKind.STAIRWELL])
    meeting = services.meeting_convene(unit=unit, actor=None, kind=MeetingKind.COUNCIL, scheduled_at=council_at,
                                       place_kind=place_kind, topics=kept, now=pre_at, notify_members=False)
    for identity, label in rng.sample(PLUS, rng.randint(1, 3)):
        name = f"{names.person_name(rng, rng.choice('MF'))}（{label}）"
        services.plus_member_invite(meeting=meeting, actor=None, identity=identity, name=name, now=pre_at)
    seat_ids = list(meeting.participants.values_list("pk", flat=True))
    present = [s for s in seat_ids if rng.random() < 0.85] or seat_ids
    services.meeting_hold(meeting=meeting, actor=None, attended=present, held_at=council_at, now=council_at)
    speakers = list(meeting.participants.filter(attended=True))
    by_title = {t[0]: t for t in pool}
    for item in meeting.items.select_related("topic", "meeting"):
        for speaker in rng.sample(speakers, min(len(speakers), 2)):
            services.opinion_record(item=item, actor=None, participant=speaker, text=rng.choice(VIEWS), now=council_at)
        _, solution, how = by_title.get(item.topic.title, (None, "由党小组牵头、理事会协调解决", "限期办结"))
        vote = rng.random() < 0.4
        n = len(present)
        votes = (n - rng.randint(0, max(0, n // 3)), 0, 0) if vote else (0, 0, 0)
        if vote:
            against = rng.randint(0, n - votes[0])
            votes = (votes[0], against, n - votes[0] - against)
        owners = rng.sample(council, min(2, len(council)))
        if item.topic.case_id:
            # Members with accounts can take the matter as handlers (派单 needs a user).
            owners = sorted(council, key=lambda p: p.user_id is None)[:2]
        actions = [services.ActionSpec(title=f"{how}（{k + 1}）", owner=owner,
                                       due=council_at.date() + dt.timedelta(days=rng.choice([7, 14, 30])))
                   for k, owner in enumerate(owners)]
        resolution = services.resolution_adopt(
            item=item, actor=None, text=solution, decided_by=Decision.VOTE if vote else Decision.CONSENSUS,
            votes_for=votes[0], votes_against=votes[1], votes_abstain=votes[2], actions=actions, now=council_at)
        counts["resolutions"] += 1
        for action in resolution.actions.all():
            finish = action.due + dt.timedelta(days=rng.randint(-6, 5))
            if finish < today and rng.random() < 0.85:
                services.action_complete(action=action, actor=None, note="已按决议完成", now=_at(max(finish, council_at.date()), 17))
                counts["actions_done"] += 1
    services.minutes_record(meeting=meeting, actor=None, now=council_at,
                            minutes=f"会议在{meeting.get_place_kind_display()}召开，党小组组长主持，"
                                    f"到会{len(present)}人，各方充分发表意见，逐项形成决议。")
    counts["meetings"] += 2
    # Accountability: now and then the council reconvenes over late actions.
    if rng.random() < 0.08 and meeting.resolutions.filter(actions__status="open").exists():
        services.meeting_reconvene(original=meeting, actor=None, scheduled_at=_at(today + dt.timedelta(days=3), 19),
                                   place_kind=place_kind, reason="决议落实滞后，重新协商问责", now=_at(today, 9))
        counts["meetings"] += 1


def _next_meeting(unit: Unit, rng: random.Random, today: dt.date, counts: dict) -> None:
    """What the unit's leader has coming: topics proposed this week and the Party group's
    pre-meeting called for them, convened by the leader's own account."""
    from yizuyihui.people.models import Post, Role

    post = Post.objects.filter(active=True, role=Role.UNIT_LEADER, node=unit.node).select_related("user").first()
    if post is None:
        return
    leader = post.user
    pool = RURAL_TOPICS if unit.kind == "rural" else URBAN_TOPICS
    topics = [services.topic_propose(unit=unit, actor=leader, title=t[0], description="成员收集的群众意见",
                                     now=_at(today - dt.timedelta(days=k + 1), 10))
              for k, t in enumerate(rng.sample(pool, 2))]
    services.meeting_convene(unit=unit, actor=leader, kind=MeetingKind.PARTY_GROUP,
                             scheduled_at=_at(today + dt.timedelta(days=2), 9), place_kind=PlaceKind.SERVICE_CENTRE,
                             topics=topics, now=_at(today, 8), notify_members=False)
    counts["meetings"] += 1


def generate(*, seed: int, progress) -> dict[str, int]:
    from yizuyihui.cases.services import case_file

    rng = random.Random(seed + 6)
    today = timezone.localdate()
    counts = {"meetings": 0, "resolutions": 0, "actions_done": 0}
    staffed = list(Unit.objects.filter(node__posts__active=True).distinct().select_related("node"))
    sample = list(Unit.objects.select_related("node").order_by("node__path"))
    sample = rng.sample(sample, min(SAMPLE_UNITS, len(sample))) if sample else []
    units = {u.pk: u for u in [*staffed, *sample]}
    seats: dict = {}
    for unit_id, body, person in (Membership.objects.filter(unit_id__in=units, ended__isnull=True)
                                  .exclude(body=Body.PLUS).select_related("person")
                                  .order_by("unit_id", "-role", "pk").values_list("unit_id", "body", "person")):
        seats.setdefault((unit_id, body), []).append(person)
    from yizuyihui.people.models import Person

    people = Person.objects.in_bulk({p for v in seats.values() for p in v})
    seats = {k: [people[p] for p in v] for k, v in seats.items()}
    with transaction.atomic():
        for unit in units.values():
            cases = []
            if unit.pk in {u.pk for u in staffed}:
                # Matters that couldn't be settled at once go on the agenda (议单) and move on by resolution.
                cases = [case_file(unit=unit, actor=None, title=title, description="居民反映，需要议事协商",
                                   channel="walk_in", suggest=False, now=_at(today - dt.timedelta(days=8), 10))
                         for title in ("小区东门雨后积水", "楼下烧烤店油烟扰民")]
            _run_unit(unit, rng, today, seats, counts, cases=cases)
            if cases:
                _next_meeting(unit, rng, today, counts)
        counts["overdue_flagged"] = services.sweep_overdue_actions()["flagged"]
    progress("meetings", counts["meetings"])
    return counts
