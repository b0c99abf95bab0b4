"""The rules applied in the database (points_sql) give exactly what the Python loop (`points.award`,
the reference) gives: ties at one instant, a cap reached exactly or overshot, a rule changed
between two derivations, windows, the month's edge in Shanghai time, datetimes stored with an
offset by bulk loads."""

import datetime as dt
import random
from decimal import Decimal

from yizuyihui.core.bulk import fast_insert
from yizuyihui.incentives import points, services
from yizuyihui.incentives.models import EntryKind, PointAccount, PointEntry
from yizuyihui.resources.models import ServiceHours
from yizuyihui.visits.models import Visit

from .conftest import TZ, at, file_and_accept, volunteer_hours

UTC = dt.UTC


def reference_derive(start=None, end=None) -> dict:
    """What the derivation wrote before it ran in SQL: `award` over the events, the caps' `used`
    and the `done` sources read from the ledger. {(person, source): (event, period, points)}."""
    active = points.active_rules()
    used: dict = {}
    done: set = set()
    for person_id, event, period, source, pts in PointEntry.objects.filter(kind=EntryKind.AWARD).values_list(
            "person_id", "event", "period", "source", "points"):
        used[(person_id, event, period)] = used.get((person_id, event, period), 0) + pts
        done.add((person_id, source))
    from collections import defaultdict

    used = defaultdict(int, used)
    awards = points.award(points.events_between(start, end, rules=active), active, used=used, done=done)
    return {(a.person_id, a.source): (a.event, a.period, a.points) for a in awards}


def derive_and_compare(start=None, end=None) -> dict:
    expected = reference_derive(start, end)
    before = set(PointEntry.objects.values_list("pk", flat=True))
    assert services.points_derive(start=start, end=end) == len(expected)
    new = {(e.person_id, e.source): (e.event, e.period, e.points)
           for e in PointEntry.objects.exclude(pk__in=before)}
    assert new == expected
    return new


def ledger_balances() -> dict:
    sums: dict = {}
    for person_id, pts in PointEntry.objects.values_list("person_id", "points"):
        sums[person_id] = sums.get(person_id, 0) + pts
    accounts = {a.person_id: a.balance for a in PointAccount.objects.all() if a.balance}
    assert accounts == {k: v for k, v in sums.items() if v}, "the rollups equal the ledger"
    return accounts


def visits(cast, person, instants, first_pk):
    household = cast.residents[person].household
    Visit.objects.bulk_create(Visit(pk=first_pk + i, household=household, unit=household.unit, visited_at=when)
                              for i, when in enumerate(instants))


def test_ties_at_one_instant_are_awarded_in_the_order_of_their_sources_as_text(cast, point_rules):
    """Six visits at the same second, cap 4 a year at 1 point: the first four sources in Python's
    string order win — "visit:100" < "visit:103" < "visit:98", not numeric order."""
    visits(cast, "resident", [at(2026, 3, 5)] * 6, first_pk=98)
    new = derive_and_compare()
    assert sorted(source for _, source in new) == ["visit:100", "visit:101", "visit:102", "visit:103"]


def test_a_cap_reached_exactly_then_raised_awards_the_rest_once(cast, point_rules):
    """5 + 5 reach March's cap of 10 exactly: the third matter gets nothing and no line (a 0 is
    not written), so raising the cap to 15 later awards it 5 — and deriving again adds nothing."""
    resident = cast.residents["resident"]
    for day in (2, 3, 4):
        file_and_accept(cast, f"三月{day}", at(2026, 3, day))
    assert set(derive_and_compare().values()) == {("matter_accepted", "2026-03", 5)}
    assert PointEntry.objects.filter(person=resident).count() == 2
    services.point_rule_save(actor=cast.users["city_admin"], event="matter_accepted", points=5, cap=15, period="month")
    assert list(derive_and_compare().values()) == [("matter_accepted", "2026-03", 5)]
    assert derive_and_compare() == {}
    assert ledger_balances() == {resident.pk: 15}


def test_a_rule_changed_between_derivations(cast, point_rules):
    """Points per event raised, then the cap period changed from month to year: what is in the
    ledger stays; new events are capped by what the ledger holds under the new period's key."""
    admin = cast.users["city_admin"]
    for day in (2, 9):
        file_and_accept(cast, f"一{day}", at(2026, 1, day))
    derive_and_compare()  # 5 + 5 = January's cap
    services.point_rule_save(actor=admin, event="matter_accepted", points=8, cap=10, period="month")
    for day in (2, 9):
        file_and_accept(cast, f"二{day}", at(2026, 2, day))
    assert sorted(v[2] for v in derive_and_compare().values()) == [2, 8]  # 8, then 2 up to the cap
    services.point_rule_save(actor=admin, event="matter_accepted", points=8, cap=12, period="year")
    file_and_accept(cast, "三", at(2026, 3, 2))
    file_and_accept(cast, "三b", at(2026, 3, 3))
    # The year's key "2026" holds nothing yet: 8, then 4 up to 12.
    assert sorted(derive_and_compare().values()) == [("matter_accepted", "2026", 4), ("matter_accepted", "2026", 8)]
    ledger_balances()


def test_partial_awards_of_hours_and_tenths_of_an_hour(cast, point_rules):
    """2 points an hour, cap 40 a month: 0.3 h earns 0 (not written), 2.5 h earns 5, and the last
    row of the month gets only what is left under the cap."""
    first = volunteer_hours(cast, "0.3", dt.date(2026, 5, 1))
    rows = [("2.5", 2), ("12", 3), ("0.4", 4), ("8", 5), ("9.9", 6)]
    ServiceHours.objects.bulk_create(ServiceHours(dispatch=first.dispatch, team=first.team, volunteer=first.volunteer,
                                                  path=first.path, on=dt.date(2026, 5, d), hours=Decimal(h))
                                     for h, d in rows)
    new = derive_and_compare()
    # 5 + 24 = 29; 0.4 h → 0; 8 h → 16, only 11 left; 9.9 h → nothing left.
    assert sorted(v[2] for v in new.values()) == [5, 11, 24]


def test_the_month_edge_in_shanghai_time_and_offsets_written_by_bulk_loads(cast, point_rules):
    """23:59:59.999999 local on 31 March is March; a second later is April — also for times a
    bulk load stored with their +08:00 offset (SQLite keeps them as text)."""
    edge = dt.datetime(2026, 3, 31, 15, 59, 59, 999999, tzinfo=UTC)
    household = cast.residents["building_head"].household
    fast_insert(Visit, ("id", "household_id", "unit_id", "visited_at", "note", "photo", "created"), [
        (500, household.pk, household.unit_id, edge.astimezone(TZ), "", "", edge),
        (501, household.pk, household.unit_id, (edge + dt.timedelta(microseconds=1)).astimezone(TZ), "", "", edge),
    ])
    services.point_rule_save(actor=cast.users["city_admin"], event="visit_hosted", points=1, cap=4, period="month")
    new = derive_and_compare()
    assert sorted((s, v[1]) for (_, s), v in new.items()) == [("visit:500", "2026-03"), ("visit:501", "2026-04")]
    assert points.balances_recomputed() == points.balances_recomputed_in_python() == ledger_balances()


def test_random_records_derived_in_random_windows_equal_the_reference(cast, point_rules):
    """A record with many ties, month and quarter edges and partial awards, derived in random
    windows (rules edited twice on the way): every derivation writes what the reference loop
    would, and the ledger equals both recomputations at the end."""
    rng = random.Random(15)
    admin = cast.users["city_admin"]
    services.point_rule_save(actor=admin, event="visit_hosted", points=2, cap=7, period="month")
    services.point_rule_save(actor=admin, event="volunteer_hours", points=3, cap=20, period="quarter")
    instants = [dt.datetime(2026, m, d, h, tzinfo=UTC) for m in range(1, 7) for d in (1, 15, 28) for h in (0, 15, 16)]
    instants += [dt.datetime(2026, m, 1, 15, 59, 59, 999999, tzinfo=UTC) for m in range(2, 7)]
    pk = 90
    for person in ("resident", "building_head", "council_member"):
        n = 40
        visits(cast, person, [rng.choice(instants) for _ in range(n)], first_pk=pk)
        pk += n
    first = volunteer_hours(cast, "1", dt.date(2026, 1, 5))
    ServiceHours.objects.bulk_create(
        ServiceHours(dispatch=first.dispatch, team=first.team, volunteer=first.volunteer, path=first.path,
                     on=dt.date(2026, rng.randint(1, 6), rng.randint(1, 28)),
                     hours=Decimal(rng.choice(["0.3", "1", "1.5", "2.7", "4"]))) for _ in range(40))
    for day in (3, 3, 17):
        file_and_accept(cast, f"二月{day}", at(2026, 2, day, 9))
    edges = sorted({dt.datetime(2026, 1, 1, tzinfo=TZ), *(rng.choice(instants) for _ in range(5)),
                    dt.datetime(2026, 7, 1, tzinfo=TZ)})
    for i, (a, b) in enumerate(zip(edges, edges[1:], strict=False)):
        derive_and_compare(a, b)
        if i == 1:
            services.point_rule_save(actor=admin, event="visit_hosted", points=3, cap=10, period="month")
        if i == 3:
            services.point_rule_save(actor=admin, event="volunteer_hours", points=3, cap=25, period="year")
    derive_and_compare()
    assert PointEntry.objects.count() > 30
    # After rule edits the ledger keeps what the old rules gave; the recomputations agree with each other.
    assert points.balances_recomputed() == points.balances_recomputed_in_python()
    ledger_balances()


def test_recomputation_without_rule_changes_equals_the_ledger_on_a_random_record(cast, point_rules):
    rng = random.Random(7)
    instants = [dt.datetime(2026, m, d, h, tzinfo=UTC) for m in (1, 2, 3) for d in (1, 31 if m != 2 else 28)
                for h in (0, 16)]
    visits(cast, "resident", [rng.choice(instants) for _ in range(30)], first_pk=7)
    visits(cast, "council_member", [rng.choice(instants) for _ in range(30)], first_pk=95)
    services.point_rule_save(actor=cast.users["city_admin"], event="visit_hosted", points=3, cap=8, period="quarter")
    derive_and_compare(None, dt.datetime(2026, 2, 1, tzinfo=TZ))
    derive_and_compare(dt.datetime(2026, 2, 1, tzinfo=TZ), None)
    assert ledger_balances() == points.balances_recomputed() == points.balances_recomputed_in_python()
