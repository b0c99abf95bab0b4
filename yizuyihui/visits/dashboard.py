"""Compliance panels for the measures dashboard (DOMAIN §10: visit compliance by household
category, 六必到 attendance times, 六必报 counts).

Panels are `core.panels.Panel`: the coverage as a table with a bar per category, the arrivals as
figures, the reports as bars.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yizuyihui.core.panels import Panel
from yizuyihui.visits import rollups, selectors


def _as_date(value) -> dt.date:
    """The residents' day of a bound: an aware instant is read in the site's zone, never UTC."""
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def compliance(*, user, node, start: dt.date, end: dt.date) -> selectors.Compliance:
    """The compliance page for local days [start, end], `end` included (selectors.compliance's
    figures): by category, 六必到 and 六必报 from the rollups like the dashboard's panels (a street's
    millions of planned visits were counted on every look), the queued buckets folded in first so a
    visit just logged shows; the per-unit table ("where to look") stays a live count."""
    a = rollups.api()
    if a is None:
        return selectors.compliance(user=user, node=node, start=start, end=end)
    a.fresh()
    page = figures(user=user, node=node, start=start, end=end + dt.timedelta(days=1))
    page.by_unit = selectors.coverage_by_unit(user=user, node=node, start=start, end=end)
    return page


def figures(*, user, node, start, end):
    """The panels' figures for local days [start, end): from insights' rollups (visits/rollups.py)
    when insights is installed, else computed from the visit tables."""
    start_day, end_day = _as_date(start), _as_date(end)
    last = end_day - dt.timedelta(days=1)
    if rollups.api() is not None:
        return selectors.Compliance(
            coverage=rollups.coverage(user=user, node=node, start=start_day, end=last),
            duties=rollups.duty_figures(user=user, node=node, start=start_day, end=end_day),
            reports=rollups.report_counts(user=user, node=node, start=start_day, end=end_day),
        )
    tz = timezone.get_current_timezone()
    s = dt.datetime.combine(start_day, dt.time(), tzinfo=tz)
    e = dt.datetime.combine(end_day, dt.time(), tzinfo=tz)
    return selectors.Compliance(
        coverage=selectors.visit_coverage(user=user, node=node, start=start_day, end=last),
        duties=selectors.duty_figures(user=user, node=node, start=s, end=e),
        reports=selectors.report_counts(user=user, node=node, start=s, end=e),
    )


def dashboard_panels(request, *, node, start, end) -> list[Panel]:
    # [start, end) as the dashboard gives it (the old call read one day past `end` and the unit
    # table of the compliance page, which the panels do not show).
    c = figures(user=request.user, node=node, start=start, end=end)
    url = reverse("visits:compliance") + (f"?node={node.pk}" if node is not None else "")
    coverage = [[_("Category"), _("Done"), _("Due"), _("Overdue"), _("Coverage")]] + [
        [row.label, row.done, row.due, row.overdue, f"{row.rate:.0%}" if row.rate is not None else "—"] for row in c.coverage
    ]
    d = c.duties
    duties = [
        (_("Duties"), d["total"]), (_("Arrived"), d["arrived"]), (_("On time"), d["on_time"]),
        (_("Missed (supervised)"), d["missed"]),
        (_("Median minutes to arrive"), d["median_minutes"] if d["median_minutes"] is not None else "—"),
    ]
    reports = list(c.reports)
    most = max([n for _label, n in reports if isinstance(n, int)] or [0])
    return [
        Panel(title=_("三必访 coverage by household category"), rows=coverage, url=url, order=30,
              bars=[(row.label, f"{row.rate:.0%}" if row.rate is not None else "—", row.rate or 0) for row in c.coverage]),
        Panel(title=_("六必到 arrival"), items=duties, url=url, order=31),
        Panel(title=_("六必报 reports"), url=url, order=32,
              bars=[(label, n, (n / most) if most and isinstance(n, int) else 0) for label, n in reports]),
    ]
