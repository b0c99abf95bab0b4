"""Reads for maps, each starting from the viewer's scope (or the resident's own unit)."""

from __future__ import annotations

import datetime as dt
import json
from itertools import chain

from django.db import connections
from django.db.models import BooleanField, Count, ExpressionWrapper, F, IntegerField, Q, Value, When
from django.db.models import Case as SqlCase
from django.db.models.functions import Cast, Left
from django.utils import timezone

from yizuyihui.accounts.scope import paths_q, user_scope
from yizuyihui.cases.models import OPEN_STATUSES, Case, CaseStatus
from yizuyihui.org.models import UNIT_LEVELS, OrgNode
from yizuyihui.places.geometry import unit_index_version
from yizuyihui.places.models import Boundary

POINT_LIMIT = 20_000


def _feature_collection(features: list[str]) -> str:
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"


_boundary_text: dict[tuple, tuple[tuple, str]] = {}


def unit_boundaries(*, paths: tuple[str, ...]) -> str:
    """Unit polygons under `paths` as GeoJSON text, the feature id being the unit's id (what the
    choropleth's values are keyed by). Boundaries change rarely and decoding 4,915 JSON polygons
    costs ~0.5 s, so the text is kept per scope until the unit index sees a new version."""
    version = unit_index_version()
    cached = _boundary_text.get(paths)
    if cached is not None and cached[0] == version:
        return cached[1]
    qs = (Boundary.objects.filter(paths_q(paths, "node"), node__level__in=UNIT_LEVELS)
          .order_by("node__path").values_list("node__unit", "node__name", "geometry"))
    text = _feature_collection([
        '{"type":"Feature","id":%d,"properties":{"name":%s},"geometry":%s}'
        % (unit_id, json.dumps(name, ensure_ascii=False), json.dumps(geometry, separators=(",", ":")))
        for unit_id, name, geometry in qs])
    if len(_boundary_text) > 256:  # one entry per distinct scope; bounded
        _boundary_text.clear()
    _boundary_text[paths] = (version, text)
    return text


def _case_point_rows(*, user, under: OrgNode | None, include_closed: bool, now):
    qs = Case.objects.filter(paths_q(user_scope(user).paths, "unit__node"), lat__isnull=False, long__isnull=False)
    if under is not None:
        qs = qs.filter(unit__node__path__startswith=under.path)
    if include_closed:
        qs = qs.filter(filed_at__gte=now - dt.timedelta(days=90)).exclude(status=CaseStatus.MERGED)
    else:
        qs = qs.filter(status__in=OPEN_STATUSES)
    return qs.order_by().annotate(o=_overdue(now))


def case_points(*, user, under: OrgNode | None = None, include_closed: bool = False, now=None) -> str:
    """The worklist's matters as GeoJSON (for GIS tools): matters in scope that carry a point (open
    ones, or all of the last 90 days). The map itself reads the compact `case_pins`."""
    now = now or timezone.now()
    rows = _case_point_rows(user=user, under=under, include_closed=include_closed, now=now).values_list(
        "pk", "lat", "long", "title", "status", "o")[:POINT_LIMIT]
    return _points(rows, dict(CaseStatus.choices), with_link=True)


PIN_SCALE = 100_000  # coordinates as integers of 1e-5 degree (about 1 m): short, and no float formatting
PIN_TITLE = 30


def case_pins(*, user, under: OrgNode | None = None, include_closed: bool = False, now=None) -> str:
    """The worklist map's pins, compact: `{"scale", "labels", "p"}` where `p` is flat
    [id, lat·scale, long·scale, status index·2 + overdue, title] per pin.

    One query of up to 20,000 rows that computes everything a pin carries (integer coordinates,
    the status index with the overdue flag, the cut title), read with the driver's cursor so no
    per-row Python runs (Django's per-row converters were a third of the time), and one
    C-encoder JSON call. GeoJSON built per feature cost 55 ms of CPU and 1.5 MB for 10,000 pins."""
    now = now or timezone.now()
    codes = list(CaseStatus.values)
    status_code = SqlCase(*[When(status=code, then=Value(2 * i)) for i, code in enumerate(codes)],
                       default=Value(0), output_field=IntegerField())
    overdue = SqlCase(When(Q(status__in=OPEN_STATUSES, resolve_due__lt=now), then=Value(1)), default=Value(0),
                   output_field=IntegerField())
    qs = (_case_point_rows(user=user, under=under, include_closed=include_closed, now=now)
          .annotate(pin_code=status_code + overdue)
          .values_list("pk", Cast(F("lat") * PIN_SCALE, IntegerField()), Cast(F("long") * PIN_SCALE, IntegerField()),
                       "pin_code", Left("title", PIN_TITLE))[:POINT_LIMIT])
    sql, params = qs.query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        flat = list(chain.from_iterable(cursor.fetchall()))
    labels = [str(label) for label in CaseStatus.labels]  # translated once per response
    return json.dumps({"scale": PIN_SCALE, "labels": labels, "p": flat}, ensure_ascii=False, separators=(",", ":"))


def _overdue(now) -> ExpressionWrapper:
    # Computed in SQL: converting 10,000 aware datetimes in Python cost more than the query.
    return ExpressionWrapper(Q(status__in=OPEN_STATUSES, resolve_due__lt=now), output_field=BooleanField())


def _points(rows, labels, *, with_link: bool) -> str:
    labels = {k: json.dumps(str(v), ensure_ascii=False) for k, v in labels.items()}  # translate once, not per row
    out = []
    for pk, lat, long, title, status, overdue in rows:
        overdue = "true" if overdue else "false"
        link = ',"id":%d' % pk if with_link else ""
        out.append('{"type":"Feature","geometry":{"type":"Point","coordinates":[%.6f,%.6f]},'
                   '"properties":{"t":%s,"s":%s,"o":%s%s}}'
                   % (long, lat, json.dumps(title[:60], ensure_ascii=False), labels.get(status, '""'), overdue, link))
    return _feature_collection(out)


def board_points(*, unit, now=None) -> str:
    """全员监督 on a map: the unit's matters without personal data (title and status only, no
    link to the staff page, no reporter), the same rows the public board lists."""
    now = now or timezone.now()
    rows = (Case.objects.filter(unit=unit, lat__isnull=False, long__isnull=False)
            .exclude(status__in=[CaseStatus.RETURNED, CaseStatus.MERGED]).order_by("-filed_at")
            .annotate(o=_overdue(now)).values_list("pk", "lat", "long", "title", "status", "o")[:500])
    return _points(rows, dict(CaseStatus.choices), with_link=False)


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
