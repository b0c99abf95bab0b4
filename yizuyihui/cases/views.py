"""Thin views: parse input, check permission, call one service or selector, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from yizuyihui.accounts.roles import is_staff, resident_unit
from yizuyihui.cases import public, selectors, services
from yizuyihui.cases.lifecycle import STEPS, arrange_steps
from yizuyihui.cases.models import RESIDENT_RATINGS, Attachment, Case, CaseStatus, Category, Channel, Urgency
from yizuyihui.core.dates import formatted
from yizuyihui.core.links import object_paths
from yizuyihui.core.plugins import collect, provider_call
from yizuyihui.org.models import Unit
from yizuyihui.org.selectors import units_visible_to
from yizuyihui.places.geometry import PlaceError, form_point
from yizuyihui.supervision.selectors import supervision_open_count


def _case_or_404(user, pk: int) -> Case:
    case = get_object_or_404(Case.objects.select_related("unit__node", "node", "category", "handler", "reporter"), pk=pk)
    if not user.has_perm("cases.view_case", case):
        raise PermissionDenied
    return case


def _rows(cases, *, act=None, act_next=None) -> list[dict]:
    """Worklist rows (selectors.worklist_rows's named tuples) as the row template shows them
    (templates/cases/_case_rows.html): every label translated and every link built here, once per
    page rather than once per row, and rows as dicts
    (the template finds a dict's keys on its first try; an object's attributes only after a failed
    item lookup). A 20-row section cost ~220 µs a row when the template did this work.

    `act` names the row's button; `act_next` the button once the matter is past 收单 (the inbox
    holds both); sections without a step open the matter."""
    now, today = timezone.now(), timezone.localdate()
    href = object_paths("cases:detail")
    tier_label = {t: _("Tier %(tier)s") % {"tier": t} for t in (1, 2, 3)}
    status_label: dict[str, str] = {}
    due_label = {"overdue": _("Overdue"), "due": _("Due soon"), "ok": _("On time")}
    urgent = _("Urgent")
    opened = str(act) if act else pgettext("button", "Open")
    rows = []
    for c in cases:
        due = selectors.due_state(c, now)
        status = status_label.get(c.status)
        if status is None:
            status = status_label[c.status] = str(CaseStatus(c.status).label)
        rows.append({
            "pk": c.id, "href": href(c.id), "title": c.title,
            "category": c.category__name or "", "urgent": urgent if c.urgency == Urgency.URGENT else "",
            "unit": c.unit__name, "tier": tier_label.get(c.tier) or _("Tier %(tier)s") % {"tier": c.tier},
            "status": status, "due": due, "due_label": due_label[due],
            # To answer while 已填单, else to resolve.
            "deadline": formatted(c.respond_due if c.status == CaseStatus.FILED else c.resolve_due, "when", today=today),
            "button": str(act_next) if act_next and c.status != CaseStatus.FILED else opened,
        })
    return rows


# The worklist's own sections: title, the row's button, and the button once a matter is past 收单.
SECTIONS = {
    "inbox": (gettext_lazy("Inbox: receive and deliberate"), gettext_lazy("Receive"), gettext_lazy("Deliberate")),
    "claims": (gettext_lazy("My claims: claim and handle"), gettext_lazy("Handle"), None),
    "feedback": (gettext_lazy("Waiting for feedback (待反馈)"), gettext_lazy("Feed back"), None),
    "board": (gettext_lazy("Dispatch board"), None, None),
    "closable": (gettext_lazy("Not rated after the waiting period"), gettext_lazy("Close unrated"), None),
}
assert list(SECTIONS) == list(selectors.WORKLIST_SECTIONS)  # the same sections, in the page's order
WORKLIST_ROWS = 20  # rows per section on /cases/, the most urgent first; the rest on the section's pages
SECTION_PAGE = 50  # rows per section page


def _count_label(count: int) -> str:
    return f"{selectors.COUNT_CAP}+" if count > selectors.COUNT_CAP else str(count)


def _section(user, name: str) -> dict:
    """One worklist section: its first rows and its count (a count query only when the rows overflow)."""
    title, act, act_next = SECTIONS[name]
    rows = selectors.worklist_rows(user=user, section=name, limit=WORKLIST_ROWS + 1)
    count = len(rows) if len(rows) <= WORKLIST_ROWS else selectors.worklist_count(user=user, section=name)
    return {"name": name, "title": title, "act": act, "act_next": act_next, "rows": _rows(rows[:WORKLIST_ROWS], act=act, act_next=act_next),
            "count": _count_label(count), "more": len(rows) > WORKLIST_ROWS}


@login_required
def worklist(request):
    """One page per role: the unit's inbox (收单/议单), the dispatch board, the handler's claims, …:
    WORKLIST_ROWS of each, the section's true count (up to selectors.COUNT_CAP) and a link to all."""
    if not is_staff(request.user):
        return redirect("cases:my_cases")
    # Other apps' work for the same people (residents waiting to be confirmed, …): core.plugins.
    sections = [sec for sec in collect("home", "worklist_sections", request) if sec.count]
    case_sections = [_section(request.user, name) for name in SECTIONS]
    return render(request, "cases/worklist.html", {
        "case_sections": case_sections, "busy": any(s["rows"] for s in case_sections), "sections": sections,
        "supervisions": supervision_open_count(user=request.user),
    })


def _page_number(text: str) -> int:
    """?page=N as a number from 1 to a million (anything else: the first page)."""
    try:
        return min(max(int(text), 1), 10**6)
    except ValueError:
        return 1


@login_required
def worklist_section(request, section: str):
    """All of one worklist section, SECTION_PAGE rows a page, from the same selector as the worklist.
    The count is the worklist's (capped); past the cap the pages go on while rows do (offset paging:
    one row more than a page tells whether a next page exists)."""
    if not is_staff(request.user):
        return redirect("cases:my_cases")
    if section not in SECTIONS:
        raise Http404
    title, act, act_next = SECTIONS[section]
    count = selectors.worklist_count(user=request.user, section=section)
    capped = count > selectors.COUNT_CAP
    number = _page_number(request.GET.get("page", ""))
    pages = None if capped else max(1, -(-count // SECTION_PAGE))
    if pages is not None:
        number = min(number, pages)
    rows = selectors.worklist_rows(user=request.user, section=section, offset=(number - 1) * SECTION_PAGE,
                                   limit=SECTION_PAGE + 1)
    return render(request, "cases/worklist_section.html", {
        "name": section, "title": title, "act": act, "act_next": act_next, "count": _count_label(count),
        "rows": _rows(rows[:SECTION_PAGE], act=act, act_next=act_next), "number": number, "pages": pages,
        "previous": number - 1 if number > 1 else None, "next": number + 1 if len(rows) > SECTION_PAGE else None,
    })


@login_required
def detail(request, pk: int):
    case = _case_or_404(request.user, pk)
    staff = is_staff(request.user)
    actions = selectors.available_actions(user=request.user, case=case)
    primary, secondary, rare = arrange_steps(actions)
    return render(request, "cases/detail.html", {
        "case": case, "due": selectors.due_state(case), "actions": actions,
        "primary": primary, "secondary": secondary, "rare": rare,
        "events": selectors.timeline_entries(case=case, user=request.user, public_only=not staff),
        "handlers": selectors.handler_choices(case=case) if "dispatch" in actions else [],
        "categories": Category.objects.filter(active=True).order_by("code") if "recategorize" in actions else [],
        "urgencies": Urgency.choices, "ratings": RESIDENT_RATINGS,
        "attachments": case.attachments.all(),
        "extra_links": provider_call("case_extra_links", request.user, case, default=None) or [],
    })


@login_required
def handler_search(request, pk: int):
    """The handler picker's search as you type (htmx): people with their post, grouped by type."""
    case = _case_or_404(request.user, pk)
    if not request.user.has_perm(STEPS["dispatch"].perm, case):
        raise PermissionDenied
    # The people ticked before this search stay ticked (chips above the results): the search
    # sends them along (hx-include), and only people the matter may go to come back.
    ticked = [int(v) for v in request.GET.getlist("handlers")[:50] if v.isdigit()]
    chosen = selectors.handler_choices(case=case, users=ticked) if ticked else []
    kept = {row["user"].pk for row in chosen}
    found = selectors.handler_choices(case=case, q=request.GET.get("q", "").strip()[:50])
    return render(request, "cases/_handler_options.html",
                  {"chosen": chosen, "handlers": [row for row in found if row["user"].pk not in kept]})


def _parse_date(value: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError as exc:
        raise services.CaseError(_("Give a date as YYYY-MM-DD")) from exc
    return timezone.make_aware(dt.datetime.combine(day, dt.time(18, 0)))


def _page_inputs(step, request) -> dict:
    """The inputs the declared step asks for, from the detail page's form."""
    p, wanted, inputs = request.POST, set(STEPS[step].inputs), {}
    if "reason" in wanted:
        inputs["reason"] = p.get("reason", "")
    if "rating" in wanted:
        inputs["rating"] = p.get("rating", "")
    if "urgency" in wanted:
        inputs["urgency"] = p.get("urgency") or None
    if "approve" in wanted:
        inputs["approve"] = p.get("approve") == "1"
    if "due" in wanted:
        inputs["due"] = _parse_date(p.get("due", ""))
    if "until" in wanted:
        inputs["until"] = _parse_date(p.get("until", ""))
    if "handlers" in wanted:
        ids = [int(i) for i in p.getlist("handlers") if i.isdigit()]
        inputs["handlers"] = list(get_user_model().objects.filter(pk__in=ids))
    if "into" in wanted:
        inputs["into"] = get_object_or_404(Case, pk=p.get("into") or 0) if (p.get("into") or "").isdigit() else None
    if "category" in wanted:
        inputs["category"] = Category.objects.filter(pk=p.get("category") or 0, active=True).first() \
            if (p.get("category") or "").isdigit() else None
    if "photos" in wanted:
        inputs["photos"] = request.FILES.getlist("photos")
    return inputs


@login_required
@require_POST
def act(request, pk: int, action: str):
    """Every step of the closed loop, posted from the detail page (the steps of lifecycle.py)."""
    if action not in STEPS:
        raise Http404
    case = _case_or_404(request.user, pk)
    user = request.user
    try:
        services.case_take_step(step=action, case=case, actor=user, inputs=_page_inputs(action, request))
    except services.CaseForbidden as exc:
        raise PermissionDenied(str(exc)) from exc
    except services.CaseError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Done"))
    if not request.user.has_perm("cases.view_case", case):
        return redirect("cases:worklist")
    if not is_staff(user):
        return redirect("cases:my_case", public_id=case.public_id)
    return redirect("cases:detail", pk=case.pk)


@login_required
def resident_file(request):
    """The resident's page, phone first: describe, optional photos, place — one screen, then done."""
    unit = resident_unit(request.user)
    if unit is None:
        raise PermissionDenied
    person = getattr(request.user, "person", None)
    default_place = person.household.address if person and person.household_id else unit.name
    if request.method == "POST":
        try:
            lat, long = form_point(request.POST)  # the point picked on the map (places app)
            case = services.case_file(unit=unit, actor=request.user, title=request.POST.get("title", ""),
                                      description=request.POST.get("description", ""), channel=Channel.PHONE_PAGE,
                                      urgency=Urgency.URGENT if request.POST.get("urgent") else Urgency.NORMAL,
                                      place=request.POST.get("place") or default_place, lat=lat, long=long)
            for photo in request.FILES.getlist("photos")[:6]:
                services.attachment_add(case=case, actor=request.user, file=photo)
        except (services.CaseError, PlaceError) as exc:
            messages.error(request, str(exc))
        else:
            return redirect(reverse("cases:my_case", args=[case.public_id]) + "?filed=1")
    return render(request, "cases/resident_file.html", {"unit": unit, "default_place": default_place})


@login_required
def staff_file(request):
    """Staff enter a matter on a resident's behalf (visit, phone call, walk-in)."""
    if not is_staff(request.user):
        raise PermissionDenied
    units = units_visible_to(request.user).order_by("name")[:500]
    channels = [(c.value, c.label) for c in (Channel.VISIT, Channel.PHONE, Channel.WALK_IN)]
    if request.method == "POST":
        p = request.POST
        unit = get_object_or_404(Unit, pk=p.get("unit") or 0)
        reporter = None
        if p.get("reporter_phone"):
            from yizuyihui.people.models import Person

            reporter = Person.objects.with_phone(p["reporter_phone"]).filter(node__path__startswith=unit.node.path).first()
        try:
            case = services.case_file(unit=unit, actor=request.user, title=p.get("title", ""),
                                      description=p.get("description", ""), channel=p.get("channel", ""),
                                      urgency=p.get("urgency", "normal"), reporter=reporter, place=p.get("place", ""),
                                      origin="staff" if reporter is None else "resident")
            for photo in request.FILES.getlist("photos")[:6]:
                services.attachment_add(case=case, actor=request.user, file=photo)
        except services.CaseForbidden as exc:
            raise PermissionDenied(str(exc)) from exc
        except services.CaseError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Filed"))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/staff_file.html", {"units": units, "channels": channels, "urgencies": Urgency.choices})


@login_required
def my_cases(request):
    page = Paginator(selectors.my_cases(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "cases/my_cases.html", {"page": page, "unit": resident_unit(request.user)})


@login_required
def my_case(request, public_id):
    case = get_object_or_404(Case.objects.select_related("unit", "category"), public_id=public_id)
    if not request.user.has_perm("cases.view_case", case):
        raise PermissionDenied
    return render(request, "cases/my_case.html", {
        "case": case, "events": selectors.timeline(case=case, public_only=True),
        "can_rate": request.user.has_perm("cases.rate_case", case) and case.status == "fed_back",
        # The confirmation screen after filing: the number, what happens next, when to expect an answer.
        "just_filed": request.GET.get("filed") == "1" and case.status == "filed",
        "ratings": RESIDENT_RATINGS,
    })


@login_required
def public_board(request, unit_id: int):
    """全员监督: residents of the unit and staff over it see its matters, without personal data."""
    unit = get_object_or_404(Unit.objects.select_related("node"), pk=unit_id)
    if not request.user.has_perm("org.view_unit", unit):  # staff over the unit; else its own residents
        own = resident_unit(request.user)  # a query: only when the scope does not already allow it
        if own is None or own.pk != unit.pk:
            raise PermissionDenied
    return render(request, "cases/public_board.html", {"unit": unit, "rows": _board_rows(public.unit_board(unit=unit))})


def _board_rows(cases) -> list[dict]:
    """The board's rows as the template prints them (dicts, dates formatted once with one `today`):
    up to 100 matters a unit, on the page residents open most."""
    today = timezone.localdate()
    return [{"filed": formatted(c.filed_at, "day", today=today), "summary": c.summary, "category": c.category,
             "status": c.status_label, "tier": c.tier, "result": Truncator(c.result).chars(80) if c.result else "",
             "rating": c.rating_label if c.rating else ""} for c in cases]


@login_required
def attachment(request, pk: int):
    att = get_object_or_404(Attachment.objects.select_related("case__unit__node"), pk=pk)
    if not request.user.has_perm("cases.view_case", att.case):
        raise PermissionDenied
    return FileResponse(att.file.open("rb"), content_type=att.content_type)
