"""Every read of matters that a page or the API shows, starting from the viewer's scope."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from yizuyihui.accounts.roles import COUNCIL_ROLES, HANDLER_ROLES, MANAGER_ROLES, RECEIVER_ROLES
from yizuyihui.accounts.scope import paths_q, role_paths, scope_q
from yizuyihui.cases.lifecycle import IN_HAND as _IN_HAND
from yizuyihui.cases.lifecycle import available_steps, rating_wait
from yizuyihui.cases.models import (
    FINAL_STATUSES,
    TRIAGE_STATUSES,
    WORKING_STATUSES,
    Case,
    CaseEvent,
    CaseStatus,
)
from yizuyihui.core.plugins import provider_call
from yizuyihui.people.selectors import user_name

LIST_RELATED = ("unit", "node", "category", "handler")


def cases_visible_to(user) -> QuerySet[Case]:
    """Staff: matters of units in their scope. Everyone: their own matters and those they handle."""
    q = scope_q(user, "unit__node") | Q(filed_by=user) | Q(handler=user)
    person = getattr(user, "person", None)
    if person is not None:
        q |= Q(reporter=person)
    return Case.objects.filter(q).select_related(*LIST_RELATED)


def unit_inbox(*, user) -> QuerySet[Case]:
    """收单 / 议单: new matters for those who receive them (the unit's leader and grid worker, the
    levels above: rules.can_receive_case), and matters waiting for the Party group or branch where
    the user manages (rules.can_manage_case). The same rules as the steps: whatever is listed here
    the user can act on."""
    receiving, managing = role_paths(user, RECEIVER_ROLES), role_paths(user, MANAGER_ROLES)
    if not receiving and not managing:
        return Case.objects.none()  # no query at all (a handler's or a council member's worklist)
    # Where the user also manages, every triage matter is listed anyway (FILED is one of them): a
    # receiving path under a managed one adds nothing, and left in, it made a city admin's inbox an
    # OR of two conditions on the same node table (16 ms of PostgreSQL to count it at 200 k matters).
    receiving = tuple(p for p in receiving if not any(p.startswith(m) for m in managing))
    wanted = paths_q(managing, "node")  # & status in TRIAGE_STATUSES, below
    if receiving:
        wanted = (paths_q(receiving, "node") & Q(status=CaseStatus.FILED)) | wanted
    # The status conjunct on top (FILED is a triage status), once, lets PostgreSQL use the partial
    # indexes: case_triage_node per node of a small scope, case_triage_due walked in the list's order
    # for a city or district. With only the OR it ANDed a whole-table status bitmap per node of the
    # scope (373 ms for a street at 1 M matters), and a repeated status condition made it expect
    # 41 rows of 6 700 (docs/scale.md).
    return (Case.objects.filter(wanted, status__in=TRIAGE_STATUSES)
            .select_related(*LIST_RELATED).order_by("respond_due", "pk"))


def _feedback_q(user) -> Q:
    """Where the user gives 反馈 (rules.can_feed_back_case): the council of the unit, or managing
    the level where the matter sits.

    A matter sits at its unit's node or at an ancestor of it (escalation only climbs), so one sitting
    under a managed level has its unit under that level too: a managed path under a council path
    adds nothing and is left out. The OR across the two joined node tables made PostgreSQL join
    every resolved matter of the city twice (12 ms for a unit leader at 1 M matters)."""
    council = role_paths(user, COUNCIL_ROLES)
    managed = tuple(p for p in role_paths(user, MANAGER_ROLES) if not any(p.startswith(c) for c in council))
    if not council and not managed:
        return Q(pk__in=[])
    if not managed:
        return paths_q(council, "unit__node")
    return paths_q(council, "unit__node") | paths_q(managed, "node")


def feedback_due(*, user) -> QuerySet[Case]:
    """待反馈: resolved matters whose result the user's council tells the resident."""
    if not role_paths(user, COUNCIL_ROLES) and not role_paths(user, MANAGER_ROLES):
        return Case.objects.none()
    return (Case.objects.filter(_feedback_q(user), status=CaseStatus.RESOLVED)
            .select_related(*LIST_RELATED).order_by("resolved_at", "pk"))


def closable_unrated(*, user, now=None) -> QuerySet[Case]:
    """Fed back, not rated within the waiting period: the manager may close them as 未评价."""
    now = now or timezone.now()
    paths = role_paths(user, MANAGER_ROLES)
    if not paths:
        return Case.objects.none()
    return (Case.objects.filter(paths_q(paths, "node"), status=CaseStatus.FED_BACK, fed_back_at__lte=now - rating_wait())
            .select_related(*LIST_RELATED).order_by("fed_back_at", "pk"))


def dispatch_board(*, user) -> QuerySet[Case]:
    """Matters with handlers, under the levels the user manages."""
    paths = role_paths(user, MANAGER_ROLES)
    if not paths:
        return Case.objects.none()
    return (Case.objects.filter(paths_q(paths, "node"), status__in=WORKING_STATUSES)
            .select_related(*LIST_RELATED).order_by("resolve_due", "pk"))


IN_HAND = [*_IN_HAND, CaseStatus.SUSPENDED]


def _offered(user) -> QuerySet[Case]:
    return Case.objects.filter(status=CaseStatus.DISPATCHED, assignments__handler=user, assignments__state="pending")


def handler_claims(*, user, limit: int = 100, shape=None) -> list[Case]:
    """领单 / 办单: matters offered to the user and matters the user leads, by deadline.
    Two separate indexed queries merged in Python: an OR of the two made PostgreSQL scan the case
    table (380 ms p95 at 300 k matters). `shape` narrows both querysets (the worklist's columns)."""
    shape = shape or (lambda qs: qs)
    offered = list(shape(_offered(user).select_related(*LIST_RELATED)).order_by("resolve_due", "pk")[:limit])
    in_hand = list(shape(Case.objects.filter(handler=user, status__in=IN_HAND).select_related(*LIST_RELATED))
                   .order_by("resolve_due", "pk")[:limit])
    # `.id`, not `.pk`: with the worklist's shape the rows are named tuples (worklist_rows).
    merged = sorted({c.id: c for c in offered + in_hand}.values(), key=lambda c: (c.resolve_due is None, c.resolve_due, c.id))
    return merged[:limit]


def handler_claims_count(*, user, cap: int | None = None) -> int:
    """How many matters handler_claims holds; with `cap`, each half counted up to cap + 1 rows and
    the sum at most cap + 1 (above cap reads "cap+", as worklist_count)."""
    offered, in_hand = _offered(user), Case.objects.filter(handler=user, status__in=IN_HAND)
    if cap is None:
        return offered.count() + in_hand.count()
    return min(cap + 1, offered[:cap + 1].count() + in_hand[:cap + 1].count())


# The staff worklist's sections (/cases/ and each section's own pages), in the page's order. A
# section lists exactly the matters its selector gives, so the section pages follow the same scope
# rules as the worklist.
WORKLIST_SECTIONS = {
    "inbox": unit_inbox,
    "claims": handler_claims,
    "feedback": feedback_due,
    "board": dispatch_board,
    "closable": closable_unrated,
}

# A section's tag counts at most COUNT_CAP matters and shows "1000+" beyond. A city admin's or a
# district's inbox holds tens of thousands of open matters at full scale: an exact COUNT(*) walks all
# of them on every view of the worklist (tens of ms), for a figure nobody acts on past a thousand,
# while counting ≤ 1,001 rows through the same partial indexes the list reads costs about a
# millisecond. 1,000 is also 20 section pages of 50: deeper than that a person narrows the list
# (the map, supervision) rather than pages.
COUNT_CAP = 1000


# What a worklist row shows (views._rows, templates/cases/_case_rows.html, due_state): these columns
# only, with the unit's and the category's names joined in, as named tuples (`row.unit__name`). The
# worklist is the dearest page (issue 17): model objects for each row and its unit and category, and
# the select_related compilation that builds them, were a third of a section's CPU.
ROW_VALUES = ("id", "title", "status", "tier", "urgency", "respond_due", "resolve_due", "resolved_at",
              "unit__name", "category__name")


def _as_rows(qs: QuerySet[Case]):
    return qs.select_related(None).values_list(*ROW_VALUES, named=True)


def worklist_rows(*, user, section: str, offset: int = 0, limit: int) -> list:
    """Rows offset … offset+limit-1 of a worklist section, most urgent first (the selector's order),
    as named tuples of ROW_VALUES."""
    if section == "claims":
        return handler_claims(user=user, limit=offset + limit, shape=_as_rows)[offset:]
    return list(_as_rows(WORKLIST_SECTIONS[section](user=user))[offset:offset + limit])


def worklist_count(*, user, section: str, cap: int = COUNT_CAP) -> int:
    """The section's matters, counted up to cap + 1: a result above `cap` means "more than cap"."""
    if section == "claims":
        return handler_claims_count(user=user, cap=cap)
    # No ORDER BY: the count may take whichever index is cheapest, and stops after cap + 1 rows.
    return WORKLIST_SECTIONS[section](user=user).order_by()[:cap + 1].count()


def my_cases(*, user) -> QuerySet[Case]:
    q = Q(filed_by=user)
    person = getattr(user, "person", None)
    if person is not None:
        q |= Q(reporter=person)
    return Case.objects.filter(q).select_related("unit", "category").order_by("-filed_at")


def public_board(*, unit, limit: int = 100) -> QuerySet[Case]:
    """全员监督: the unit's matters with status and result; the page shows no personal data."""
    return (Case.objects.filter(unit=unit).exclude(status__in=[CaseStatus.RETURNED, CaseStatus.MERGED])
            .select_related("category").only("pk", "title", "status", "tier", "category__name", "filed_at",
                                              "resolved_at", "result", "rating", "resolve_due")
            .order_by("-filed_at")[:limit])


def timeline(*, case: Case, public_only: bool = False) -> QuerySet[CaseEvent]:
    qs = case.events.select_related("actor").prefetch_related("attachments")
    return qs.filter(public=True) if public_only else qs


def timeline_entries(*, case: Case, user, public_only: bool = False) -> list:
    """The history on the matter's page: its events, merged in time order with what other apps add
    for this viewer (`case_timeline_extra`: the "+" members' progress notes …)."""
    events = list(timeline(case=case, public_only=public_only))
    extra = provider_call("case_timeline_extra", user, case, default=None) or []
    if not extra:
        return events
    return sorted(events + list(extra), key=lambda e: e.at)


def due_state(case: Case, now=None) -> str:
    """"overdue" / "due" (within a day) / "ok" for badges."""
    if case.status in FINAL_STATUSES or case.resolved_at:
        return "ok"
    now = now or timezone.now()
    due = case.respond_due if case.status == CaseStatus.FILED else case.resolve_due
    if due is None:
        return "ok"
    if due < now:
        return "overdue"
    if (due - now).total_seconds() < 86400:
        return "due"
    return "ok"


_UNIT_LEVEL_HANDLERS = ("grid_worker", "unit_leader", "council_member", "building_head")


def _suggested(case: Case, post) -> bool:
    """The category's default handler types at the matter's tier ({"1": ["unit"], "3": ["department:城管执法"]})."""
    types = (case.category.handler_types or {}).get(str(case.tier), []) if case.category_id else []
    for t in types:
        if t == "unit" and post.role in _UNIT_LEVEL_HANDLERS:
            return True
        if t == "community" and post.role == "community_cadre":
            return True
        if t.startswith("department:") and post.role == "department_handler" and post.department == t.split(":", 1)[1]:
            return True
    return False


def handler_choices(*, case: Case, q: str = "", limit: int = 200, users=None) -> list[dict]:
    """Staff who may be dispatched this matter (posts at the unit or the levels above it), as
    {user, name, post, group}: the person's name and post, grouped by handler type, the category's
    default types first. `q` filters by name, login or department (search as you type); `users`
    (user ids) keeps only those people (the picker's ticked ones, kept across searches)."""
    from yizuyihui.people.models import Post

    paths = case.unit.node.ancestor_paths()
    posts = (Post.objects.filter(Q(node__path__in=paths) | Q(node__path__startswith=case.unit.node.path),
                                 active=True, role__in=HANDLER_ROLES)
             .select_related("user__person", "node").order_by("role", "department", "user__username"))
    if q:
        posts = posts.filter(Q(user__person__name__icontains=q) | Q(user__username__icontains=q) | Q(department__icontains=q))
    if users is not None:
        posts = posts.filter(user_id__in=users)
    rows, seen = [], set()
    for post in posts[:limit * 2]:
        if post.user_id in seen:
            continue
        seen.add(post.user_id)
        person = getattr(post.user, "person", None)
        role = post.get_role_display()
        label = f"{role} · {post.department}" if post.department else role
        suggested = _suggested(case, post)
        rows.append({"user": post.user, "name": person.name if person else user_name(post.user),
                     "post": f"{label} · {post.node.name}", "group": label, "suggested": suggested})
    rows.sort(key=lambda r: (not r["suggested"], r["group"]))
    return rows[:limit]


def available_actions(*, user, case: Case) -> list[str]:
    """The steps this user may take now (the page's buttons, the API's `GET …/actions`): derived
    from the one declaration in lifecycle.py."""
    return available_steps(user=user, case=case)


def unit_for_filing(*, unit_id: int, user_id: int | None, idempotency_key: str = ""):
    """The unit (with its node) an API filing names and, when an Idempotency-Key is given, the id
    of the matter this user already filed under it: `(unit | None, seen_id | None)` in one round
    trip. The SQL is written once per process (building it through the ORM on every filing was
    ~15 % of a filing's web CPU, issue 17); rows go through the same converters as an ORM read."""
    from django.db import connections, router

    from yizuyihui.org.models import OrgNode, Unit

    using = router.db_for_read(Unit)
    connection = connections[using]
    with_key = bool(idempotency_key) and user_id is not None
    plan = _FILING_UNIT_SQL.get((using, with_key))
    if plan is None:
        plan = _FILING_UNIT_SQL[(using, with_key)] = _filing_unit_plan(connection, with_key)
    sql, unit_fields, node_fields, converters = plan
    params = ([user_id, idempotency_key] if with_key else []) + [unit_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None, None
    values = list(row)
    for i, convs in converters:
        for conv in convs:
            values[i] = conv(values[i], None, connection)
    k = len(unit_fields)
    unit = Unit.from_db(using, [f.attname for f in unit_fields], values[:k])
    node = OrgNode.from_db(using, [f.attname for f in node_fields], values[k:k + len(node_fields)])
    Unit._meta.get_field("node").set_cached_value(unit, node)
    return unit, values[-1]


_FILING_UNIT_SQL: dict = {}


def _filing_unit_plan(connection, with_key: bool):
    from yizuyihui.org.models import Unit

    qn = connection.ops.quote_name
    unit_fields = list(Unit._meta.concrete_fields)
    node_model = Unit._meta.get_field("node").related_model
    node_fields = list(node_model._meta.concrete_fields)
    cols = [f"u.{qn(f.column)}" for f in unit_fields] + [f"n.{qn(f.column)}" for f in node_fields]
    seen = (f"(SELECT c.{qn(Case._meta.pk.column)} FROM {qn(Case._meta.db_table)} c "
            f"WHERE c.{qn('filed_by_id')} = %s AND c.{qn('idempotency_key')} = %s LIMIT 1)") if with_key else "NULL"
    sql = (f"SELECT {', '.join(cols)}, {seen} FROM {qn(Unit._meta.db_table)} u "
           f"INNER JOIN {qn(node_model._meta.db_table)} n ON n.{qn(node_model._meta.pk.column)} = u.{qn('node_id')} "
           f"WHERE u.{qn(Unit._meta.pk.column)} = %s")
    converters = []
    for i, (alias, f) in enumerate([("u", f) for f in unit_fields] + [("n", f) for f in node_fields]):
        col = f.get_col(alias)
        convs = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if convs:
            converters.append((i, convs))
    return sql, unit_fields, node_fields, converters
