"""`yzyh simulate`: what the 一组一会 structure buys in a surge, as a discrete-event simulation (SimPy).

Three policies on the same demand (the same random arrivals, tiers and efforts: common random
numbers) and the same total staff hours:

- "model": matters are received by the unit's own people (Party group, grid worker, council) and
  settled there at tier 1; tier 2 goes to the community's cadres, tier 3 to the street/department.
  From the day after the surge starts, "+" members (三报到 registrants, in-service Party members,
  volunteers) join their units' bottom-up command.
- "central": a 12345-style hotline. Call-takers (a share of the same staff) receive every matter; one
  city-wide pool of the same handlers (including the same "+" members from the same day) works them,
  each matter carrying a travel/orientation overhead because the handler is not from the place.
- "model_no_plus": the model without "+" members.

Assumptions and calibration are stated in docs/emergency.md; `City` holds what is calibrated.
"""

from __future__ import annotations

import heapq
import math
import random
import statistics
from dataclasses import dataclass, field

import simpy

POLICIES = ("model", "central", "model_no_plus")
HOURS_PER_SLOT = 8.0  # a staff "slot" works 8 of every 24 hours: service runs 3× slower in wall time
WALL = 24.0 / HOURS_PER_SLOT


@dataclass
class City:
    """Structure and rates, from the database (the demo city) or B市's published figures."""

    source: str
    units: list[int]  # community index of each unit
    unit_rate: list[float]  # matters per unit per day
    unit_hours: list[float]  # staff hours per day at each unit (grid worker, Party group, council)
    community_hours: list[float]  # cadres' hours per day per community
    street_hours: float  # street officials and department handlers, city-wide, per day
    plus_hours: list[float]  # "+" members' hours per day per community in an emergency
    tier_share: tuple[float, float, float] = (0.62, 0.28, 0.10)
    effort_h: tuple[float, float, float] = (0.75, 2.0, 4.0)  # mean handler effort per matter by tier
    intake_h: float = 0.1  # receiving a matter (收单) at the unit
    hotline_intake_h: float = 0.25  # a call-taker's time per matter
    central_overhead_h: float = 0.75  # travel and getting to know the place, per matter, when dispatched centrally
    hotline_share: float = 0.05  # share of the total staff hours that staff the hotline in "central"
    # In an emergency the same people also do the emergency tasks (door-to-door checks, supplies):
    # this share of every pool's slots is taken by them for the length of the surge.
    emergency_load: float = 0.5
    respond_deadline_h: float = 24.0  # the calm policy (cases.deadlines); urgent mode halves both
    resolve_deadline_h: float = 120.0
    notes: dict = field(default_factory=dict)

    def describe(self) -> dict:
        return {"source": self.source, "units": len(self.units), "communities": len(self.community_hours),
                "matters_per_day": round(sum(self.unit_rate), 1), "unit_hours_per_day": round(sum(self.unit_hours)),
                "community_hours_per_day": round(sum(self.community_hours)), "street_hours_per_day": round(self.street_hours),
                "plus_hours_per_day": round(sum(self.plus_hours)), "tier_share": [round(x, 3) for x in self.tier_share],
                "effort_h": list(self.effort_h), **self.notes}

    def describe_line(self) -> str:
        d = self.describe()
        return (f"city ({d['source']}): {d['units']} units, {d['communities']} communities, "
                f"{d['matters_per_day']} matters/day, staff h/day unit {d['unit_hours_per_day']}, community "
                f"{d['community_hours_per_day']}, street {d['street_hours_per_day']}, '+' {d['plus_hours_per_day']}; "
                f"tiers {d['tier_share']}")


# Hours a day each kind of person gives to matters (assumptions, docs/emergency.md).
HOURS = {"grid_worker": 6.0, "party_group": 1.0, "council": 0.5, "cadre": 4.0, "street": 4.0, "plus": 3.0}


def synthetic_city(*, seed: int = 7) -> City:
    """B市 from the paper: 4,915 units in ~1,107 villages/communities, ~2,900 matters a day."""
    rng = random.Random(seed)
    communities = 1107
    units = [i % communities for i in range(4915)]
    rate = [max(0.05, rng.lognormvariate(math.log(0.55), 0.5)) for _ in units]
    unit_hours = [HOURS["grid_worker"] + 4 * HOURS["party_group"] + 6 * HOURS["council"] for _ in units]
    return City(source="synthetic B市", units=units, unit_rate=rate, unit_hours=unit_hours,
                community_hours=[3 * HOURS["cadre"]] * communities, street_hours=450 * HOURS["street"],
                plus_hours=[8 * HOURS["plus"]] * communities)


def calibrate_from_db(*, residents: int = 3_200_000) -> City:
    """The demo city's real structure and its year of matters. The demo may be built with fewer
    residents than B市's 3.2 M (`yzyh demo --residents`): the matters per resident are then scaled to
    `residents` (0: as in the database), on the same structure and staff."""
    from django.db.models import Count, Max, Min, Q

    from yizuyihui.cases.models import Case
    from yizuyihui.org.models import OrgNode, Unit
    from yizuyihui.people.models import Body, Membership, Post, Registration

    units = list(Unit.objects.select_related("node").order_by("node__path").values_list("pk", "node__path"))
    if not units:
        return synthetic_city()
    community_paths = sorted({p[:16] for _pk, p in units})  # city.district.street.community (steplen 4)
    cindex = {p: i for i, p in enumerate(community_paths)}
    span = Case.objects.aggregate(a=Min("filed_at"), b=Max("filed_at"))
    days = max(1.0, (span["b"] - span["a"]).total_seconds() / 86400) if span["a"] else 1.0
    per_unit = dict(Case.objects.values_list("unit_id").annotate(n=Count("pk")))
    total = sum(per_unit.values())
    members = {}
    for unit_id, body, n in (Membership.objects.filter(ended__isnull=True).values_list("unit_id", "body")
                             .annotate(n=Count("pk"))):
        members.setdefault(unit_id, {})[body] = n
    posts = Post.objects.filter(active=True)
    grid_workers = dict(posts.filter(role="grid_worker").values_list("node__unit").annotate(n=Count("pk")))
    cadres_by_path = dict(posts.filter(role="community_cadre").values_list("node__path").annotate(n=Count("pk")))
    street_staff = posts.filter(role__in=["street_official", "department_handler"]).count()
    plus = {}
    for path, n in Registration.objects.values_list("node__path").annotate(n=Count("pk")):
        if path[:16] in cindex:
            plus[cindex[path[:16]]] = plus.get(cindex[path[:16]], 0) + n
    for unit_id, n in Membership.objects.filter(body=Body.PLUS).values_list("unit_id").annotate(n=Count("pk")):
        path = dict(units).get(unit_id, "")
        if path[:16] in cindex:
            plus[cindex[path[:16]]] = plus.get(cindex[path[:16]], 0) + n
    tiers = Case.objects.filter(settled_tier__isnull=False).aggregate(
        t1=Count("pk", filter=Q(settled_tier=1)), t2=Count("pk", filter=Q(settled_tier=2)),
        t3=Count("pk", filter=Q(settled_tier=3)))
    settled = sum(tiers.values())
    tier_share = tuple(tiers[k] / settled for k in ("t1", "t2", "t3")) if settled else (0.62, 0.28, 0.10)
    # matters per unit per day; a unit without a year of matters gets the city's mean
    mean = total / days / len(units) if total else 0.5
    rate = [per_unit.get(pk, 0) / days if total else mean for pk, _p in units]
    from yizuyihui.people.models import Person

    in_db = Person.objects.count()
    scale = residents / in_db if residents and in_db else 1.0
    rate = [r * scale for r in rate]
    unit_hours = []
    for pk, _p in units:
        m = members.get(pk, {})
        unit_hours.append(HOURS["grid_worker"] * max(1, grid_workers.get(pk, 0)) + HOURS["party_group"] *
                          m.get(Body.PARTY_GROUP, 4) + HOURS["council"] * m.get(Body.COUNCIL, 6))
    community_hours = [HOURS["cadre"] * max(2, cadres_by_path.get(p, 0)) for p in community_paths]
    _ = OrgNode  # the tree is read through the paths above
    return City(source="database", units=[cindex[p[:16]] for _pk, p in units], unit_rate=rate, unit_hours=unit_hours,
                community_hours=community_hours, street_hours=HOURS["street"] * max(len(community_paths) // 4, street_staff),
                # 三报到 registrants and "+" members live among the residents: they scale with them too.
                plus_hours=[HOURS["plus"] * plus.get(i, 0) * scale for i in range(len(community_paths))],
                tier_share=tier_share, notes={"demo_days": round(days), "demo_matters": total, "demo_persons": in_db,
                                              "demand_scale": round(scale, 2)})


# --- demand ---------------------------------------------------------------------------------------
@dataclass(slots=True)
class Matter:
    filed: float  # hours since the start
    unit: int
    tier: int
    effort: float  # handler hours
    urgent: bool
    responded: float | None = None
    resolved: float | None = None


def demand(city: City, *, days: int, surge_day: int, surge_factor: float, surge_days: int, seed: int) -> list[Matter]:
    """The same matters for every policy (common random numbers)."""
    rng = random.Random(seed)
    out = []
    cum = [city.tier_share[0], city.tier_share[0] + city.tier_share[1]]
    total_rate = sum(city.unit_rate)
    weights = [r / total_rate for r in city.unit_rate]
    cumw, acc = [], 0.0
    for w in weights:
        acc += w
        cumw.append(acc)
    import bisect

    for day in range(days):
        surge = surge_day <= day < surge_day + surge_days
        n = _poisson(rng, total_rate * (surge_factor if surge else 1.0))
        for _ in range(n):
            t = day * 24 + _daytime(rng)
            u = min(len(cumw) - 1, bisect.bisect_left(cumw, rng.random()))
            x = rng.random()
            tier = 1 if x < cum[0] else (2 if x < cum[1] else 3)
            effort = rng.lognormvariate(math.log(city.effort_h[tier - 1]) - 0.18, 0.6)
            out.append(Matter(filed=t, unit=u, tier=tier, effort=effort, urgent=surge))
    out.sort(key=lambda m: m.filed)
    return out


def _poisson(rng: random.Random, lam: float) -> int:
    if lam > 50:  # normal approximation: fast and close enough for daily counts in the thousands
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    k, p, limit = 0, 1.0, math.exp(-lam)
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _daytime(rng: random.Random) -> float:
    """Matters arrive mostly in the day (8–20 h: 85 %)."""
    return rng.uniform(8, 20) if rng.random() < 0.85 else rng.choice((rng.uniform(0, 8), rng.uniform(20, 24)))


# --- policies -------------------------------------------------------------------------------------
def _slots(hours: float) -> int:
    return max(1, round(hours / HOURS_PER_SLOT))


def _at(env, when: float, fn, arg) -> None:
    """Call fn(arg) at simulated time `when` (a SimPy timeout with a callback)."""
    env.timeout(max(0.0, when - env.now)).callbacks.append(lambda _ev: fn(arg))


class _Pool:
    """A pool of staff slots: a non-preemptive priority queue (lower number first, first come first
    served within a priority) driven by SimPy timeouts and callbacks — no generator process and no
    request/release events per matter, which made a 60-day run of ~260k matters take minutes.

    "+" members' slots join at `join_at`; during the surge `busy` = (share, start, end) of the base
    slots go to emergency tasks: each slot is taken as soon as it is free (before any waiting
    matter) and given back at `end` — the same as SimPy blockers at top priority."""

    __slots__ = ("env", "free", "queue", "seq", "to_block", "blocked")

    def __init__(self, env, base_hours: float, extra_hours: float, join_at: float | None,
                 busy: tuple[float, float, float] | None = None):
        base = _slots(base_hours)
        extra = round(extra_hours / HOURS_PER_SLOT) if join_at is not None else 0
        self.env, self.free, self.queue, self.seq, self.to_block, self.blocked = env, base, [], 0, 0, 0
        if extra:
            _at(env, join_at, self._add, extra)
        if busy is not None:
            share, start, end = busy
            k = min(base - 1, round(base * share))
            if k > 0:
                _at(env, start, self._block, k)
                _at(env, end, self._unblock, k)

    def _add(self, n: int) -> None:
        self.free += n
        self._dispatch()

    def _block(self, k: int) -> None:
        take = min(k, self.free)
        self.free -= take
        self.blocked += take
        self.to_block = k - take

    def _unblock(self, _k: int) -> None:
        self.free += self.blocked
        self.blocked = self.to_block = 0
        self._dispatch()

    def submit(self, priority: int, hours: float, on_start, on_done) -> None:
        """Queue a piece of work of `hours` wall time; on_start(now) when a slot takes it (may be
        None), on_done(now) when it is finished."""
        if self.free > 0:
            self._start(hours, on_start, on_done)
        else:
            self.seq += 1
            heapq.heappush(self.queue, (priority, self.seq, hours, on_start, on_done))

    def _start(self, hours, on_start, on_done) -> None:
        self.free -= 1
        if on_start is not None:
            on_start(self.env.now)
        self.env.timeout(hours).callbacks.append(lambda _ev: self._finish(on_done))

    def _finish(self, on_done) -> None:
        if self.to_block:
            self.to_block -= 1
            self.blocked += 1
        else:
            self.free += 1
        on_done(self.env.now)
        self._dispatch()

    def _dispatch(self) -> None:
        while self.free > 0 and self.queue:
            _p, _s, hours, on_start, on_done = heapq.heappop(self.queue)
            self._start(hours, on_start, on_done)


def simulate_policy(city: City, matters: list[Matter], *, policy: str, days: int, surge_day: int,
                    surge_days: int = 14) -> list[Matter]:
    env = simpy.Environment()
    busy = (city.emergency_load, surge_day * 24.0, (surge_day + surge_days) * 24.0) if city.emergency_load else None
    join_at = (surge_day + 1) * 24.0 if policy != "model_no_plus" else None
    matters = [Matter(m.filed, m.unit, m.tier, m.effort, m.urgent) for m in matters]
    if policy == "central":
        staff = sum(city.unit_hours) + sum(city.community_hours) + city.street_hours
        plus = sum(city.plus_hours)
        hotline = _Pool(env, staff * city.hotline_share, 0, None)
        handlers = _Pool(env, staff * (1 - city.hotline_share), plus, join_at, busy)
        intake_h, overhead_h = city.hotline_intake_h * WALL, city.central_overhead_h

        def life(m: Matter) -> None:
            def responded(now):
                m.responded = now

            def resolved(now):
                m.resolved = now

            def dispatched(_now):
                handlers.submit(0 if m.urgent else 1, (m.effort + overhead_h) * WALL, None, resolved)

            hotline.submit(0, intake_h, responded, dispatched)
    else:
        # "+" members join their community's units, in proportion to the units' own hours.
        per_unit_plus = [0.0] * len(city.units)
        if policy == "model":
            by_c: dict[int, float] = {}
            for i, c in enumerate(city.units):
                by_c[c] = by_c.get(c, 0.0) + city.unit_hours[i]
            for i, c in enumerate(city.units):
                per_unit_plus[i] = city.plus_hours[c] * city.unit_hours[i] / by_c[c] if by_c[c] else 0.0
        units = [_Pool(env, city.unit_hours[i], per_unit_plus[i], join_at, busy) for i in range(len(city.units))]
        communities = [_Pool(env, h, 0, None, busy) for h in city.community_hours]
        street = _Pool(env, city.street_hours, 0, None, busy)
        intake_h = city.intake_h

        def life(m: Matter) -> None:
            def responded(now):
                m.responded = now

            def resolved(now):
                m.resolved = now

            unit = units[m.unit]
            if m.tier == 1:
                # 收单 and settled in the unit by whoever picks it up (小事不出组, often on the spot).
                unit.submit(0 if m.urgent else 1, (intake_h + m.effort) * WALL, responded, resolved)
                return
            # 收单 by the unit's Party group (first response), then up to the community or the street.
            level = communities[city.units[m.unit]] if m.tier == 2 else street

            def escalated(_now):
                level.submit(0 if m.urgent else 1, m.effort * WALL, None, resolved)

            unit.submit(0, intake_h * WALL, responded, escalated)

    # Arrivals as one chain of timeouts in filing order (the next is scheduled when one arrives).
    def arrive(i: int) -> None:
        life(matters[i])
        if i + 1 < len(matters):
            _at(env, matters[i + 1].filed, arrive, i + 1)

    if matters:
        _at(env, matters[0].filed, arrive, 0)
    env.run(until=days * 24.0)
    return matters


# --- measures -------------------------------------------------------------------------------------
def _pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(p * len(values)))], 2)


def daily_rows(city: City, matters: list[Matter], *, policy: str, days: int) -> list[dict]:
    """Per day: response rate (filed that day, first response within the deadline), median/p90 hours
    to first response and to resolution (of matters filed that day; a matter still open at the end of
    the run counts with the time so far, so late-run figures are lower bounds), backlog and overdue
    share at the end of the day. Backlog and overdue by difference arrays: O(matters + days)."""
    end_run = days * 24.0
    by_day: dict[int, list[Matter]] = {}
    open_diff = [0] * (days + 1)
    overdue_diff = [0] * (days + 1)
    for m in matters:
        by_day.setdefault(int(m.filed // 24), []).append(m)
        # open at the end of day d  ⇔  filed < 24(d+1)  and  not resolved by 24(d+1)
        stop = days if m.resolved is None else min(days, math.ceil(m.resolved / 24) - 1)
        first = int(m.filed // 24)
        if first < stop:
            open_diff[first] += 1
            open_diff[stop] -= 1
        due = m.filed + (city.resolve_deadline_h / 2 if m.urgent else city.resolve_deadline_h)
        first_over = int(due // 24)
        if first_over < stop:
            overdue_diff[first_over] += 1
            overdue_diff[stop] -= 1
    rows, backlog, overdue = [], 0, 0
    for day in range(days):
        backlog += open_diff[day]
        overdue += overdue_diff[day]
        filed = by_day.get(day, [])
        resp = [(m.responded if m.responded is not None else end_run) - m.filed for m in filed]
        resol = [(m.resolved if m.resolved is not None else end_run) - m.filed for m in filed]
        on_time = sum(1 for m in filed if m.responded is not None and m.responded - m.filed <= (
            city.respond_deadline_h / 2 if m.urgent else city.respond_deadline_h))
        rows.append({
            "policy": policy, "day": day + 1, "filed": len(filed),
            "response_rate": round(on_time / len(filed), 4) if filed else None,
            "median_response_h": _pct(resp, 0.5), "p90_response_h": _pct(resp, 0.9),
            "median_resolution_h": _pct(resol, 0.5), "p90_resolution_h": _pct(resol, 0.9),
            "backlog": backlog, "overdue_share": round(overdue / backlog, 4) if backlog else 0.0,
        })
    return rows


def _one_policy(args) -> list[dict]:
    """One policy in one process: the demand is regenerated from the seed (identical in each)."""
    city, policy, days, surge_day, surge_factor, surge_days, seed = args
    matters = demand(city, days=days, surge_day=surge_day, surge_factor=surge_factor, surge_days=surge_days, seed=seed)
    done = simulate_policy(city, matters, policy=policy, days=days, surge_day=surge_day, surge_days=surge_days)
    return daily_rows(city, done, policy=policy, days=days)


def run_all(*, city: City, days: int, surge_day: int, surge_factor: float, surge_days: int, seed: int,
            workers: int | None = None):
    """The three policies, in parallel processes when there are cores for it (same demand in each)."""
    import os
    from concurrent.futures import ProcessPoolExecutor

    jobs = [(city, policy, days, surge_day, surge_factor, surge_days, seed) for policy in POLICIES]
    workers = workers or min(len(jobs), os.cpu_count() or 1)
    if workers > 1:
        import multiprocessing

        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            results = list(pool.map(_one_policy, jobs))
    else:
        results = [_one_policy(job) for job in jobs]
    rows, summary = [], {}
    for policy, prows in zip(POLICIES, results, strict=True):
        rows.extend(prows)
        window = [r for r in prows if surge_day < r["day"] <= surge_day + surge_days] or prows
        summary[policy] = {
            "surge_factor": surge_factor,
            "response_rate": _mean([r["response_rate"] for r in window]),
            "median_response_h": _median([r["median_response_h"] for r in window]),
            "p90_resolution_h": max((r["p90_resolution_h"] or 0) for r in window),
            "peak_backlog": max(r["backlog"] for r in prows),
            "overdue_share": _mean([r["overdue_share"] for r in window]),
            "final_backlog": prows[-1]["backlog"],
        }
    return rows, summary


def _mean(values):
    values = [v for v in values if v is not None]
    return round(statistics.fmean(values), 4) if values else None


def _median(values):
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 2) if values else None


def table(summary: dict) -> str:
    head = f"{'policy':<15}{'surge':>6}{'resp.rate':>10}{'med.resp h':>11}{'p90 resol h':>12}{'peak backlog':>13}" \
           f"{'overdue':>9}{'end backlog':>12}"
    lines = [head]
    for policy, s in summary.items():
        lines.append(f"{policy:<15}{s['surge_factor']:>6}{_f(s['response_rate'], pct=True):>10}"
                     f"{_f(s['median_response_h']):>11}{_f(s['p90_resolution_h']):>12}{s['peak_backlog']:>13}"
                     f"{_f(s['overdue_share'], pct=True):>9}{s['final_backlog']:>12}")
    return "\n".join(lines)


def _f(v, pct: bool = False) -> str:
    if v is None:
        return "—"
    return f"{v * 100:.1f}%" if pct else f"{v:.1f}"


def chart(rows: list[dict], path: str, *, surge_day: int, surge_days: int, surge_factor: float) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(11, 7), sharex=True)
    panels = (("response_rate", "response rate (within deadline)"), ("median_response_h", "median hours to first response"),
              ("backlog", "backlog (open matters)"), ("p90_resolution_h", "p90 hours to resolution"))
    for ax, (key, title) in zip(axes.flat, panels, strict=True):
        for policy in POLICIES:
            pr = [r for r in rows if r["policy"] == policy]
            ax.plot([r["day"] for r in pr], [r[key] if r[key] is not None else float("nan") for r in pr], label=policy)
        ax.axvspan(surge_day + 1, surge_day + surge_days, color="#f4cccc", alpha=0.5)
        ax.set_title(title)
        ax.grid(alpha=0.3)
    axes[0][0].legend()
    fig.suptitle(f"yzyh simulate: surge ×{surge_factor} from day {surge_day + 1} for {surge_days} days")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
