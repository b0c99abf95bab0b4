"""A year of matters in the demo city, made through the services with past `now=` values.

Texts are real residents' messages and official replies (2020 TipDM Cup data, a sample in
data/messages_sample.csv). Most matters sit in the street of the demo logins so every page shows
content; the rest spread over the city. Staff steps in units without demo logins are taken by
the system (actor None) and handled by the city administrator.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone

from yizuyihui.accounts.roles import HANDLER_ROLES
from yizuyihui.cases import services as s
from yizuyihui.cases.models import Category
from yizuyihui.core.plugins import provider_call
from yizuyihui.org.models import Unit
from yizuyihui.people.models import Person, Post, Role

DATA = Path(__file__).parent / "data" / "messages_sample.csv"


def _texts() -> list[dict]:
    """The sample messages, each with the category its text has (the routing model's choice; the
    sample carries no labels): demo matters are filed under that category."""
    with open(DATA, encoding="utf-8") as fh:
        texts = list(csv.DictReader(fh))
    # Asked through a hook (answered by triage, which sits above cases); without it the draw stays.
    categories = provider_call("categorise_texts", [f"{t['title']}\n{t['detail']}" for t in texts])
    for text, category in zip(texts, categories or [None] * len(texts), strict=True):
        text["category"] = category
    return texts


def _category(rng: random.Random, text: dict, tops: list):
    """The text's own category; the random draw is kept so the rest of the demo stays as it was."""
    drawn = rng.choice(tops) if tops else None
    return text.get("category") or drawn


def _handlers_for(unit: Unit, posts: list[Post], fallback) -> list:
    users = [p.user for p in posts if unit.node.path.startswith(p.node.path) and p.role in HANDLER_ROLES]
    return users or [fallback]


def generate(*, seed: int, progress, matters: int = 1200) -> dict[str, int]:
    from yizuyihui.notifications.services import notifications_muted

    with notifications_muted():
        return _generate(seed=seed, progress=progress, matters=matters)


def _generate(*, seed: int, progress, matters: int) -> dict[str, int]:
    rng = random.Random(seed + 3)
    texts = _texts()
    User = get_user_model()
    admin = User.objects.filter(is_superuser=True).first() or User.objects.filter(posts__role=Role.CITY_ADMIN).first()
    if admin is None:
        return {"matters": 0}
    posts = list(Post.objects.filter(active=True).exclude(role=Role.RESIDENT).select_related("node", "user"))
    focus_paths = {p.node.path for p in posts if p.role in (Role.UNIT_LEADER, Role.GRID_WORKER)}
    units = list(Unit.objects.select_related("node").order_by("pk"))
    focus = [u for u in units if any(u.node.path.startswith(fp[:12]) for fp in focus_paths)] or units
    persons: dict[int, list] = {}
    for pk, unit_id in Person.objects.filter(node__unit__isnull=False).values_list("pk", "node__unit")[:50_000]:
        persons.setdefault(unit_id, []).append(pk)
    tops = list(Category.objects.filter(level=2))
    now = timezone.now()
    made = {"matters": 0, "closed": 0, "open": 0, "tier2": 0, "tier3": 0, "on_spot": 0, "reopened": 0}
    for i in range(matters):
        unit = rng.choice(focus) if rng.random() < 0.6 else rng.choice(units)
        text = rng.choice(texts)
        filed = now - dt.timedelta(days=rng.uniform(0, 365), minutes=rng.randint(0, 600))
        reporter_pk = rng.choice(persons[unit.pk]) if persons.get(unit.pk) else None
        reporter = Person.objects.filter(pk=reporter_pk).first() if reporter_pk else None
        urgency = rng.choices(["normal", "urgent", "complex"], [80, 8, 12])[0]
        channel = rng.choices(["web", "visit", "phone", "walk_in", "api"], [45, 25, 15, 10, 5])[0]
        case = s.case_file(unit=unit, actor=None, title=text["title"], description=text["detail"], channel=channel,
                           urgency=urgency, category=_category(rng, text, tops), reporter=reporter,
                           place=unit.name, origin="visit" if channel == "visit" else "resident", now=filed,
                           suggest=False)
        made["matters"] += 1
        age_days = (now - filed).days
        t = filed + dt.timedelta(hours=rng.uniform(0.2, 30))
        handlers = _handlers_for(unit, posts, admin)
        if age_days < 3 and rng.random() < 0.5:
            made["open"] += 1
            continue  # still waiting for reception
        if urgency == "normal" and rng.random() < 0.3:
            s.case_resolve_on_spot(case=case, actor=None, note=text["reply"][:200] or "现场解决", now=t)
            made["on_spot"] += 1
        else:
            s.case_receive(case=case, actor=None, now=t)
            tier_roll = rng.random()
            for target in (2, 3):
                if (target == 2 and tier_roll < 0.25) or (target == 3 and tier_roll < 0.07):
                    t += dt.timedelta(hours=rng.uniform(2, 48))
                    s.case_escalate(case=case, actor=None, reason="涉及多方，需上级协调", now=t)
                    made[f"tier{target}"] += 1
            t += dt.timedelta(hours=rng.uniform(0.5, 24))
            handler = rng.choice(handlers)
            s.case_dispatch(case=case, actor=None, handlers=[handler], now=t)
            t += dt.timedelta(hours=rng.uniform(0.2, 12))
            s.case_claim(case=case, actor=handler, now=t)
            if age_days < 10 and rng.random() < 0.6:
                made["open"] += 1
                continue  # in hand now
            t += dt.timedelta(hours=rng.uniform(1, 48))
            s.case_progress(case=case, actor=handler, note="已到现场查看，正在协调处理", now=t)
            t += dt.timedelta(days=rng.expovariate(1 / (3 if urgency != "complex" else 9)))
            if t >= now:
                made["open"] += 1
                continue
            s.case_resolve(case=case, actor=handler, result=text["reply"][:500] or "已办结", now=t)
        t += dt.timedelta(hours=rng.uniform(1, 24))
        if t >= now:
            continue
        s.case_feed_back(case=case, actor=None, feedback=text["reply"][:300] or "已向居民反馈", now=t)
        t += dt.timedelta(hours=rng.uniform(1, 72))
        if t >= now or rng.random() < 0.12:
            continue  # not rated (yet)
        rating = rng.choices(["satisfied", "basic", "dissatisfied"], [75, 17, 8])[0]
        s.case_rate(case=case, actor=None, rating=rating, now=t)
        if rating == "dissatisfied":
            made["reopened"] += 1
        else:
            made["closed"] += 1
        if i % 100 == 0:
            progress("matters", 100)
    made["logins"] = _seed_logins(rng=rng, texts=texts, tops=tops, now=now)
    sweep = s.sweep_overdue(now=now)
    made["supervised"] = sweep["respond_overdue"] + sweep["resolve_overdue"]
    return made


LOGINS = {k: k for k in ("leader", "grid", "council", "building", "resident", "cadre", "handler", "village")}


def _seed_logins(*, rng: random.Random, texts: list[dict], tops: list, now: dt.datetime, logins=None) -> int:
    """Matters in the demo accounts' own worklists, taken step by step by those accounts: the
    resident's own matters (one closed with a rating, one waiting for it), 收单/议单 for the
    leaders, matters to claim and in hand for the grid worker, council, building head and the
    district department, one overdue reception for 督办. Without the demo accounts: nothing."""
    logins = logins or LOGINS  # role in the demo → username
    by_name = {u.username: u for u in get_user_model().objects.filter(username__in=logins.values()).select_related("person")}
    users = {k: by_name[v] for k, v in logins.items() if v in by_name}
    leader = users.get("leader")
    if leader is None or not {"grid", "council", "building", "resident"} <= users.keys():
        return 0
    unit = Unit.objects.select_related("node").filter(node__posts__user=leader, node__posts__role=Role.UNIT_LEADER).first()
    if unit is None:
        return 0
    grid, council, building, resident = users["grid"], users["council"], users["building"], users["resident"]
    made = 0

    def ago(**kw) -> dt.datetime:
        return now - dt.timedelta(**kw)

    def file(unit, actor, at, reporter=None, channel="visit"):
        nonlocal made
        text = rng.choice(texts)
        made += 1
        return s.case_file(unit=unit, actor=actor, title=text["title"], description=text["detail"], channel=channel,
                           category=_category(rng, text, tops), reporter=reporter, place=unit.name,
                           origin="resident" if reporter is not None else "visit", now=at, suggest=False), text

    def handled(case, handler, start, *, progress=True):
        s.case_receive(case=case, actor=leader, now=start + dt.timedelta(minutes=40))
        s.case_dispatch(case=case, actor=leader, handlers=[handler], now=start + dt.timedelta(hours=2))
        s.case_claim(case=case, actor=handler, now=start + dt.timedelta(hours=3))
        if progress:
            s.case_progress(case=case, actor=handler, note="已到现场查看，正在协调处理", now=start + dt.timedelta(hours=5))

    # The resident: a settled matter with the whole timeline, one fed back waiting for the rating,
    # one in the grid worker's hands, one just filed. A city built without residents (`--residents 0`,
    # the import bench's base) has a resident login bound to nobody: it gets no matters of its own.
    me = getattr(resident, "person", None)
    if me is not None:
        case, text = file(unit, resident, ago(days=41, hours=3), reporter=me, channel="web")
        handled(case, grid, ago(days=41, hours=3))
        s.case_resolve(case=case, actor=grid, result=text["reply"][:500] or "已办结", now=ago(days=38))
        s.case_feed_back(case=case, actor=council, feedback="已上门告知办理结果", now=ago(days=37, hours=20))
        s.case_rate(case=case, actor=resident, rating="satisfied", comment="处理及时，谢谢", now=ago(days=37))
        case, text = file(unit, resident, ago(days=6, hours=2), reporter=me, channel="web")
        handled(case, building, ago(days=6, hours=2))
        s.case_resolve(case=case, actor=building, result=text["reply"][:500] or "已办结", now=ago(days=2, hours=5))
        s.case_feed_back(case=case, actor=council, feedback="已电话告知办理结果，请评价", now=ago(days=1, hours=20))
        case, _ = file(unit, resident, ago(days=1, hours=6), reporter=me, channel="web")
        handled(case, grid, ago(days=1, hours=6))
        file(unit, resident, ago(hours=2), reporter=me, channel="web")
    # 收单 / 议单 for the Party-group leader: collected by members, one received, one deliberated.
    file(unit, grid, ago(hours=5))
    file(unit, building, ago(hours=3), channel="walk_in")
    case, _ = file(unit, council, ago(days=1, hours=2))
    s.case_receive(case=case, actor=leader, now=ago(days=1))
    case, _ = file(unit, grid, ago(days=2, hours=4))
    s.case_receive(case=case, actor=leader, now=ago(days=2))
    s.case_deliberate(case=case, actor=leader, on_agenda=True, reason="涉及多户，提交议事会协商", now=ago(days=1, hours=22))
    # 领单 / 办单: offered to the grid worker, council member and building head; one more in hand.
    for who, hours in ((grid, 4), (grid, 20), (council, 7), (building, 9)):
        case, _ = file(unit, grid, ago(hours=hours + 3))
        s.case_receive(case=case, actor=leader, now=ago(hours=hours + 2))
        s.case_dispatch(case=case, actor=leader, handlers=[who], now=ago(hours=hours))
    case, _ = file(unit, building, ago(days=2, hours=1))
    handled(case, grid, ago(days=2, hours=1), progress=False)
    # 督办: a collected matter nobody received in time (the sweep opens supervision at the community).
    file(unit, building, ago(days=5, hours=3), channel="walk_in")
    # The district department: matters escalated by the community and dispatched to it.
    cadre, handler = users.get("cadre"), users.get("handler")
    if cadre is not None and handler is not None:
        for k, hours in enumerate((6, 30, 52)):
            case, _ = file(unit, grid, ago(hours=hours + 8))
            s.case_receive(case=case, actor=leader, now=ago(hours=hours + 7))
            s.case_escalate(case=case, actor=leader, reason="需执法部门处理", now=ago(hours=hours + 6))
            s.case_dispatch(case=case, actor=cadre, handlers=[handler], now=ago(hours=hours))
            if k == 2:
                s.case_claim(case=case, actor=handler, now=ago(hours=hours - 4))
                s.case_progress(case=case, actor=handler, note="已派执法队员现场核查", now=ago(hours=hours - 20))
    # The rural leader: 收单 in the natural village.
    village = users.get("village")
    rural = (Unit.objects.select_related("node").filter(node__posts__user=village, node__posts__role=Role.UNIT_LEADER).first()
             if village is not None else None)
    if rural is not None:
        file(rural, village, ago(hours=4), channel="walk_in")
        case, _ = file(rural, village, ago(days=1, hours=3), channel="walk_in")
        s.case_receive(case=case, actor=village, now=ago(days=1))
    return made
