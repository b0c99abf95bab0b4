"""Reads of staff performance: league tables limited to the viewer's scope, one's own scores."""

from __future__ import annotations

import io
import re

from django.db.models import Q
from django.utils.translation import gettext as _

from yizuyihui.accounts.scope import role_paths, scope_q, user_scope
from yizuyihui.incentives.performance_models import Measure, PerformanceScore, SubjectKind
from yizuyihui.incentives.performance_rules import NODE_HOLDERS
from yizuyihui.org.models import OrgNode
from yizuyihui.people.models import Role

# What a level looks at first: the kind just below it.
DEFAULT_KIND_BY_ROLE = [
    (frozenset({Role.CITY_ADMIN.value, Role.DISTRICT_OFFICIAL.value}), SubjectKind.STREET),
    (frozenset({Role.STREET_OFFICIAL.value}), SubjectKind.COMMUNITY),
    (frozenset({Role.COMMUNITY_CADRE.value}), SubjectKind.UNIT),
]


def periods() -> list[str]:
    return sorted(set(PerformanceScore.objects.values_list("period", flat=True).order_by()), reverse=True)


def default_kind(user) -> str:
    for roles, kind in DEFAULT_KIND_BY_ROLE:
        if role_paths(user, roles):
            return kind
    return SubjectKind.GRID_WORKER


def league(*, user, period: str, kind: str, limit: int | None = 500):
    """The scores of one kind in the viewer's scope, grouped by peer group, best first. Rows
    outside the scope never appear (their rank among peers is still the rank over all peers)."""
    if not user_scope(user).paths:
        return PerformanceScore.objects.none()
    qs = (PerformanceScore.objects.filter(scope_q(user, "node"), period=period, kind=kind)
          .select_related("node").order_by("peers", "rank", "name", "pk"))
    return qs[:limit] if limit else qs


def peer_names(rows) -> dict[str, str]:
    """The parent scope's name for each peer group path (one query)."""
    paths = {r.peers for r in rows}
    return dict(OrgNode.objects.filter(path__in=paths).values_list("path", "name")) if paths else {}


def my_scores(*, user, period: str):
    """The scores the user is assessed by: their own as staff, and their node's own if they hold
    its post (a community cadre: the community; a street official: the street)."""
    person = getattr(user, "person", None)
    q = Q(user_id=user.pk) | (Q(person_id=person.pk) if person is not None else Q(pk__in=[]))
    for kind, roles in NODE_HOLDERS.items():
        paths = [p for p in role_paths(user, roles) if p]
        if paths:
            q |= Q(kind=kind, user__isnull=True, node__path__in=paths)
    return PerformanceScore.objects.filter(q, period=period).select_related("node").order_by("kind", "node__path")


def components(score) -> list[dict]:
    """The score's reasons with the measure's label (for the page and the export)."""
    labels = dict(Measure.choices)
    out = []
    for c in score.components:
        out.append({**c, "label": labels.get(c["measure"], c["measure"]),
                    "percent": None if c["value"] is None else float(c["value"]) * 100})
    return out


def league_xlsx(*, user, period: str, kind: str) -> bytes:
    """The league table of the scope as an XLSX workbook: rank, name, peer group, score, and per
    measure its value and contribution (the reasons)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    rows = list(league(user=user, period=period, kind=kind, limit=None))
    names = peer_names(rows)
    wb = Workbook()
    ws = wb.active
    ws.title = re.sub(r"[\[\]:*?/\\]", "·", str(dict(SubjectKind.choices)[kind]))[:31]  # Excel refuses these
    measures = Measure.choices
    header = [_("Peer group"), _("Rank"), _("Peers"), _("Name"), _("Unit / place"), _("Score")]
    # (Labels the page's template has too: the same words in the catalogue.)
    value_label, weight_label, points_label = _("Value"), _("Weight"), _("Score")
    for _m, label in measures:
        header += [f"{label} · {value_label}", f"{label} · {weight_label}", f"{label} · {points_label}"]
    ws.append([f"{_('Performance')} {period} · {dict(SubjectKind.choices)[kind]}"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for r in rows:
        line = [names.get(r.peers, ""), r.rank, r.peer_count, r.name, r.node.name, float(r.score)]
        by = {c["measure"]: c for c in r.components}
        for m, _label in measures:
            c = by.get(m, {})
            value = c.get("value")
            line += [None if value is None else float(value), c.get("weight"),
                     None if c.get("contribution") is None else float(c["contribution"])]
        ws.append(line)
        for col in range(7, len(line) + 1, 3):  # the values are shares: shown as percentages
            ws.cell(row=ws.max_row, column=col).number_format = "0.0%"
    ws.freeze_panes = "A3"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
