"""Reads for maps, each starting from the viewer's scope (or the resident's own unit)."""

from __future__ import annotations

import datetime as dt
import json

from django.db.models import Count, F, Q
from django.utils import timezone

from yizuyihui.accounts.scope import paths_q, user_scope
from yizuyihui.cases.models import OPEN_STATUSES, Case, CaseStatus
from yizuyihui.org.models import UNIT_LEVELS, OrgNode
from yizuyihui.places.models import Boundary

POINT_LIMIT = 20_000


def _feature_collection(features: list[str]) -> str:
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"


def unit_boundaries(*, paths: tuple[str, ...]) -> str:
    """Unit polygons under `paths` as GeoJSON text, the feature id being the unit's id (what the
    choropleth's values are keyed by)."""
    qs = (Boundary.objects.filter(paths_q(paths, "node"), node__level__in=UNIT_LEVELS)
          .order_by("node__path").values_list("node__unit", "node__name", "geometry"))
    return _feature_collection([
        '{"type":"Feature","id":%d,"properties":{"name":%s},"geometry":%s}'
        % (unit_id, json.dumps(name, ensure_ascii=False), json.dumps(geometry, separators=(",", ":")))
        for unit_id, name, geometry in qs])


def case_points(*, user, under: OrgNode | None = None, include_closed: bool = False, now=None) -> str:
    """The worklist's map: matters in scope that carry a point (open ones, or all of the last
    90 days), with what a pin shows. One query over (unit→node path, lat) of up to 20,000 rows."""
    now = now or timezone.now()
    qs = Case.objects.filter(paths_q(user_scope(user).paths, "unit__node"), lat__isnull=False, long__isnull=False)
    if under is not None:
        qs = qs.filter(unit__node__path__startswith=under.path)
    if include_closed:
        qs = qs.filter(filed_at__gte=now - dt.timedelta(days=90)).exclude(status=CaseStatus.MERGED)
    else:
        qs = qs.filter(status__in=OPEN_STATUSES)
    rows = qs.order_by().values_list("pk", "lat", "long", "title", "status", "resolve_due")[:POINT_LIMIT]
    labels = dict(CaseStatus.choices)
    return _points(rows, labels, now, with_link=True)


def _points(rows, labels, now, *, with_link: bool) -> str:
    out = []
    for pk, lat, long, title, status, due in rows:
        overdue = status in OPEN_STATUSES and due is not None and due < now
        props = {"t": title[:60], "s": str(labels.get(status, status)), "o": overdue}
        if with_link:
            props["id"] = pk
        out.append('{"type":"Feature","geometry":{"type":"Point","coordinates":[%.6f,%.6f]},"properties":%s}'
                   % (long, lat, json.dumps(props, ensure_ascii=False, separators=(",", ":"))))
    return _feature_collection(out)


def board_points(*, unit, now=None) -> str:
    """全员监督 on a map: the unit's matters without personal data (title and status only, no
    link to the staff page, no reporter), the same rows the public board lists."""
    now = now or timezone.now()
    rows = (Case.objects.filter(unit=unit, lat__isnull=False, long__isnull=False)
            .exclude(status__in=[CaseStatus.RETURNED, CaseStatus.MERGED]).order_by("-filed_at")
            .values_list("pk", "lat", "long", "title", "status", "resolve_due")[:500])
    return _points(rows, dict(CaseStatus.choices), now, with_link=False)


MEASURES = ("response", "resolution", "overdue")


def unit_measures(*, user, measure: str, start: dt.datetime, end: dt.datetime, now=None) -> dict[int, float | int]:
    """Per unit in scope, for the choropleth: share responded in time, share resolved (matters
    filed in [start, end)), or the number open and overdue now. One grouped query."""
    now = now or timezone.now()
    qs = Case.objects.filter(paths_q(user_scope(user).paths, "unit__node")).order_by()
    if measure == "overdue":
        rows = (qs.filter(status__in=OPEN_STATUSES, resolve_due__lt=now).values("unit_id")
                .annotate(n=Count("pk")).values_list("unit_id", "n"))
        return dict(rows)
    qs = qs.filter(filed_at__gte=start, filed_at__lt=end).exclude(status__in=[CaseStatus.MERGED, CaseStatus.RETURNED])
    part = (Q(responded_at__isnull=False, responded_at__lte=F("respond_due")) if measure == "response"
            else Q(resolved_at__isnull=False))
    rows = qs.values("unit_id").annotate(total=Count("pk"), part=Count("pk", filter=part)).values_list(
        "unit_id", "total", "part")
    return {unit_id: round(part / total, 3) for unit_id, total, part in rows if total}
