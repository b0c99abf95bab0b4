"""`yzyh bench worklists`: the staff worklist (/cases/) per role on the scale city that
`yzyh bench scale` built, and its queries' plans (EXPLAIN ANALYZE) — issue 17's "the inbox and
dispatch-board queries take ~100 ms each" at 1 M matters. Also times the dashboard's panels
(visits, duties, reports, meetings) per scope. Prints figures; changes nothing but the bench
personas' posts."""

from __future__ import annotations

import os
import statistics
import time

import click

ROLES = (  # (persona, role, level of the node: 1 city … 5 grid)
    ("city_admin", "city_admin", 1),
    ("district_official", "district_official", 2),
    ("street_official", "street_official", 3),
    ("community_cadre", "community_cadre", 4),
    ("grid_worker", "grid_worker", 5),
    ("unit_leader", "unit_leader", 5),
)


def _pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def _people(city):
    from django.contrib.auth import get_user_model

    from yizuyihui.org.models import OrgNode
    from yizuyihui.people.models import Post

    User = get_user_model()
    node, nodes = city, {1: city}
    for depth in range(2, 6):
        node = OrgNode.objects.filter(path__startswith=node.path, depth=depth).order_by("path").first()
        nodes[depth] = node
    people = {}
    for name, role, depth in ROLES:
        user, _ = User.objects.get_or_create(username=f"bench-scale-{name}")
        Post.objects.get_or_create(user=user, role=role, node=nodes[depth])
        people[name] = (user, nodes[depth])
    return people


def _explain(qs) -> tuple[float, str]:
    from django.core.exceptions import EmptyResultSet
    from django.db import connection

    try:
        sql, params = qs.query.sql_with_params()
    except EmptyResultSet:  # no post that lists anything here
        return 0.0, "(empty: no query)"
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        lines = [r[0] for r in cur.fetchall()]
    ms = next((float(x.split(":")[1].split()[0]) for x in lines if x.startswith("Execution Time")), float("nan"))
    return ms, "\n".join(lines)


@click.command("worklists")
@click.option("--repeat", default=20, show_default=True, type=click.IntRange(3, 1000))
@click.option("--plans/--no-plans", default=False, help="Print the full EXPLAIN ANALYZE of each worklist query")
@click.option("--panels/--no-panels", default=True, help="Also time the dashboard's visits and meetings panels")
def bench_worklists(repeat: int, plans: bool, panels: bool) -> None:
    """Worklist p50/p95 per role and the worklist queries' execution times on the scale city."""
    from yizuyihui.core.cli import setup_django

    setup_django()
    from django.db import connection
    from django.test import Client

    from yizuyihui.cases import selectors
    from yizuyihui.cases.models import Case
    from yizuyihui.org.models import OrgNode

    city = OrgNode.objects.filter(depth=1, name__startswith="B市").order_by("-pk").first()
    if city is None:
        raise click.ClickException("no scale city: run `yzyh bench scale` first")
    people = _people(city)
    click.echo(f"matters: {Case.objects.count():,}; database {connection.vendor}")
    click.echo(f"\n{'role':<20}{'page / query':<34}{'p50 ms':>10}{'p95 ms':>10}")
    for name, (user, _node) in people.items():
        client = Client()
        client.force_login(user)
        client.get("/cases/")
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            client.get("/cases/")
            times.append((time.perf_counter() - t) * 1000)
        click.echo(f"{name:<20}{'/cases/':<34}{_pct(times, 50):>10.1f}{_pct(times, 95):>10.1f}")
        if connection.vendor != "postgresql":
            continue
        for label, qs in (("inbox", selectors.unit_inbox(user=user)[:100]),
                          ("dispatch board", selectors.dispatch_board(user=user)[:100]),
                          ("feedback due", selectors.feedback_due(user=user)[:100]),
                          ("closable unrated", selectors.closable_unrated(user=user)[:100])):
            runs = [_explain(qs) for _ in range(3)]
            ms = statistics.median(r[0] for r in runs)
            click.echo(f"{'':<20}{'  ' + label + ' (EXPLAIN ANALYZE)':<34}{ms:>10.1f}{'':>10}")
            if plans:
                click.echo(runs[-1][1])
    if panels:
        _panels(people, repeat)
    load = os.getloadavg()
    click.echo(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


def _panels(people, repeat: int) -> None:
    """The visits and meetings panels at each persona's node for the last 365 days."""
    import datetime as dt

    from django.test import RequestFactory
    from django.utils import timezone

    from yizuyihui.meetings.dashboard import dashboard_panels as meetings_panels
    from yizuyihui.visits.dashboard import dashboard_panels as visits_panels

    tz = timezone.get_current_timezone()
    end = dt.datetime.combine(timezone.localdate() + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    start = end - dt.timedelta(days=366)
    click.echo(f"\n{'role':<20}{'panels (365 days)':<34}{'p50 ms':>10}{'p95 ms':>10}")
    for name, (user, node) in people.items():
        request = RequestFactory().get("/insights/")
        request.user = user
        for label, fn in (("visits + duties + reports", visits_panels), ("meetings", meetings_panels)):
            fn(request, node=node, start=start, end=end)
            times = []
            for _ in range(repeat):
                t = time.perf_counter()
                fn(request, node=node, start=start, end=end)
                times.append((time.perf_counter() - t) * 1000)
            click.echo(f"{name:<20}{label:<34}{_pct(times, 50):>10.1f}{_pct(times, 95):>10.1f}")
