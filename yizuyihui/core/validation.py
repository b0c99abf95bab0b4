"""Input checks shared by every edge (pages, API, Open311): bad input is a 4xx and changes nothing.

- Control characters (NUL and the other C0 codes except tab/newline/carriage return, DEL) are
  refused everywhere by `RejectControlCharacters` (query strings, form fields, file names, JSON
  bodies): a NUL byte broke Open311 XML for every client on SQLite and answered 500 on PostgreSQL.
- One set of length limits (`LIMITS`) for every channel that files or annotates a matter.
- Query parameters (dates, integers) are parsed with bounds, so 9999-12-31 or 2**70 is a 400
  with a message instead of an OverflowError deep in a query.
"""

from __future__ import annotations

import datetime as dt
import json
import re

from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

# The same limits on every channel (page, API, Open311, CLI): issue 11 item 5.
TITLE_MAX = 200
TEXT_MAX = 5000  # a matter's description, a reason, a note, a result
PLACE_MAX = 200
MINUTES_MAX = 20000
LIMITS = {"title": TITLE_MAX, "description": TEXT_MAX, "place": PLACE_MAX, "reason": TEXT_MAX}
# Dates anyone may ask about: far enough for history and plans, near enough that ±1 day never overflows.
MIN_DATE = dt.date(2000, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)
MAX_INT = 2**62

CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class InputError(ValueError):
    """A value from outside cannot be used; the message says why (shown to the user, 400/422)."""


def has_control_characters(value: str) -> bool:
    return bool(CONTROL_RE.search(value))


def clean_text(value: str | None, *, field: str, max_length: int, required: bool = False) -> str:
    value = (value or "").strip()
    if has_control_characters(value):
        raise InputError(_("%(field)s contains control characters") % {"field": field})
    if len(value) > max_length:
        raise InputError(_("%(field)s may be at most %(n)d characters") % {"field": field, "n": max_length})
    if required and not value:
        raise InputError(_("%(field)s is required") % {"field": field})
    return value


def _in_range(day: dt.date, field: str) -> None:
    if not MIN_DATE <= day <= MAX_DATE:
        raise InputError(_("%(field)s must lie between %(a)s and %(b)s") % {"field": field, "a": MIN_DATE, "b": MAX_DATE})


def parse_date_param(value: str | None, *, field: str) -> dt.date | None:
    """YYYY-MM-DD within MIN_DATE..MAX_DATE, or None when empty."""
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise InputError(_("%(field)s: give a date as YYYY-MM-DD") % {"field": field}) from exc
    _in_range(day, field)
    return day


def parse_datetime_param(value: str | None, *, field: str) -> dt.datetime | None:
    """An ISO 8601 date-time (or date) within MIN_DATE..MAX_DATE, aware in the site's zone."""
    if not value:
        return None
    value = value.strip()
    try:
        parsed = parse_datetime(value)
        if parsed is None:
            parsed = dt.datetime.combine(dt.date.fromisoformat(value), dt.time())
    except ValueError as exc:
        raise InputError(_("%(field)s: give a date-time as YYYY-MM-DDThh:mm:ss") % {"field": field}) from exc
    _in_range(parsed.date(), field)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def parse_int_param(value, *, field: str, minimum: int = 0, maximum: int = MAX_INT, default: int | None = None) -> int | None:
    if value in (None, ""):
        return default
    try:
        number = int(str(value).strip())
    except ValueError as exc:
        raise InputError(_("%(field)s must be a whole number") % {"field": field}) from exc
    if not minimum <= number <= maximum:
        raise InputError(_("%(field)s must lie between %(a)d and %(b)d") % {"field": field, "a": minimum, "b": maximum})
    return number


def int_list_param(values, *, field: str, max_items: int = 50) -> list[int]:
    items = [v for v in values if str(v).strip()]
    if len(items) > max_items:
        raise InputError(_("%(field)s: at most %(n)d items") % {"field": field, "n": max_items})
    return [parse_int_param(v, field=field, minimum=1) for v in items]


# --- the edge: one middleware for every request ----------------------------------------------------
# Form fields named alike get the same limit on every page (the API's schemas and Open311 use the
# same constants); any other single value is capped at MINUTES_MAX (minutes are the longest text).
FIELD_LIMITS = {"title": TITLE_MAX, "description": TEXT_MAX, "place": PLACE_MAX, "reason": TEXT_MAX,
                "note": TEXT_MAX, "finding": TEXT_MAX, "text": TEXT_MAX, "answer": TEXT_MAX, "result": TEXT_MAX,
                "address_string": PLACE_MAX, "minutes": MINUTES_MAX}
VALUE_MAX = MINUTES_MAX
_DIGITS_RE = re.compile(r"\s*[+-]?\d{19,}\s*")
_DATE_RE = re.compile(r"\s*(\d{4,})-\d{1,2}-\d{1,2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?\s*")
EDGE_MIN_YEAR, EDGE_MAX_YEAR = 1900, 2100


def check_value(name: str, value: str) -> str | None:
    """Why one submitted value is refused at the edge, or None.

    Besides control characters and lengths: a number no database column can hold (2**70 as an
    id, a limit or an offset answered 500 with an OverflowError) and a date no one means
    (0001-01-01, 9999-12-31: a day before or after overflows)."""
    if has_control_characters(name) or has_control_characters(value):
        return _("%(field)s contains control characters") % {"field": name}
    limit = FIELD_LIMITS.get(name, VALUE_MAX)
    if len(value) > limit:
        return _("%(field)s may be at most %(n)d characters") % {"field": name, "n": limit}
    if _DIGITS_RE.fullmatch(value) and abs(int(value)) > MAX_INT:
        return _("%(field)s: the number is too large") % {"field": name}
    date = _DATE_RE.fullmatch(value)
    if date and not EDGE_MIN_YEAR <= int(date.group(1)) <= EDGE_MAX_YEAR:
        return _("%(field)s: give a date between %(a)d and %(b)d") % {"field": name, "a": EDGE_MIN_YEAR, "b": EDGE_MAX_YEAR}
    return None


def _json_problem(value, name: str = "body") -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return _("%(field)s: the number is too large") % {"field": name} if abs(value) > MAX_INT else None
    if isinstance(value, str):
        if has_control_characters(value):
            return _("%(field)s contains control characters") % {"field": name}
        return None
    if isinstance(value, dict):
        for k, v in value.items():
            problem = _json_problem(str(k), name) or _json_problem(v, str(k))
            if problem:
                return problem
    elif isinstance(value, list):
        for v in value:
            problem = _json_problem(v, name)
            if problem:
                return problem
    return None


def request_problem(request) -> str | None:
    """The first reason to refuse this request's input, or None."""
    for name, values in request.GET.lists():
        for value in values:
            problem = check_value(name, value)
            if problem:
                return problem
    if request.method in ("POST", "PUT", "PATCH"):
        ctype = request.content_type or ""
        if ctype in ("multipart/form-data", "application/x-www-form-urlencoded"):
            for name, values in request.POST.lists():
                for value in values:
                    problem = check_value(name, value)
                    if problem:
                        return problem
            for name, files in request.FILES.lists():
                if any(has_control_characters(f.name or "") for f in files):
                    return _("%(field)s contains control characters") % {"field": name}
            if request.FILES:
                from yizuyihui.core.uploads import check_request_photos

                return check_request_photos(request)
        elif ctype == "application/json" and request.body:
            try:
                data = json.loads(request.body)
            except (ValueError, UnicodeDecodeError):
                return None  # the API answers malformed JSON itself
            return _json_problem(data)
    return None


class EdgeValidation:
    """Refuses bad input before any view runs: 400 on pages and Open311 (in its format), 422 with
    the API's error shape on /api/. Also turns an `InputError` a view raises into that answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_control_characters(request.path):
            return self.refuse(request, _("Control characters are not allowed"))
        try:
            problem = request_problem(request)
        except Exception:  # a malformed multipart body: let Django's own handling answer it
            problem = None
        if problem is not None:
            return self.refuse(request, problem)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, InputError):
            return self.refuse(request, str(exception))
        return None

    @staticmethod
    def refuse(request, message: str) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=422)
        # A channel with its own error format (Open311's XML/JSON) registers it; core knows no app.
        from yizuyihui.core.plugins import provider_call

        answer = provider_call("edge_error", request.path, 400, message)
        if answer is not None:
            return answer
        from django.shortcuts import render

        return render(request, "core/bad_input.html", {"message": message}, status=400)
