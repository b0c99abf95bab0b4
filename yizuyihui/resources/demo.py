"""The "+" in the demo city, made through the resources services (DOMAIN §7).

- L社区 (the community of the demo accounts' unit): 240 in-service Party members in 8 volunteer
  teams, as in the paper.
- Across the city: teams in a sample of other communities and villages; a police officer and a
  property company (estates = its grids, a supervisor from each estate) per community, a legal
  adviser per street; the generator's 三报到 registrations given services, mostly confirmed,
  with activities; "+" members drawn into matters whose category calls for them, teams
  dispatched with hours per member; needs from units matched to teams; and an urban–rural board
  in a sample of villages with outside members, needs, offers, matches and outcomes.
Deterministic for a seed; history spread over the past year.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.utils import timezone

from yizuyihui.cases.models import Case
from yizuyihui.notifications.services import notifications_muted
from yizuyihui.org.models import Level, OrgNode, Unit
from yizuyihui.people.models import Body, Membership, Person, Registration, Role
from yizuyihui.resources import matching, services
from yizuyihui.resources.models import (
    ALL_SLOTS,
    EVENINGS,
    WEEKDAY_DAYTIME,
    WEEKEND,
    BoardMatch,
    Dispatch,
    Need,
    NeedStatus,
    PlusMember,
    PlusRole,
    Professional,
    ProfessionalKind,
    RegistrationStatus,
    ServiceHours,
    ServiceType,
    Source,
    Volunteer,
    VolunteerTeam,
)

TEAM_NAMES = {
    ServiceType.ELDER_CARE: "助老服务队", ServiceType.LEGAL: "法律服务队", ServiceType.MEDICAL: "医疗义诊队",
    ServiceType.ENVIRONMENT: "环境卫生队", ServiceType.PATROL: "治安巡逻队", ServiceType.EMERGENCY: "应急救援队",
    ServiceType.CHARITY: "爱心公益队", ServiceType.YOUTH: "青少年教育队",
}
MASKS = [WEEKDAY_DAYTIME, EVENINGS, WEEKEND, EVENINGS | WEEKEND, ALL_SLOTS]
NEEDS = {
    ServiceType.ELDER_CARE: ["独居老人每周送餐", "高龄老人陪同就医", "空巢老人上门理发"],
    ServiceType.LEGAL: ["居民遗产继承咨询", "租房合同纠纷咨询", "邻里漏水纠纷调解"],
    ServiceType.MEDICAL: ["社区义诊量血压", "慢病老人健康随访"],
    ServiceType.ENVIRONMENT: ["背街小巷卫生清理", "垃圾分类督导", "河道沿岸清理"],
    ServiceType.PATROL: ["夜间治安巡逻", "学校门口护学岗"],
    ServiceType.EMERGENCY: ["汛期防汛值守", "暴雪后清扫积雪"],
    ServiceType.CHARITY: ["困难家庭物资发放", "爱心义卖"],
    ServiceType.YOUTH: ["暑期青少年课堂", "留守儿童课业辅导"],
}
BOARD_NEEDS = [("training", "果树修剪技术培训"), ("training", "大棚蔬菜种植培训"), ("investment", "引进农产品加工项目"),
               ("investment", "乡村民宿投资"), ("sales", "桃子滞销求销路"), ("sales", "土鸡蛋寻找城市客户"),
               ("sales", "小米、杂粮线上销售")]
OFFERS = {"training": "联系农科院专家下乡授课", "investment": "介绍老乡企业来村考察", "sales": "在城里超市和网店代销",
          "opportunity": "所在工厂招工，优先录用家乡人"}
OUTCOMES = {"training": ("开展培训一次，{n}人参加", 0), "investment": ("签订投资意向，首期投入", 1),
            "sales": ("售出农产品{n}斤", 1)}


def generate(*, seed: int, progress, l_volunteers: int = 240) -> dict[str, int]:
    with notifications_muted():
        return _generate(seed=seed, progress=progress, l_volunteers=l_volunteers)


def _at(base: dt.datetime, rng: random.Random, hours: tuple[int, int]) -> dt.datetime:
    return min(base + dt.timedelta(hours=rng.randint(*hours)), timezone.now() - dt.timedelta(minutes=5))


def _generate(*, seed: int, progress, l_volunteers: int) -> dict[str, int]:
    rng = random.Random(seed + 14)
    User = get_user_model()
    admin = User.objects.filter(is_superuser=True).first() or User.objects.filter(posts__role=Role.CITY_ADMIN).first()
    if admin is None or not Unit.objects.exists():
        return {}
    now = timezone.now()
    first = Unit.objects.filter(kind="urban").select_related("node").order_by("node__path").first()
    l_community = first.node.get_parent() if first else None
    _teams_l(rng, admin, l_community, l_volunteers)
    _teams_city(rng, admin, l_community)
    progress("resources teams", VolunteerTeam.objects.count())
    _professionals(rng, admin)
    _registrations(rng, admin, now)
    _matters(rng, admin, now)
    _needs(rng, admin, now)
    progress("resources matches", Dispatch.objects.count())
    _board(rng, admin, now)
    return totals()


def totals() -> dict[str, int]:
    return {
        "teams": VolunteerTeam.objects.count(), "volunteers": Volunteer.objects.filter(active=True).count(),
        "hours": int(ServiceHours.objects.aggregate(s=Sum("hours"))["s"] or 0),
        "registrations": Registration.objects.filter(terms__status=RegistrationStatus.CONFIRMED).count(),
        "plus_members": PlusMember.objects.count(), "dispatches": Dispatch.objects.count(),
        "needs": Need.objects.count(), "needs_matched": Need.objects.exclude(status=NeedStatus.OPEN).count(),
        "professionals": Professional.objects.count(), "board_matches": BoardMatch.objects.count(),
        "board_fulfilled": BoardMatch.objects.filter(fulfilled_at__isnull=False).count(),
    }


def _people_under(node: OrgNode, n: int, *, party_first: bool = True) -> list[Person]:
    qs = Person.objects.filter(node__path__startswith=node.path, outside_kind="")
    if party_first:
        qs = qs.order_by("-is_party_member", "pk")
    return list(qs[:n])


def _teams_l(rng, admin, community, n: int) -> None:
    """L社区: 240 in-service Party members in 8 teams (the paper's figure)."""
    if community is None:
        return
    people = _people_under(community, n)
    if len(people) < n:  # in-service members living nearby register here too (the street's people)
        seen = {p.pk for p in people}
        people += [p for p in _people_under(community.get_parent(), n * 2) if p.pk not in seen][: n - len(people)]
    types = list(ServiceType.values)
    per = max(1, len(people) // len(types))
    for i, st in enumerate(types):
        team = services.team_create(actor=admin, node=community, name=f"{community.name}{TEAM_NAMES[st]}",
                                    service_type=st)
        chunk = people[i * per:(i + 1) * per]
        if not chunk:
            continue
        services.volunteers_add(team=team, actor=admin, members=[(p, rng.choice(MASKS)) for p in chunk],
                                on=timezone.localdate() - dt.timedelta(days=rng.randint(30, 700)))
        services.volunteer_join(team=team, actor=admin, person=chunk[0], availability=ALL_SLOTS, leader=True)


def _teams_city(rng, admin, l_community) -> None:
    communities = [c for c in OrgNode.objects.filter(level=Level.COMMUNITY).order_by("path") if c != l_community]
    villages = list(OrgNode.objects.filter(level=Level.VILLAGE).order_by("path"))
    picked = rng.sample(communities, min(90, len(communities))) + rng.sample(villages, min(60, len(villages)))
    for node in picked:
        urban = node.level == Level.COMMUNITY
        types = rng.sample([ServiceType.ELDER_CARE, ServiceType.ENVIRONMENT, ServiceType.PATROL, ServiceType.LEGAL,
                            ServiceType.MEDICAL, ServiceType.CHARITY] if urban else
                           [ServiceType.ENVIRONMENT, ServiceType.EMERGENCY, ServiceType.ELDER_CARE, ServiceType.CHARITY],
                           rng.randint(1, 3 if urban else 2))
        people = _people_under(node, 80)
        rng.shuffle(people)
        for st in types:
            size = rng.randint(8, 30)
            chunk, people = people[:size], people[size:]
            if len(chunk) < 3:
                break
            team = services.team_create(actor=admin, node=node, name=f"{node.name}{TEAM_NAMES[st]}", service_type=st)
            services.volunteers_add(team=team, actor=admin, members=[(p, rng.choice(MASKS)) for p in chunk],
                                    on=timezone.localdate() - dt.timedelta(days=rng.randint(30, 700)))
            services.volunteer_join(team=team, actor=admin, person=chunk[0], availability=ALL_SLOTS, leader=True)


def _professionals(rng, admin) -> None:
    """A police officer and (urban) a property company per community, a legal adviser per street."""
    for street in OrgNode.objects.filter(level__in=[Level.STREET, Level.TOWNSHIP]).order_by("path"):
        people = _people_under(street, 30, party_first=False)
        if people:
            p = rng.choice(people)
            services.professional_register(actor=admin, kind=ProfessionalKind.LEGAL, name=f"{p.name}（法律顾问）",
                                           node=street, person=p)
    for node in OrgNode.objects.filter(level__in=[Level.COMMUNITY, Level.VILLAGE]).order_by("path"):
        people = _people_under(node, 20, party_first=False)
        if not people:
            continue
        officer = people[0]
        services.professional_register(actor=admin, kind=ProfessionalKind.POLICE, name=f"{officer.name}（社区民警）",
                                       node=node, person=officer)
        if node.level != Level.COMMUNITY:
            continue
        estates = list(Unit.objects.filter(node__path__startswith=node.path).select_related("node"))
        company = services.professional_register(
            actor=admin, kind=ProfessionalKind.PROPERTY, name=f"{node.name.removesuffix('社区')}物业服务有限公司",
            node=node, estates=estates, staff=people[1:2])
        for unit in estates[:4]:
            member = Membership.objects.filter(unit=unit, body=Body.COUNCIL, ended__isnull=True).select_related(
                "person").first()
            if member is not None:
                services.supervisor_appoint(company=company, unit=unit, person=member.person, actor=admin)


def _registrations(rng, admin, now) -> None:
    """The generator's registrations get services and times; most confirmed, a few withdrawn."""
    today = timezone.localdate()
    for reg in Registration.objects.filter(terms__isnull=True).select_related("node").order_by("pk"):
        services.registration_terms_attach(registration=reg, actor=admin,
                                           services=rng.sample(list(ServiceType.values), rng.randint(1, 3)),
                                           availability=rng.choice(MASKS))
        roll = rng.random()
        if roll < 0.03:
            services.registration_withdraw(registration=reg, actor=admin)
            continue
        if roll > 0.88:
            continue  # still waiting for the community
        units = list(Unit.objects.filter(node__path__startswith=reg.node.path).order_by("pk")[:20])
        unit = rng.choice(units) if units else None
        confirmed_at = timezone.make_aware(dt.datetime.combine(reg.registered_on, dt.time(10))) + dt.timedelta(days=2)
        services.registration_confirm(registration=reg, actor=admin, unit=unit, now=min(confirmed_at, now))
        for _i in range(rng.randint(0, 6)):
            on = reg.registered_on + dt.timedelta(days=rng.randint(3, max(4, (today - reg.registered_on).days)))
            services.activity_record(registration=reg, actor=admin, kind=rng.choice(["research", "service", "pairing"]),
                                     on=min(on, today), hours=rng.choice([1, 2, 2, 3, 4]),
                                     note=rng.choice(["入户走访", "参与志愿服务", "结对帮扶困难户", "参加议事会", "调研"]))


def _matters(rng, admin, now) -> None:
    """ "+" members on matters whose category calls for them; teams dispatched with hours."""
    cases = list(Case.objects.select_related("unit__node", "category__parent", "reporter").order_by("pk")[:6000])
    officials = {}
    for reg in Registration.objects.filter(terms__status=RegistrationStatus.CONFIRMED).select_related("person", "node"):
        officials.setdefault(reg.node.path, []).append(reg.person)
    for case in cases:
        s = matching.suggest_for_case(case)
        if not (s.kinds or s.service_types) and rng.random() > 0.08:
            continue
        if rng.random() > 0.55:
            continue
        at = _at(case.filed_at, rng, (2, 48))
        drawn = set()
        for sug in s.professionals[:rng.randint(1, 2)]:
            pro = sug.obj
            if pro.person_id and pro.person_id not in drawn:
                services.plus_member_draw(case=case, actor=admin, role=PlusRole.MEDIATE if pro.kind != "property"
                                          else PlusRole.HANDLE, source=Source.PROFESSIONAL, professional=pro, now=at)
                drawn.add(pro.person_id)
        if rng.random() < 0.5:
            services.plus_member_draw(case=case, actor=admin, role=PlusRole.WITNESS, source=Source.RESIDENT,
                                      name=rng.choice(["相关居民", "邻居", "当事人家属"]), now=at)
        community_path = case.unit.node.path[:16]
        pool = officials.get(community_path, [])
        if pool and rng.random() < 0.4:
            official = rng.choice(pool)
            if official.pk not in drawn:
                services.plus_member_draw(case=case, actor=admin, role=PlusRole.ADVISE, source=Source.OFFICIAL,
                                          person=official, now=at)
                drawn.add(official.pk)
        if s.teams and rng.random() < 0.6:
            team = s.teams[0].obj
            if team.leader_id in drawn:
                continue
            dispatch = services.team_dispatch(team=team, case=case, actor=admin, now=at)
            _log_hours(rng, admin, dispatch, at)


def _log_hours(rng, admin, dispatch, at) -> None:
    members = list(Volunteer.objects.filter(team_id=dispatch.team_id, active=True).select_related("person")[:40])
    today = timezone.localdate()
    for v in rng.sample(members, min(len(members), rng.randint(2, 6))):
        on = min(timezone.localtime(at).date() + dt.timedelta(days=rng.randint(0, 3)), today)
        services.hours_log(dispatch=dispatch, actor=admin, volunteer=v, hours=rng.choice([1, 1.5, 2, 2, 3, 4]), on=on)


def _needs(rng, admin, now) -> None:
    """Needs from units (elder care rounds, clean-ups …) matched to the best-ranked team."""
    units = list(Unit.objects.select_related("node").order_by("pk"))
    for _i in range(400):
        unit = rng.choice(units)
        st = rng.choice(list(NEEDS))
        created = now - dt.timedelta(days=rng.uniform(1, 360))
        contact = Person.objects.filter(node=unit.node, outside_kind="").order_by("pk").first()
        need = services.need_create(unit=unit, actor=admin, service_type=st, title=rng.choice(NEEDS[st]),
                                    address=f"{unit.name}{rng.randint(1, 40)}号", when=rng.choice(MASKS),
                                    contact=contact, now=created)
        ranked = matching.rank_teams(service_type=st, path=need.path, when=need.when, limit=1)
        if ranked and rng.random() < 0.8:
            at = _at(created, rng, (1, 72))
            dispatch = services.team_dispatch(team=ranked[0].obj, need=need, actor=admin, now=at)
            _log_hours(rng, admin, dispatch, at)
            if rng.random() < 0.8:
                services.need_close(need=need, actor=admin)


def _board(rng, admin, now) -> None:
    """城乡资源共享 in a sample of villages: outside members (with consent), needs, offers, matches."""
    villages = list(OrgNode.objects.filter(level=Level.VILLAGE).order_by("path"))
    for village in rng.sample(villages, min(150, len(villages))):
        people = list(Person.objects.filter(node__path__startswith=village.path).exclude(outside_kind="")
                      .order_by("pk")[:6])
        if not people:
            continue
        when = now - dt.timedelta(days=rng.uniform(10, 360))
        members = [services.outside_member_register(
            village=village, actor=admin, person=p, where=p.outside_place or rng.choice(["北京", "深圳", "杭州", "省城"]),
            what=p.occupation or rng.choice(["电商", "建筑", "餐饮", "物流", "读研究生"]),
            contact=p.phone or f"139{rng.randint(10**7, 10**8 - 1)}",
            can_offer=rng.choice(list(OFFERS.values())), consent=True, now=when) for p in people]
        for kind, title in rng.sample(BOARD_NEEDS, rng.randint(1, 3)):
            need = services.board_publish(village=village, actor=admin, kind=kind, title=title, now=when)
            member = rng.choice(members)
            offer = services.board_publish(village=village, actor=admin, kind=kind, title=OFFERS[kind], member=member,
                                           now=when + dt.timedelta(days=rng.randint(1, 10)))
            if rng.random() < 0.7:
                match = services.board_match(need=need, offer=offer, actor=admin,
                                             now=when + dt.timedelta(days=rng.randint(10, 20)))
                if rng.random() < 0.65:
                    text, valued = OUTCOMES[kind]
                    value = Decimal(rng.randint(5, 300) * 1000) if valued else Decimal(0)
                    services.board_fulfil(match=match, actor=admin, outcome=text.format(n=rng.randint(20, 5000)),
                                          value=value, now=min(now, when + dt.timedelta(days=rng.randint(20, 60))))
        if rng.random() < 0.3:
            services.board_publish(village=village, actor=admin, kind="opportunity", title=OFFERS["opportunity"],
                                   member=rng.choice(members), now=when)
