"""Open311 GeoReport v2 server at /open311/v2/ (http://wiki.open311.org/GeoReport_v2).

Format by suffix (.xml / .json) like every GeoReport v2 server, so existing clients work:
discovery, services, service definitions, requests (GET list, POST create, GET one) and tokens.
A service is a first-level category of the taxonomy; POST needs an `api_key` (accounts.ApiKey)
whose user may file for the unit, given by the `attribute[unit]` code or the key holder's unit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import reduce
from operator import or_
from xml.etree import ElementTree as ET

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router
from django.db.models import Q
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt

from yizuyihui.accounts.apikeys import key_user_for
from yizuyihui.cases import public, services
from yizuyihui.cases.models import Case, CaseEvent, CaseStatus, Category, Channel
from yizuyihui.core import validation
from yizuyihui.org.models import Unit
from yizuyihui.places.geometry import PlaceError, unit_at

CLOSED = {CaseStatus.RESOLVED, CaseStatus.FED_BACK, CaseStatus.CLOSED, CaseStatus.RETURNED, CaseStatus.MERGED}


def _render(fmt: str, root: str, item: str, rows: list[dict], status: int = 200) -> HttpResponse:
    if fmt == "json":
        return JsonResponse(rows, safe=False, status=status, json_dumps_params={"ensure_ascii": False})
    top = ET.Element(root)
    for row in rows:
        el = ET.SubElement(top, item)
        _fill(el, row)
    body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8")
    return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")


def _fill(el, row: dict) -> None:
    for key, value in row.items():
        if isinstance(value, list):
            holder = ET.SubElement(el, key)
            for v in value:
                child = ET.SubElement(holder, key.rstrip("s") if key != "values" else "value")
                _fill(child, v) if isinstance(v, dict) else setattr(child, "text", str(v))
        elif isinstance(value, dict):
            _fill(ET.SubElement(el, key), value)
        else:
            ET.SubElement(el, key).text = "" if value is None else str(value)


def _error(fmt: str, status: int, description: str) -> HttpResponse:
    return _render(fmt, "errors", "error", [{"code": status, "description": description}], status=status)


def _fmt(value: str) -> str | None:
    return value if value in ("json", "xml") else None


def _iso(value: dt.datetime | None, tz=None) -> str | None:
    """In the site's zone (`tz`: the current zone, looked up once for a page of 1 000 rows)."""
    return value.astimezone(tz or timezone.get_current_timezone()).isoformat(timespec="seconds") if value else None


def discovery(request, fmt):
    if not _fmt(fmt):
        return HttpResponse(status=404)
    base = request.build_absolute_uri("/open311/v2/")
    row = {"changeset": "2026-01-01T00:00:00+08:00", "contact": "一组一会+", "key_service": "ask your street office",
           "endpoints": [{"specification": "http://wiki.open311.org/GeoReport_v2", "url": base,
                          "changeset": "2026-01-01T00:00:00+08:00", "type": "production",
                          "formats": [{"format": "text/xml"}, {"format": "application/json"}]}]}
    if fmt == "json":
        return JsonResponse(row, json_dumps_params={"ensure_ascii": False})
    top = ET.Element("discovery")
    for k in ("changeset", "contact", "key_service"):
        ET.SubElement(top, k).text = row[k]
    eps = ET.SubElement(top, "endpoints")
    ep = ET.SubElement(eps, "endpoint")
    for k in ("specification", "url", "changeset", "type"):
        ET.SubElement(ep, k).text = row["endpoints"][0][k]
    formats = ET.SubElement(ep, "formats")
    for f in ("text/xml", "application/json"):
        ET.SubElement(formats, "format").text = f
    return HttpResponse(b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8"),
                        content_type="text/xml; charset=utf-8")


def _service_row(cat: Category) -> dict:
    return {"service_code": cat.code, "service_name": cat.name, "description": cat.name, "metadata": "true",
            "type": "realtime", "keywords": "", "group": cat.name}


def service_list(request, fmt):
    if not _fmt(fmt):
        return HttpResponse(status=404)
    rows = [_service_row(c) for c in Category.objects.filter(level=1, active=True).order_by("code")]
    return _render(fmt, "services", "service", rows)


def service_definition(request, code, fmt):
    if not _fmt(fmt):
        return HttpResponse(status=404)
    cat = Category.objects.filter(code=code, active=True).first()
    if cat is None:
        return _error(fmt, 404, "service_code not found")
    attrs = [{"variable": "true", "code": "unit", "datatype": "string", "required": "false",
              "datatype_description": "Code of the grid or natural village (一组一会)", "order": 1,
              "description": "Unit code"},
             {"variable": "true", "code": "urgent", "datatype": "singlevaluelist", "required": "false",
              "datatype_description": "", "order": 2, "description": "Urgent?",
              "values": [{"key": "0", "name": "No"}, {"key": "1", "name": "Yes"}]}]
    row = {"service_code": cat.code, "attributes": attrs}
    if fmt == "json":
        return JsonResponse(row, json_dumps_params={"ensure_ascii": False})
    top = ET.Element("service_definition")
    ET.SubElement(top, "service_code").text = cat.code
    holder = ET.SubElement(top, "attributes")
    for a in attrs:
        el = ET.SubElement(holder, "attribute")
        for k, v in a.items():
            if k == "values":
                vs = ET.SubElement(el, "values")
                for v_ in v:
                    ve = ET.SubElement(vs, "value")
                    ET.SubElement(ve, "key").text = v_["key"]
                    ET.SubElement(ve, "name").text = v_["name"]
            else:
                ET.SubElement(el, k).text = str(v)
    return HttpResponse(b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8"),
                        content_type="text/xml; charset=utf-8")


def _request_row(row: public.PublicCase, tz=None) -> dict:
    # The public-data policy (cases/public.py): no reporter, no description, no exact place.
    closed = row.status in CLOSED
    return {"service_request_id": row.id, "status": "closed" if closed else "open",
            "status_notes": row.result or row.status_label,
            "service_name": row.category, "service_code": row.category_code,
            "description": row.summary, "agency_responsible": row.unit, "service_notice": "",
            "requested_datetime": _iso(row.filed_at, tz), "updated_datetime": _iso(row.updated_at, tz),
            "expected_datetime": _iso(row.resolve_due, tz), "address": row.unit, "address_id": "", "zipcode": "",
            "lat": row.lat if row.lat is not None else "", "long": row.long if row.long is not None else "",
            "media_url": ""}


def error_for_path(path_: str, status: int, description: str) -> HttpResponse | None:
    """An Open311 error in the format the path's suffix asks for: the input middleware's
    `edge_error` provider (registered in cases/apps.py); None for paths outside Open311."""
    if not path_.startswith("/open311/"):
        return None
    return _error("json" if path_.endswith(".json") else "xml", status, description)


def _unit_for(key_user, code: str) -> Unit | None:
    if code:
        return Unit.objects.select_related("node").filter(node__code=code).first()
    from yizuyihui.accounts.roles import resident_unit

    unit = resident_unit(key_user)
    if unit is not None:
        return unit
    post = key_user.posts.filter(active=True, node__unit__isnull=False).select_related("node__unit").first()
    return post.node.unit if post else None


def _float(value: str | None) -> float | None:
    try:
        f = float(value) if value not in (None, "") else None
    except ValueError:
        return None
    return f if f is not None and -180 <= f <= 180 else None


@csrf_exempt
def requests_view(request, fmt):
    if not _fmt(fmt):
        return HttpResponse(status=404)
    if request.method == "POST":
        return _create(request, fmt)
    if request.method != "GET":
        return _error(fmt, 405, "method not allowed")
    key = _list_key(request, fmt)
    hit = cache.get(key) if key else None
    if hit is not None:
        body, content_type = hit
        return HttpResponse(body, content_type=content_type)
    response = _list(request, fmt)
    if key and response.status_code == 200:
        cache.set(key, (response.content, response["Content-Type"]), settings.YZYH_OPEN311_CACHE_SECONDS)
    return response


_GENERATION_SQL = None


def _list_key(request, fmt) -> str | None:
    """The cache key of a GET of requests: the query, the language and the state of the matters as
    the loop and the routing job leave it — the newest matter event (every filing and every step
    adds one) and how many matters wait for their routing (the job sets categories without an
    event, and a category can make a matter confidential: the count drops when it does). Anything
    else (bulk sweeps) shows within the cache's lifetime, `YZYH_OPEN311_CACHE_SECONDS`."""
    global _GENERATION_SQL
    if settings.YZYH_OPEN311_CACHE_SECONDS <= 0:
        return None
    if _GENERATION_SQL is None:
        _GENERATION_SQL = (f'SELECT (SELECT MAX(id) FROM "{CaseEvent._meta.db_table}"), '
                           f'(SELECT COUNT(*) FROM "{Case._meta.db_table}" WHERE suggestion_pending)')
    with connections[router.db_for_read(Case)].cursor() as cursor:
        cursor.execute(_GENERATION_SQL)
        last_event, pending = cursor.fetchone()
    query = sorted((k, v) for k, values in request.GET.lists() for v in values)
    digest = hashlib.sha1(repr((fmt, query, get_language())).encode()).hexdigest()
    return f"open311:requests:{last_event or 0}:{pending}:{digest}"


def _list(request, fmt):
    qs = Case.objects.exclude(status__in=[CaseStatus.MERGED, CaseStatus.RETURNED])
    raw_ids = [i.strip() for i in request.GET.get("service_request_id", "").split(",") if i.strip()]
    try:
        if raw_ids:
            ids = validation.int_list_param(raw_ids, field="service_request_id", max_items=100)
            qs = qs.filter(pk__in=ids)
        else:
            start = validation.parse_datetime_param(request.GET.get("start_date"), field="start_date")
            end = validation.parse_datetime_param(request.GET.get("end_date"), field="end_date")
            end = end or timezone.now()
            start = start or max(end - dt.timedelta(days=90), _aware_min())
            if start > end:
                raise validation.InputError("start_date is after end_date")
            qs = qs.filter(filed_at__gte=start, filed_at__lte=end)
            codes = [c for c in request.GET.get("service_code", "").split(",") if c]
            if codes:
                qs = qs.filter(reduce(or_, (Q(category__code=c) | Q(category__code__startswith=f"{c}.") for c in codes[:20])))
            status = request.GET.get("status", "")
            if status == "open":
                qs = qs.exclude(status__in=CLOSED)
            elif status == "closed":
                qs = qs.filter(status__in=CLOSED)
            elif status:
                raise validation.InputError("status must be open or closed")
    except validation.InputError as exc:
        return _error(fmt, 400, str(exc))
    tz = timezone.get_current_timezone()
    rows = [_request_row(r, tz) for r in public.public_cases(qs.order_by("-filed_at")[:1000])]
    return _render(fmt, "service_requests", "request", rows)


def _aware_min() -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(validation.MIN_DATE, dt.time()))


def _param(request, name: str) -> str:
    # GeoReport v2 clients (the PyPI `open311` client among them) send api_key and
    # jurisdiction_id in the query string even on POST.
    return request.POST.get(name) or request.GET.get(name) or ""


def _create(request, fmt):
    p = request.POST
    jurisdiction = getattr(settings, "YZYH_OPEN311_JURISDICTION", "")
    if jurisdiction and _param(request, "jurisdiction_id") not in ("", jurisdiction):
        return _error(fmt, 404, "jurisdiction_id not served here")
    key_user = key_user_for(_param(request, "api_key"))
    if key_user is None:
        return _error(fmt, 403, "api_key missing or not valid")
    cat = Category.objects.filter(code=p.get("service_code", ""), active=True).first()
    if cat is None:
        return _error(fmt, 400, "service_code not found")
    try:
        description = validation.clean_text(p.get("description"), field="description", max_length=validation.TEXT_MAX,
                                            required=True)
        address = validation.clean_text(p.get("address_string"), field="address_string", max_length=validation.PLACE_MAX)
    except validation.InputError as exc:
        return _error(fmt, 400, str(exc))
    lat, long = _float(p.get("lat")), _float(p.get("long"))
    if (lat is None or long is None) and not address and not p.get("address_id"):
        return _error(fmt, 400, "lat/long, address_string or address_id required")
    try:  # a point without attribute[unit] lands in the unit that contains it (places app)
        unit = unit_at(lat=lat, long=long) if lat is not None and long is not None and not p.get("attribute[unit]") else None
    except PlaceError as exc:
        return _error(fmt, 400, str(exc))
    unit = unit or _unit_for(key_user, p.get("attribute[unit]", ""))
    if unit is None:
        return _error(fmt, 400, "attribute[unit] required: no unit for this key")
    try:
        case = services.case_file(unit=unit, actor=key_user, title=description.splitlines()[0][:80], description=description,
                                  channel=Channel.OPEN311, urgency="urgent" if p.get("attribute[urgent]") == "1" else "normal",
                                  category=cat, place=address[:200], lat=lat, long=long, origin="resident")
    except services.CaseForbidden:
        return _error(fmt, 403, "this key may not file for that unit")
    except services.CaseError as exc:
        return _error(fmt, 400, str(exc))
    rows = [{"service_request_id": case.pk, "service_notice": "", "account_id": ""}]
    return _render(fmt, "service_requests", "request", rows, status=201)


def request_detail(request, request_id, fmt):
    if not _fmt(fmt):
        return HttpResponse(status=404)
    qs = Case.objects.filter(pk=request_id).exclude(status__in=[CaseStatus.MERGED, CaseStatus.RETURNED]) \
        if 0 < request_id < validation.MAX_INT else Case.objects.none()
    rows = public.public_cases(qs)
    if not rows:  # confidential matters are as unknown as missing ones
        return _error(fmt, 404, "service_request_id not found")
    return _render(fmt, "service_requests", "request", [_request_row(rows[0])])


def token_detail(request, token, fmt):
    if not _fmt(fmt):
        return HttpResponse(status=404)
    case = Case.objects.filter(public_id=token).only("pk").first()
    if case is None:
        return _error(fmt, 404, "token not found")
    return _render(fmt, "service_requests", "request", [{"service_request_id": case.pk, "token": str(token)}])


class Open311:
    """`open311_api.urls` is what yizuyihui/urls.py mounts at /open311/v2/."""

    @property
    def urls(self):
        patterns = [
            path("discovery.<str:fmt>", discovery, name="discovery"),
            path("services.<str:fmt>", service_list, name="services"),
            path("services/<str:code>.<str:fmt>", service_definition, name="service_definition"),
            path("requests.<str:fmt>", requests_view, name="requests"),
            path("requests/<int:request_id>.<str:fmt>", request_detail, name="request_detail"),
            path("tokens/<uuid:token>.<str:fmt>", token_detail, name="token"),
        ]
        return patterns, "open311", "open311"


open311_api = Open311()
