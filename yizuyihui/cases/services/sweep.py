"""The overdue sweep (压力传导, pressure transmission): 督办 at the level above, and escalation by
policy through the same plan as a manager's escalation (services/escalation.py)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yizuyihui.accounts import roles
from yizuyihui.cases import deadlines
from yizuyihui.cases.lifecycle import OPEN_STATUSES, STEPS, CaseStatus, EventAction
from yizuyihui.cases.models import Assignment, Case, CaseEvent
from yizuyihui.cases.services._base import _now
from yizuyihui.cases.services.escalation import escalation_notices, escalation_plan, nodes_by_path
from yizuyihui.core.plugins import provider_call
from yizuyihui.notifications.services import notify_many
from yizuyihui.supervision.selectors import supervised_q
from yizuyihui.supervision.services import supervisions_open_many

SWEEP_BATCH = 1000
ESCALATE = STEPS["escalate"]


def _parent_path(node) -> str:
    return node.path[: (node.depth - 1) * node.steplen] if node.depth > 1 else node.path


def sweep_overdue(*, now=None) -> dict[str, int]:
    """Find overdue matters, escalate by policy, open 督办 at the level above and notify.

    Idempotent: an escalated matter gets fresh deadlines at its new tier, and each supervision is
    unique per (matter, kind) with the tier in the kind — a second run finds nothing new.
    Set-based: overdue matters are handled SWEEP_BATCH at a time, each batch in one transaction
    with its rows locked (PostgreSQL), a bulk INSERT of supervisions, one UPDATE per group of
    identical escalations, a bulk INSERT of one CaseEvent per escalated matter and bulk inbox rows."""
    now = _now(now)
    ct = ContentType.objects.get_for_model(Case)
    counts = {"respond_overdue": 0, "resolve_overdue": 0, "escalated": 0}
    # Suspended matters are excluded from the resolve sweep: their clock is paused.
    late_statuses = [s for s in OPEN_STATUSES if s != CaseStatus.SUSPENDED]
    for tier in (1, 2, 3):
        kind = f"overdue_respond_t{tier}"
        ids = list(Case.objects.filter(status=CaseStatus.FILED, tier=tier, respond_due__lt=now)
                   .exclude(supervised_q(Case, kind)).order_by("pk").values_list("pk", flat=True))
        for i in range(0, len(ids), SWEEP_BATCH):
            counts["respond_overdue"] += _sweep_respond_batch(ids[i:i + SWEEP_BATCH], tier=tier, kind=kind, ct=ct, now=now)
        kind = f"overdue_resolve_t{tier}"
        late = Case.objects.filter(status__in=late_statuses, tier=tier, resolve_due__lt=now).exclude(supervised_q(Case, kind))
        # The policies' pause on the agenda: in SQL for the urgencies whose every policy pauses,
        # matter by matter (below, in the batch) for the others.
        late = late.exclude(status=CaseStatus.DELIBERATING, agenda_at__isnull=False,
                            urgency__in=deadlines.agenda_pausing_urgencies())
        ids = list(late.order_by("pk").values_list("pk", flat=True))
        for i in range(0, len(ids), SWEEP_BATCH):
            late, escalated = _sweep_resolve_batch(ids[i:i + SWEEP_BATCH], tier=tier, kind=kind, ct=ct, now=now,
                                                   statuses=late_statuses)
            counts["resolve_overdue"] += late
            counts["escalated"] += escalated
    return counts


def _sweep_respond_batch(ids, *, tier, kind, ct, now) -> int:
    with transaction.atomic():
        cases = list(Case.objects.select_for_update(of=("self",)).filter(
            pk__in=ids, status=CaseStatus.FILED, tier=tier, respond_due__lt=now).select_related("node")
            .only("pk", "respond_due", "node__path", "node__depth"))
        if not cases:
            return 0
        parents = nodes_by_path({_parent_path(c.node) for c in cases})
        supervisions_open_many(
            [(c.pk, parents[_parent_path(c.node)],
              _("No response by %(due)s") % {"due": f"{timezone.localtime(c.respond_due):%Y-%m-%d %H:%M}"})
             for c in cases], content_type=ct, kind=kind, now=now)
    return len(cases)


def _sweep_resolve_batch(ids, *, tier, kind, ct, now, statuses) -> tuple[int, int]:
    from yizuyihui.people.models import Post

    with transaction.atomic():
        cases = list(Case.objects.select_for_update(of=("self",)).filter(
            pk__in=ids, status__in=statuses, tier=tier, resolve_due__lt=now)
            .select_related("node", "unit__node", "reporter__user", "filed_by__person").order_by("pk"))
        # 议单: a matter waiting on the council's agenda is not late while its policy pauses the
        # clock there; the meeting's resolution gives it a deadline when it dispatches.
        cases = [c for c in cases if not (c.status == CaseStatus.DELIBERATING and c.agenda_at is not None
                                          and deadlines.agenda_pauses_clock(case=c))]
        if not cases:
            return 0, 0
        # Every node needed (supervisors above the responsible level, escalation targets above the
        # unit) from the materialised paths, in one query.
        paths = {_parent_path(c.node) for c in cases}
        for c in cases:
            paths.update(c.unit.node.ancestor_paths())
        nodes = nodes_by_path(paths)
        for c in cases:
            c.supervisor = nodes[_parent_path(c.node)]
            c.sup_reason = _("Not resolved by %(due)s") % {"due": f"{timezone.localtime(c.resolve_due):%Y-%m-%d %H:%M}"}
        supervisions_open_many([(c.pk, c.supervisor, c.sup_reason) for c in cases], content_type=ct, kind=kind, now=now)
        Case.objects.filter(pk__in=[c.pk for c in cases]).update(was_overdue=True)
        # These bulk UPDATEs and events send no signals: tell whoever keeps figures about matters.
        provider_call("cases_changed", [c.pk for c in cases])

        # Escalation (policy auto_escalate): the declared escalate step, one UPDATE per group of
        # identical changes (the row-by-row transition would cost a query pair per matter).
        plans = escalation_plan([c for c in cases if c.status in ESCALATE.sources and deadlines.auto_escalates(case=c)],
                                now=now, nodes=nodes)
        groups: dict = {}
        for e in plans:
            groups.setdefault((e.target.pk, e.respond_due, e.resolve_due, e.case.status), []).append(e)
        done = []
        for (target_id, respond_due, resolve_due, status), group in groups.items():
            pks = [e.case.pk for e in group]
            n = Case.objects.filter(pk__in=pks, status=status, tier=tier).update(
                status=ESCALATE.targets[0], tier=tier + 1, node_id=target_id, handler=None,
                respond_due=respond_due, resolve_due=resolve_due, suspended_at=None, on_agenda=False)
            if n == len(group):
                done.extend(group)
            else:  # pragma: no cover - rows are locked; on a mismatch take only the rows that moved
                moved = set(Case.objects.filter(pk__in=pks, status=ESCALATE.targets[0], tier=tier + 1,
                                                node_id=target_id).values_list("pk", flat=True))
                done.extend(e for e in group if e.case.pk in moved)
        reason = _("Overdue at tier %(tier)s") % {"tier": tier}
        CaseEvent.objects.bulk_create([
            CaseEvent(case_id=e.case.pk, action=EventAction.AUTO_ESCALATE, actor=None, from_status=e.case.status,
                      to_status=ESCALATE.targets[0], tier=tier + 1, reason=reason, at=now, public=True,
                      data={"to_node": e.target.pk})
            for e in done], batch_size=1000)
        Assignment.objects.filter(case_id__in=[e.case.pk for e in done], state__in=["pending", "lead", "assisting"]).update(
            state=Assignment.State.WITHDRAWN)

        # Notifications (inbox rows now, e-mail/SMS after commit): the supervising level's managers,
        # then the escalation's notices (the same as a manager's escalation).
        items = []
        sup_users: dict[int, list] = {}
        for post in (Post.objects.filter(active=True, node__in={c.supervisor.pk for c in cases},
                                         role__in=roles.MANAGER_ROLES).select_related("user__person").order_by("user_id")):
            users = sup_users.setdefault(post.node_id, [])
            if len(users) < 10 and all(u.pk != post.user_id for u in users):
                users.append(post.user)
        for c in cases:
            for user in sup_users.get(c.supervisor.pk, []):
                items.append((user, None, _("督办: %s") % c.title, c.sup_reason, ""))
        items += escalation_notices(done, reason=reason)
        notify_many(items)
    return len(cases), len(done)
