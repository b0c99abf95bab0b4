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

from yizuyihui.cases import services as s
from yizuyihui.cases.models import Category
from yizuyihui.org.models import Unit
from yizuyihui.people.models import Person, Post

DATA = Path(__file__).parent / "data" / "messages_sample.csv"


def _texts() -> list[dict]:
    with open(DATA, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _handlers_for(unit: Unit, posts: list[Post], fallback) -> list:
    users = [p.user for p in posts if unit.node.path.startswith(p.node.path) and p.role in s.case_rules.HANDLER_ROLES]
    return users or [fallback]


def generate(*, seed: int, progress, matters: int = 1200) -> dict[str, int]:
    from yizuyihui.cases.notify import notifications_muted

    with notifications_muted():
        return _generate(seed=seed, progress=progress, matters=matters)


def _generate(*, seed: int, progress, matters: int) -> dict[str, int]:
    rng = random.Random(seed + 3)
    texts = _texts()
    User = get_user_model()
    admin = User.objects.filter(is_superuser=True).first() or User.objects.filter(posts__role="city_admin").first()
    if admin is None:
        return {"matters": 0}
    posts = list(Post.objects.filter(active=True).exclude(role="resident").select_related("node", "user"))
    focus_paths = {p.node.path for p in posts if p.role in ("unit_leader", "grid_worker")}
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
                           urgency=urgency, category=rng.choice(tops) if tops else None, reporter=reporter,
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
    sweep = s.sweep_overdue(now=now)
    made["supervised"] = sweep["respond_overdue"] + sweep["resolve_overdue"]
    return made
