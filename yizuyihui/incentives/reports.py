"""Reports to the organisation department (组织部门, DOMAIN §9): for each official sent down
(下沉干部) and each registered Party member (三报到), a period's activity under the community (or
street) — registration, hours, matters, meetings, households paired — with the community's
assessment, grouped per employer (the department that receives it), as PDF and XLSX.

Subjects: everyone with a confirmed registration at the issuer or under it, and everyone seated
in one of its units as an official sent down (membership identity "official") during the period.
Someone with nothing recorded in the period is reported too: "nothing recorded" is an answer.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from yizuyihui.core.errors import ServiceError, ServiceForbidden
from yizuyihui.core.pdf import html_to_pdf
from yizuyihui.incentives import rules
from yizuyihui.incentives.letters import cn_date, employers, issuer_name
from yizuyihui.incentives.periods import Period, PeriodError, period_parse
from yizuyihui.incentives.recognition import AssessmentGrade, OfficialAssessment
from yizuyihui.incentives.record import Record, records
from yizuyihui.people.models import Identity, Membership, Person, Registration, RegistrationKind
from yizuyihui.resources import selectors as resource_selectors

SENT_DOWN_KINDS = frozenset({RegistrationKind.CITY_SECRETARY, RegistrationKind.COUNTY_SECRETARY,
                             RegistrationKind.TOWNSHIP_SECRETARY})
NO_EMPLOYER = "未登记工作单位"


class ReportError(ServiceError):
    pass


@dataclass
class Subject:
    person: Person
    sent_down: bool
    registration: Registration | None
    employer: str
    record: Record
    assessment: OfficialAssessment | None = None

    @property
    def category(self) -> str:
        return _("Official sent down") if self.sent_down else _("Registered Party member")


@dataclass
class Group:
    employer: str
    subjects: list[Subject] = field(default_factory=list)

    @property
    def hours(self) -> Decimal:
        return sum((s.record.hours for s in self.subjects), Decimal("0"))


def _sent_down_seats(node, period: Period) -> set[int]:
    """People seated in a unit under `node` as officials sent down during the period."""
    return set(Membership.objects.filter(identity=Identity.OFFICIAL, unit__node__path__startswith=node.path)
               .filter(Q(started__isnull=True) | Q(started__lt=period.after))
               .filter(Q(ended__isnull=True) | Q(ended__gte=period.first)).values_list("person_id", flat=True))


def _registrations(node, period: Period) -> dict[int, Registration]:
    out: dict[int, Registration] = {}
    for reg in resource_selectors.confirmed_registrations(path=node.path):  # newest first per person
        if reg.registered_on < period.after:
            out.setdefault(reg.person_id, reg)
    return out


def subject_ids(*, node, period: Period) -> set[int]:
    return set(_registrations(node, period)) | _sent_down_seats(node, period)


def report_build(*, node, period: Period) -> list[Group]:
    regs = _registrations(node, period)
    seated = _sent_down_seats(node, period)
    ids = set(regs) | seated
    recs = records(node=node, period=period, person_ids=ids)
    employer_of = employers(node=node, person_ids=ids)
    assessed = {a.person_id: a for a in OfficialAssessment.objects.filter(node=node, period=period.key, person_id__in=ids)}
    persons = Person.objects.in_bulk(list(ids))
    groups: dict[str, Group] = {}
    for pid in ids:
        reg = regs.get(pid)
        employer = (reg.employer.strip() if reg and reg.employer.strip() else employer_of.get(pid)) or NO_EMPLOYER
        # The registration says who they are; a seat as "official sent down" only for the unregistered.
        sent_down = reg.kind in SENT_DOWN_KINDS if reg is not None else pid in seated
        subject = Subject(person=persons[pid], sent_down=sent_down,
                          registration=reg, employer=employer, record=recs.get(pid) or Record(pid),
                          assessment=assessed.get(pid))
        groups.setdefault(employer, Group(employer)).subjects.append(subject)
    for g in groups.values():
        g.subjects.sort(key=lambda s: (not s.sent_down, s.person.name, s.person.pk))
    # Departments in name order; people without an employer on record last.
    return sorted(groups.values(), key=lambda g: (g.employer == NO_EMPLOYER, g.employer))


def assessment_save(*, actor, node, person: Person, period: str, grade: str = "", text: str = "",
                    now=None) -> OfficialAssessment:
    """The community's assessment of one subject for one period (written again, not appended)."""
    if not rules.can_issue_for(actor, node):
        raise ServiceForbidden(_("Only the community or the street reports on its own officials"))
    try:
        p = period_parse(period)
    except PeriodError as exc:
        raise ReportError(str(exc)) from exc
    if grade and grade not in AssessmentGrade.values:
        raise ReportError(_("Choose a grade"))
    text = (text or "").strip()
    if len(text) > 1000:
        raise ReportError(_("Keep the assessment under 1,000 characters"))
    if person.pk not in subject_ids(node=node, period=p):
        raise ReportError(_("This person is not registered here"))
    assessment, _created = OfficialAssessment.objects.update_or_create(
        node=node, person=person, period=p.key,
        defaults={"grade": grade, "text": text, "updated_by": actor, "updated_at": now or timezone.now()})
    return assessment


def _context(node, period: Period) -> dict:
    return {"node": node, "issuer": issuer_name(node), "period": period, "groups": report_build(node=node, period=period),
            "issued_on": cn_date(timezone.localdate())}


def report_pdf(*, node, period: Period) -> bytes:
    """One section per employer, each starting on a new page (it is sent to that department)."""
    with translation.override("zh-hans"):
        html = render_to_string("incentives/report_pdf.html", _context(node, period))
    return html_to_pdf(html)


COLUMNS = (N_("Full name"), N_("Category"), N_("Registered at"), N_("Registered on"), N_("Hours served"), N_("Matters taken part in"),
           N_("Meetings attended"), N_("Households paired"), N_("Other activities"), N_("Grade"), N_("Community's assessment"))


def report_xlsx(*, node, period: Period) -> bytes:
    """A summary sheet, then one sheet per employer."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    with translation.override("zh-hans"):
        ctx = _context(node, period)
        heading = _("Report on officials sent down and registered Party members")
        wb = Workbook()
        summary = wb.active
        summary.title = _("Summary by employer")[:31]
        summary.append([f"{ctx['issuer']} {period.label} {heading}"])
        summary.append([_("Employer"), _("People"), _("Hours served"), _("Matters taken part in"), _("Meetings attended"), _("Households paired")])
        used = {summary.title}
        for g in ctx["groups"]:
            summary.append([g.employer, len(g.subjects), float(g.hours), sum(s.record.matters for s in g.subjects),
                            sum(s.record.meetings for s in g.subjects), sum(s.record.pairings for s in g.subjects)])
            name = "".join(c for c in g.employer if c not in "[]:*?/\\")[:28] or "-"
            while name in used:
                name = f"{name[:26]}{len(used)}"
            used.add(name)
            ws = wb.create_sheet(name)
            ws.append([f"{g.employer}：{ctx['issuer']} {period.label} {heading}"])
            ws.append([_(c) for c in COLUMNS])
            for s in g.subjects:
                reg = s.registration
                ws.append([s.person.name, s.category, reg.node.name if reg else "", reg.registered_on if reg else None,
                           float(s.record.hours), s.record.matters, s.record.meetings, s.record.pairings,
                           s.record.activities - s.record.pairings,
                           s.assessment.get_grade_display() if s.assessment and s.assessment.grade else "",
                           s.assessment.text if s.assessment else ""])
            for cell in ws[2]:
                cell.font = Font(bold=True)
            for col, width in zip("ABCDEFGHIJK", (10, 14, 16, 12, 8, 8, 8, 10, 10, 10, 50), strict=True):
                ws.column_dimensions[col].width = width
            for row in ws.iter_rows(min_row=3):
                row[3].number_format = "yyyy-mm-dd"
                row[10].alignment = Alignment(wrap_text=True, vertical="top")
        summary.column_dimensions["A"].width = 30
        for cell in summary[2]:
            cell.font = Font(bold=True)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
