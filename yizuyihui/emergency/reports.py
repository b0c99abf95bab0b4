"""日报 exports: one day's report for one node with its children, as PDF (WeasyPrint) and XLSX."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from yizuyihui.emergency.models import DailyReport

COLUMNS = ("households", "reached", "tasks_total", "tasks_done", "needs_open", "needs_met", "overdue")


def column_labels() -> list[str]:
    return [_("Households"), _("Reached"), _("Tasks"), _("Tasks done"), _("Needs open"), _("Needs met"),
            _("Overdue")]


def report_with_children(*, emergency, node, day) -> tuple[DailyReport | None, list[DailyReport]]:
    rows = list(DailyReport.objects.filter(emergency=emergency, day=day, node__path__startswith=node.path,
                                           node__depth__lte=node.depth + 1).select_related("node").order_by("node__path"))
    own = next((r for r in rows if r.node_id == node.pk), None)
    return own, [r for r in rows if r.node_id != node.pk]


def report_pdf(*, emergency, node, day) -> bytes:
    from weasyprint import HTML

    own, children = report_with_children(emergency=emergency, node=node, day=day)
    with translation.override("zh-hans"):
        html = render_to_string("emergency/report_pdf.html", {
            "emergency": emergency, "node": node, "day": day, "own": own, "children": children,
            "labels": column_labels(), "columns": COLUMNS, "printed_at": timezone.localtime()})
    return HTML(string=html).write_pdf()


def report_xlsx(*, emergency, node, day) -> bytes:
    from openpyxl import Workbook

    own, children = report_with_children(emergency=emergency, node=node, day=day)
    wb = Workbook()
    ws = wb.active
    with translation.override("zh-hans"):
        ws.title = _("Daily report")[:31]
        ws.append([f"{node.name} {emergency.get_kind_display()} {_('Daily report')} {day:%Y-%m-%d}"])
        ws.append([_("Place"), *column_labels(), _("Coverage %"), _("Note")])
        for r in ([own] if own else []) + children:
            cov = round(r.coverage * 100, 1) if r.coverage is not None else None
            ws.append([r.node.name, *[getattr(r, c) for c in COLUMNS], cov, r.note])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
