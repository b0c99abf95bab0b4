"""Map pages and their GeoJSON: thin, each reads one selector from the viewer's scope."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from yizuyihui.accounts.roles import is_staff, resident_unit
from yizuyihui.accounts.scope import user_scope
from yizuyihui.org.models import OrgNode, Unit
from yizuyihui.places import selectors
from yizuyihui.places.geometry import PlaceError, unit_at


def _geojson(text: str) -> HttpResponse:
    return HttpResponse(text, content_type="application/geo+json")


def _staff_or_403(request) -> None:
    if not is_staff(request.user) or not user_scope(request.user).paths:
        raise PermissionDenied


def _under(request) -> OrgNode | None:
    raw = request.GET.get("node", "")
    if not raw:
        return None
    node = get_object_or_404(OrgNode, pk=raw if raw.isdigit() else 0)
    if not request.user.has_perm("org.view_node", node):
        raise PermissionDenied
    return node


@login_required
@require_GET
def boundaries(request):
    """Unit boundaries: staff get their scope; a resident gets their own unit."""
    if is_staff(request.user):
        under = _under(request)
        paths = (under.path,) if under is not None else user_scope(request.user).paths
    else:
        unit = resident_unit(request.user)
        if unit is None:
            raise PermissionDenied
        paths = (unit.node.path,)
    return _geojson(selectors.unit_boundaries(paths=paths))


@login_required
@require_GET
def case_points(request):
    _staff_or_403(request)
    return _geojson(selectors.case_points(user=request.user, under=_under(request),
                                          include_closed=request.GET.get("all") == "1"))


@login_required
@require_GET
def case_pins(request):
    """The worklist map's pins in the compact form (selectors.case_pins)."""
    _staff_or_403(request)
    return HttpResponse(selectors.case_pins(user=request.user, under=_under(request),
                                            include_closed=request.GET.get("all") == "1"),
                        content_type="application/json")


def _board_unit(request, unit_id: int) -> Unit:
    unit = get_object_or_404(Unit.objects.select_related("node"), pk=unit_id)
    own = resident_unit(request.user)
    if not (request.user.has_perm("org.view_unit", unit) or (own is not None and own.pk == unit.pk)):
        raise PermissionDenied
    return unit


@login_required
@require_GET
def board_points(request, unit_id: int):
    return _geojson(selectors.board_points(unit=_board_unit(request, unit_id)))


@login_required
@require_GET
def board_map(request, unit_id: int):
    unit = _board_unit(request, unit_id)
    return render(request, "places/board_map.html", {"unit": unit})


@login_required
@require_GET
def locate(request):
    """Point → unit for the filing page ("is this where you mean?"): the unit's name or why not."""
    if not (is_staff(request.user) or resident_unit(request.user) is not None):
        raise PermissionDenied
    try:
        lat, long = float(request.GET.get("lat", "")), float(request.GET.get("long", ""))
        unit = unit_at(lat=lat, long=long)
    except ValueError as exc:  # PlaceError is a ValueError; float("") too
        message = str(exc) if isinstance(exc, PlaceError) else _("lat and long are required")
        return JsonResponse({"error": message}, status=400)
    # No geography imported yet: the point is kept as given, without a unit.
    return JsonResponse({"unit": unit.pk if unit else None, "name": unit.name if unit else f"{lat:.5f}, {long:.5f}"})


@login_required
@require_GET
def worklist_map(request):
    _staff_or_403(request)
    return render(request, "places/worklist_map.html", {"under": _under(request)})


def _period(request) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    end_day = timezone.localdate()
    try:
        days = max(1, min(int(request.GET.get("days", "365")), 3660))
    except ValueError:
        days = 365
    start = dt.datetime.combine(end_day - dt.timedelta(days=days), dt.time(), tzinfo=tz)
    return start, dt.datetime.combine(end_day + dt.timedelta(days=1), dt.time(), tzinfo=tz)


@login_required
@require_GET
def measures_map(request):
    _staff_or_403(request)
    measure = request.GET.get("measure", "response")
    if measure not in selectors.MEASURES:
        measure = "response"
    labels = {"response": _("Responded in time"), "resolution": _("Resolved"), "overdue": _("Overdue now")}
    return render(request, "places/measures_map.html", {
        "measure": measure, "measures": list(labels.items()), "label": labels[measure]})


@login_required
@require_GET
def measures_values(request):
    _staff_or_403(request)
    measure = request.GET.get("measure", "response")
    if measure not in selectors.MEASURES:
        return JsonResponse({"error": "unknown measure"}, status=400)
    start, end = _period(request)
    values = selectors.unit_measures(user=request.user, measure=measure, start=start, end=end)
    return JsonResponse({"measure": measure, "values": {str(k): v for k, v in values.items()}})
