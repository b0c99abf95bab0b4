"""复盘: the after-action review of an emergency (DOMAIN §8), its charts and its PDF.

`review_build` gathers the figures once at switch-back (stored on the emergency, so the review
says what was known then); the PDF draws them with matplotlib (Agg, no display) and WeasyPrint.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import statistics

from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from yizuyihui.cases.models import DONE_STATUSES, OPEN_STATUSES, Case
from yizuyihui.emergency.models import (
    REACHED,
    CommandPost,
    CommandState,
    Emergency,
    EmergencyTask,
    TaskKind,
    TaskStatus,
)
from yizuyihui.emergency.selectors import need_kind_of


def _hours(a, b) -> float | None:
    return None if a is None or b is None else round((b - a).total_seconds() / 3600, 1)


def _median(values):
    return round(statistics.median(values), 1) if values else None


def _p90(values):
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(0.9 * len(values)))], 1)


def review_build(*, emergency: Emergency, now=None) -> dict:
    now = now or timezone.now()
    start = emergency.started_at
    end = emergency.ended_at or now
    tasks = EmergencyTask.objects.filter(emergency=emergency)
    by_kind = {r["kind"]: r for r in tasks.values("kind").annotate(
        total=Count("pk"), reached=Count("pk", filter=Q(result__in=REACHED)),
        done=Count("pk", filter=Q(status=TaskStatus.DONE)), handed=Count("pk", filter=Q(status=TaskStatus.HANDED_OVER)),
        closed=Count("pk", filter=Q(status=TaskStatus.CLOSED)))}
    # Coverage curve: door checks reached by the end of each day (local days).
    door_total = by_kind.get(TaskKind.DOOR_CHECK, {}).get("total", 0)
    done_times = sorted(tasks.filter(kind=TaskKind.DOOR_CHECK, result__in=REACHED)
                        .values_list("done_at", flat=True))
    first_day, last_day = timezone.localtime(start).date(), timezone.localtime(end).date()
    curve, i, reached = [], 0, 0
    day = first_day
    while day <= last_day and len(curve) < 400:
        day_end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
        while i < len(done_times) and done_times[i] < day_end:
            reached += 1
            i += 1
        curve.append([day.isoformat(), reached, round(reached / door_total, 4) if door_total else None])
        day += dt.timedelta(days=1)
    # Needs: matters filed in the scope during the emergency (urgent then; by now the switch back may
    # have re-timed the open ones to calm mode, so the window decides, not the mode).
    needs = list(Case.objects.filter(unit__node__path__startswith=emergency.node.path,
                                     filed_at__gte=start, filed_at__lte=end)
                 .values_list("title", "status", "filed_at", "responded_at", "resolved_at", "was_overdue"))
    response = [h for _t, _s, f, r, _x, _o in needs if (h := _hours(f, r)) is not None]
    resolution = [h for _t, _s, f, _r, x, _o in needs if (h := _hours(f, x)) is not None]
    kinds: dict[str, int] = {}
    for title, *_rest in needs:
        k = need_kind_of(title)
        kinds[k] = kinds.get(k, 0) + 1
    posts = list(CommandPost.objects.filter(emergency=emergency, state=CommandState.CONFIRMED)
                 .values_list("level", "identity"))
    by_level: dict[str, int] = {}
    for level, _identity in posts:
        by_level[level] = by_level.get(level, 0) + 1
    doers = tasks.exclude(done_by=None).values("done_by").distinct().count()
    timeline = [[start.isoformat(), _("Switched to emergency mode: %(kind)s, level %(level)s") % {
        "kind": emergency.get_kind_display(), "level": emergency.level}]]
    for child in emergency.children.select_related("node"):
        timeline.append([child.started_at.isoformat(), _("%(place)s switched inside: %(kind)s") % {
            "place": child.node.name, "kind": child.get_kind_display()}])
    first_done = tasks.exclude(done_at=None).order_by("done_at").values_list("done_at", flat=True).first()
    if first_done:
        timeline.append([first_done.isoformat(), _("First household reached")])
    if door_total and len(done_times) >= door_total:  # the moment the last household was reached
        timeline.append([done_times[door_total - 1].isoformat(), _("Full coverage of door-to-door checks")])
    timeline.append([end.isoformat(), _("Back to normal mode")])
    timeline.sort()
    return {
        "scope": emergency.node.name, "kind": emergency.get_kind_display(), "level": emergency.level,
        "reason": emergency.reason, "started_at": start.isoformat(), "ended_at": end.isoformat(),
        "hours": _hours(start, end), "timeline": timeline,
        "tasks": {k: {kk: v for kk, v in r.items() if kk != "kind"} for k, r in by_kind.items()},
        "curve": curve,
        "needs": {"total": len(needs), "open": sum(1 for n in needs if n[1] in OPEN_STATUSES),
                  "met": sum(1 for n in needs if n[1] in DONE_STATUSES), "overdue": sum(1 for n in needs if n[5]),
                  "by_kind": kinds, "median_response_h": _median(response), "p90_response_h": _p90(response),
                  "median_resolution_h": _median(resolution), "p90_resolution_h": _p90(resolution)},
        "people": {"command_posts": len(posts), "by_level": by_level, "task_doers": doers},
        "issues": {"not_reached": door_total - (by_kind.get(TaskKind.DOOR_CHECK, {}).get("reached", 0)),
                   "handed_over": sum(r["handed"] for r in by_kind.values()),
                   "needs_open_at_end": sum(1 for n in needs if n[1] in OPEN_STATUSES)},
    }


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=140, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # The CJK font Debian's fonts-noto-cjk installs (its first face is listed as "Noto Sans CJK JP").
    plt.rcParams["font.family"] = ["Noto Sans CJK SC", "Noto Sans CJK JP", "DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    return plt


def review_charts(review: dict) -> dict[str, str]:
    """PNG data URIs: the coverage curve and the needs by kind."""
    plt = _pyplot()
    charts = {}
    curve = review.get("curve") or []
    fig, ax = plt.subplots(figsize=(7, 2.8))
    ax.plot([c[0][5:] for c in curve], [(c[2] or 0) * 100 for c in curve], marker="o", color="#c0392b")
    ax.set_ylim(0, 105)
    ax.set_ylabel(_("Coverage %"))
    ax.set_title(_("Door-to-door coverage by day"))
    ax.grid(alpha=0.3)
    if len(curve) > 12:
        ax.set_xticks(range(0, len(curve), max(1, len(curve) // 10)))
    charts["coverage"] = _png(fig)
    kinds = review.get("needs", {}).get("by_kind") or {}
    fig, ax = plt.subplots(figsize=(7, 2.4))
    labels = {"medicine": _("Medicine"), "food": _("Food and daily goods"), "transport": _("Medical transport"),
              "other": _("Other need")}
    ax.barh([labels.get(k, k) for k in kinds] or ["—"], list(kinds.values()) or [0], color="#2c7fb8")
    ax.set_title(_("Needs raised by kind"))
    charts["needs"] = _png(fig)
    return charts


def review_pdf(*, emergency: Emergency) -> bytes:
    from weasyprint import HTML  # lazily: a few hundred ms, needed only here

    review = emergency.review or review_build(emergency=emergency)
    with translation.override("zh-hans"):
        charts = review_charts(review)
        html = render_to_string("emergency/review_pdf.html", {
            "emergency": emergency, "r": review, "charts": charts, "printed_at": timezone.localtime(),
            "timeline": [(dt.datetime.fromisoformat(t), what) for t, what in review.get("timeline", [])],
        })
    return HTML(string=html).write_pdf()
