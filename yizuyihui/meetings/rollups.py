"""The dashboard's mobilisation panel from insights' rollups (issue 17), not from the meeting tables.

Source `meetings` (insights/panel_rollups.py): held meetings by their unit's node and local day held,
keys:
* "kind:<kind>" — n1 meetings held of that kind;
* "seats" — n1 invited, n2 attended;
* "plus" — map {person id: attended "+" seats} (distinct people = keys);
* "res" — n1 resolutions passed, map {topic id: n} (distinct topics settled = keys);
* "act" — actions of those resolutions: n1 done, n2 done on time, map {due day: open actions}
  (overdue = open ones due before today, decided when reading).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from yizuyihui.core.plugins import provider


def api():
    fn = provider("panel_rollups")
    return fn() if fn is not None else None


def _day(at: dt.datetime) -> dt.date:
    return timezone.localtime(at, timezone.get_default_timezone()).date()


class MeetingSource:
    def span(self):
        from django.db.models import Max, Min

        from yizuyihui.meetings.models import Meeting, MeetingStatus

        r = Meeting.objects.filter(status=MeetingStatus.HELD).aggregate(a=Min("held_at"), b=Max("held_at"))
        return (_day(r["a"]), _day(r["b"])) if r["a"] else None

    def stream(self, *, start, end, node_id=None):
        from yizuyihui.meetings.models import (
            Action,
            ActionStatus,
            Body,
            Meeting,
            MeetingStatus,
            Participant,
            Resolution,
        )

        tz = timezone.get_default_timezone()
        s = dt.datetime.combine(start, dt.time(), tzinfo=tz)
        e = dt.datetime.combine(end, dt.time(), tzinfo=tz)

        def held(qs, prefix=""):
            qs = qs.filter(**{f"{prefix}status": MeetingStatus.HELD, f"{prefix}held_at__gte": s,
                              f"{prefix}held_at__lt": e}).order_by()
            return qs.filter(**{f"{prefix}unit__node_id": node_id}) if node_id is not None else qs

        for node, at, kind in held(Meeting.objects).values_list("unit__node_id", "held_at", "kind").iterator():
            yield node, _day(at), f"kind:{kind}", (1, 0, 0, 0), None
        seats = held(Participant.objects, "meeting__").values_list("meeting__unit__node_id", "meeting__held_at",
                                                                   "attended", "body", "person_id")
        for node, at, attended, body, person in seats.iterator(chunk_size=10_000):
            yield node, _day(at), "seats", (1, 1 if attended else 0, 0, 0), None
            if attended and body == Body.PLUS:
                yield node, _day(at), "plus", (0, 0, 0, 0), {str(person): 1}
        res = held(Resolution.objects.filter(passed=True), "meeting__")
        for node, at, topic in res.values_list("meeting__unit__node_id", "meeting__held_at", "topic_id").iterator():
            yield node, _day(at), "res", (1, 0, 0, 0), {str(topic): 1}
        acts = held(Action.objects.filter(resolution__passed=True), "resolution__meeting__")
        for node, at, status, done_at, due in acts.values_list("resolution__meeting__unit__node_id",
                                                                "resolution__meeting__held_at", "status", "done_at",
                                                                "due").iterator():
            if status == ActionStatus.DONE:
                on_time = done_at is not None and timezone.localtime(done_at, tz).date() <= due
                yield node, _day(at), "act", (1, 1 if on_time else 0, 0, 0), None
            elif status == ActionStatus.OPEN:
                yield node, _day(at), "act", (0, 0, 0, 0), {due.isoformat(): 1}

    def rebuild_sql(self):
        """`stream` over all history as one SELECT (panel_rollups._rebuild_sql): the held meetings'
        node and local day once (a CTE), then their kinds, seats, attended "+" seats, passed
        resolutions and those resolutions' done or open actions."""
        from yizuyihui.meetings.models import (
            Action,
            ActionStatus,
            Body,
            Meeting,
            MeetingStatus,
            Participant,
            Resolution,
        )
        from yizuyihui.org.models import Unit

        tz = timezone.get_default_timezone_name()
        meeting, unit, seat, res, act = (m._meta.db_table for m in (Meeting, Unit, Participant, Resolution, Action))
        done, open_ = ActionStatus.DONE.value, ActionStatus.OPEN.value
        sql = f"""WITH m AS (
              SELECT m.id, u.node_id, (m.held_at AT TIME ZONE %s)::date AS day, m.kind FROM {meeting} m
              JOIN {unit} u ON u.id = m.unit_id WHERE m.status = %s AND m.held_at IS NOT NULL)
            SELECT m.node_id, m.day, 'kind:' || m.kind, 1, 0, 0, 0, NULL::text FROM m
            UNION ALL
            SELECT m.node_id, m.day, 'seats', 1, CASE WHEN p.attended THEN 1 ELSE 0 END, 0, 0, NULL
            FROM {seat} p JOIN m ON m.id = p.meeting_id
            UNION ALL
            SELECT m.node_id, m.day, 'plus', 0, 0, 0, 0, p.person_id::text
            FROM {seat} p JOIN m ON m.id = p.meeting_id WHERE p.attended AND p.body = %s
            UNION ALL
            SELECT m.node_id, m.day, 'res', 1, 0, 0, 0, r.topic_id::text
            FROM {res} r JOIN m ON m.id = r.meeting_id WHERE r.passed
            UNION ALL
            SELECT m.node_id, m.day, 'act', CASE WHEN a.status = %s THEN 1 ELSE 0 END,
              CASE WHEN a.status = %s AND (a.done_at AT TIME ZONE %s)::date <= a.due THEN 1 ELSE 0 END, 0, 0,
              CASE WHEN a.status = %s THEN to_char(a.due, 'YYYY-MM-DD') END
            FROM {act} a JOIN {res} r ON r.id = a.resolution_id JOIN m ON m.id = r.meeting_id
            WHERE r.passed AND a.status IN (%s, %s)"""
        return sql, [tz, MeetingStatus.HELD.value, Body.PLUS.value, done, done, tz, open_, done, open_]


def mark_meetings(meetings) -> None:
    """Queue the buckets of these meetings (held ones: a meeting counts on its day held)."""
    a = api()
    if a is None:
        return
    pairs = set()
    for m in meetings:
        if m is not None and m.held_at is not None:
            node = getattr(m, "_rollup_node", None)
            if node is None:
                from yizuyihui.org.models import Unit

                node = Unit.objects.filter(pk=m.unit_id).values_list("node_id", flat=True).first()
            pairs.add((node, _day(m.held_at)))
    a.mark("meetings", pairs)


def mark_meeting_ids(ids) -> None:
    from yizuyihui.meetings.models import Meeting

    a = api()
    ids = {i for i in ids if i is not None}
    if a is None or not ids:
        return
    rows = Meeting.objects.filter(pk__in=ids, held_at__isnull=False).values_list("unit__node_id", "held_at")
    a.mark("meetings", {(n, _day(at)) for n, at in rows})


# "Since the beginning" for the meetings page's all-time figures: one month span from here (the
# rollups hold days only where meetings were held).
EPOCH = dt.date(2000, 1, 1)


def mobilisation(*, user=None, node=None, paths: tuple[str, ...] | None = None, start: dt.date | None = None,
                 end: dt.date | None = None, today: dt.date | None = None):
    """selectors.mobilisation over the local days [start, end) under `node` (or `paths`: the roots of
    a scope), from the rollups. No start: since the first meeting; no end: through today."""
    from yizuyihui.meetings.models import MeetingKind
    from yizuyihui.meetings.selectors import Mobilisation

    a = api()
    today = today or timezone.localdate()
    paths = paths if paths is not None else (node.path,)
    spans = a.spans(start or EPOCH, end or today + dt.timedelta(days=1))
    rows = {r["key"]: r for r in a.read("meetings", paths, spans)}

    def n(key, f="n1"):
        return (rows.get(key) or {}).get(f) or 0

    plus = a.hist_sum("meetings", paths, spans, "plus")
    topics = a.hist_sum("meetings", paths, spans, "res")
    open_due = a.hist_sum("meetings", paths, spans, "act")
    return Mobilisation(
        council_meetings=n(f"kind:{MeetingKind.COUNCIL}"), group_meetings=n(f"kind:{MeetingKind.PARTY_GROUP}"),
        topics_settled=sum(1 for v in topics.values() if v > 0), resolutions=n("res"),
        plus_members=sum(1 for v in plus.values() if v > 0),
        attended=n("seats", "n2"), invited=n("seats"),
        actions_done=n("act"), actions_done_on_time=n("act", "n2"),
        actions_overdue=sum(v for d, v in open_due.items() if d < today.isoformat()),
    )


def all_time(*, paths: tuple[str, ...]):
    """The meetings pages' all-time mobilisation under `paths` (a scope's roots, a unit): from
    insights' rollups when installed, the queued buckets folded in first (a city's five years of
    meetings were otherwise read on every visit); else from the meeting tables."""
    from yizuyihui.meetings.selectors import mobilisation as from_tables

    a = api()
    if a is None:
        return from_tables(paths=paths)
    a.fresh()
    return mobilisation(paths=paths)
