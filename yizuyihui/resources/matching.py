"""Matching needs to resources (DOMAIN §7): teams by service type, place and availability;
professionals by the matter's category; ranked suggestions.

Speed (`yzyh bench resources`: a district with 50,000 volunteers, 2,000 teams and its
professionals, p95 ≤ 200 ms): every candidate query is an equality lookup on an index — teams and
volunteers carry their service type and their district's and street's path prefixes,
professionals their kind and path (matched against the need's ancestors with IN) — and the ranking reads rollups kept by the services (member count, union of members'
times, dispatches), never COUNT/SUM over members.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from dataclasses import field as dc_field

from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yizuyihui.resources.models import (
    ALL_SLOTS,
    STEP,
    Need,
    Professional,
    ProfessionalKind,
    ServiceType,
    Volunteer,
    VolunteerTeam,
    district_of,
    street_of,
)

# Category words → (service types, professional kinds). The first rule that matches wins per word;
# all matching rules contribute. Kept as data: a city edits it without touching the code.
CATEGORY_RULES: list[tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = [
    (("纠纷", "调解", "矛盾", "邻里"), (ServiceType.LEGAL,), (ProfessionalKind.LEGAL, ProfessionalKind.POLICE)),
    (("法律", "法治", "合同", "继承", "婚姻"), (ServiceType.LEGAL,), (ProfessionalKind.LEGAL,)),
    (("治安", "盗", "安全", "诈骗", "打架"), (ServiceType.PATROL,), (ProfessionalKind.POLICE,)),
    (("物业", "住房", "房地产", "电梯", "停车", "楼道", "漏水", "供暖"), (), (ProfessionalKind.PROPERTY,)),
    (("养老", "老年", "老人", "助老", "残疾"), (ServiceType.ELDER_CARE,), ()),
    (("医疗", "卫生计生", "义诊", "健康"), (ServiceType.MEDICAL,), ()),
    (("环境", "垃圾", "卫生", "绿化", "污染"), (ServiceType.ENVIRONMENT,), ()),
    (("应急", "灾", "火", "汛", "疫情"), (ServiceType.EMERGENCY,), (ProfessionalKind.POLICE,)),
    (("教育", "青少年", "学生"), (ServiceType.YOUTH,), ()),
    (("救助", "困难", "帮扶"), (ServiceType.CHARITY,), ()),
]


def case_text(case) -> str:
    words = [case.title or ""]
    category = case.category
    while category is not None:
        words.append(category.name)
        category = category.parent
    return " ".join(words)


def profile_for_text(text: str) -> tuple[list[str], list[str]]:
    """(service types, professional kinds) that a matter's category and title suggest."""
    services, kinds = [], []
    for words, s, k in CATEGORY_RULES:
        if any(w in text for w in words):
            services += [x for x in s if x not in services]
            kinds += [x for x in k if x not in kinds]
    return services, kinds


def proximity(a: str, b: str) -> int:
    """Shared tree levels below the city: 1 same district … 3 same community, 4 same unit."""
    n = 0
    for depth in range(2, 6):
        if len(a) >= depth * STEP and a[: depth * STEP] == b[: depth * STEP]:
            n = depth - 1
        else:
            break
    return n


def overlap(mask: int, wanted: int) -> float:
    want = wanted.bit_count()
    return (mask & wanted).bit_count() / want if want else 0.0


NEAR_WORDS = {4: gettext_lazy("same unit"), 3: gettext_lazy("same community"), 2: gettext_lazy("same street"),
              1: gettext_lazy("same district")}


@dataclass
class Suggestion:
    obj: object
    score: float
    reasons: list[str]  # machine-readable (the API's `reasons`)
    facts: dict = dc_field(default_factory=dict)  # near, free, members: what the page says in words

    @property
    def reason_words(self) -> list[str]:
        """The reasons as a person reads them ("same community · free at 100% of the times · 10 members")."""
        f, out = self.facts, []
        if f.get("near") in NEAR_WORDS:
            out.append(str(NEAR_WORDS[f["near"]]))
        if "free" in f:
            out.append(_("free at %(share)s of the times") % {"share": f"{f['free']:.0%}"})
        if "members" in f:
            out.append(_("%(n)d members") % {"n": f["members"]})
        return out


def rank_teams(*, service_type: str, path: str, when: int, limit: int = 5) -> list[Suggestion]:
    """Teams of the service type in the need's district, ranked by place (same community first),
    availability overlap, size and how often they were already sent (spreads the load). The
    candidates are read as plain tuples from the (service type, district) index; only the top
    `limit` become model objects."""
    rows = (VolunteerTeam.objects.filter(service_type=service_type, district_path=district_of(path), active=True,
                                         member_count__gt=0)
            .values_list("pk", "path", "member_count", "availability", "dispatch_count"))
    scored = []
    for pk, tpath, members, mask, sent in rows:
        free = overlap(mask, when)
        if free == 0:
            continue
        near = proximity(tpath, path)
        score = near * 3 + free * 2 + math.log1p(members) * 0.5 - math.log1p(sent) * 0.3
        scored.append((-round(score, 3), pk, {"near": near, "free": free, "members": members}))
    scored.sort(key=lambda row: row[:2])
    top = scored[:limit]
    objs = VolunteerTeam.objects.in_bulk([pk for _s, pk, _f in top])
    return [Suggestion(objs[pk], -neg, [f"near={f['near']}", f"free={f['free']:.0%}", f"members={f['members']}"], f)
            for neg, pk, f in top]


def rank_volunteers(*, service_type: str, path: str, when: int, limit: int = 10) -> list[Suggestion]:
    """Individual volunteers free at the wanted times, nearest first (street, then district),
    the least-served first so the work spreads: a walk of the (type, street, hours) index."""
    out: list[Suggestion] = []
    seen: set[int] = set()
    for field, prefix in (("street_path", street_of(path)), ("district_path", district_of(path))):
        qs = (Volunteer.objects.filter(service_type=service_type, active=True, **{field: prefix})
              .annotate(free=F("availability").bitand(when)).filter(free__gt=0)
              .exclude(person_id__in=seen).order_by("hours_total", "pk")
              .only("pk", "person_id", "team_id", "path", "availability", "hours_total")[: limit - len(out)])
        for v in qs:
            seen.add(v.person_id)
            out.append(Suggestion(v, proximity(v.path, path) + overlap(v.availability, when), []))
        if len(out) >= limit:
            break
    return out


def rank_professionals(*, kinds, path: str, unit_id: int | None = None, limit: int = 5) -> list[Suggestion]:
    """Professionals whose area covers the place (its node or an ancestor), the least busy first;
    property companies only for their own estates."""
    if not kinds:
        return []
    ancestors = [path[: i * STEP] for i in range(1, len(path) // STEP + 1)]
    rows = list(Professional.objects.filter(kind__in=[k for k in kinds if k != ProfessionalKind.PROPERTY],
                                            path__in=ancestors, active=True)
                .select_related("person").order_by("load", "pk")[: limit * 2])
    if ProfessionalKind.PROPERTY in kinds and unit_id is not None:
        rows += list(Professional.objects.filter(kind=ProfessionalKind.PROPERTY, estates__id=unit_id, active=True)
                     .select_related("person")[:limit])
    order = {k: i for i, k in enumerate(kinds)}
    out = [Suggestion(p, -order.get(p.kind, 9) - p.load / 1000 + len(p.path) / 100, []) for p in rows]
    out.sort(key=lambda s: -s.score)
    return out[:limit]


@dataclass
class Suggestions:
    service_types: list[str]
    kinds: list[str]
    teams: list[Suggestion]
    volunteers: list[Suggestion]
    professionals: list[Suggestion]


def suggest_for_need(need: Need, *, kinds=None) -> Suggestions:
    kinds = list(kinds or [])
    if need.case_id is not None and not kinds:
        kinds = profile_for_text(case_text(need.case))[1]
    return Suggestions(
        service_types=[need.service_type], kinds=kinds,
        teams=rank_teams(service_type=need.service_type, path=need.path, when=need.when),
        volunteers=rank_volunteers(service_type=need.service_type, path=need.path, when=need.when),
        professionals=rank_professionals(kinds=kinds, path=need.path, unit_id=need.unit_id),
    )


def suggest_for_case(case, *, when: int | None = None) -> Suggestions:
    """What a matter's category suggests drawing in: professionals of the matching kinds and the
    teams of the matching service types."""
    services, kinds = profile_for_text(case_text(case))
    path = case.unit.node.path
    teams: list[Suggestion] = []
    for s in services[:2]:
        teams += rank_teams(service_type=s, path=path, when=when or ALL_SLOTS, limit=3)
    return Suggestions(service_types=services, kinds=kinds, teams=teams, volunteers=[],
                       professionals=rank_professionals(kinds=kinds, path=path, unit_id=case.unit_id))
