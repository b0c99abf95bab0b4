"""填单: filing a matter (any channel, any origin) and its photos."""

from __future__ import annotations

import functools
import logging
import threading

from django.db import IntegrityError, connections, router, transaction
from django.db.models import signals
from django.utils.translation import gettext as _

from yizuyihui.accounts import roles
from yizuyihui.cases import deadlines
from yizuyihui.cases.models import Case, CaseEvent, Category, Channel, Mode, Origin, Urgency
from yizuyihui.cases.services._base import CaseError, _now, _require, _tell_resident
from yizuyihui.core.plugins import provider, provider_call

log = logging.getLogger(__name__)


def _mode_for(node) -> str:
    """Urgent mode (平急转换): asked of whichever app provides the `node_mode` hook (emergency)."""
    return Mode.URGENT if provider_call("node_mode", node, default="normal") in ("urgent", Mode.URGENT, True) else Mode.CALM


_routing_down_until = 0.0


def _suggest_category(text: str):
    """Ask the router for one text's category: returns (Category | None, confidence | None)."""
    return _suggest_categories([text])[0]


def _suggest_categories(texts: list[str]) -> list[tuple]:
    """Ask the `route_texts` provider (triage; one batch through the model) for each text's
    category, or `route_text` text by text when only that is provided: returns a list of
    (Category | None, confidence | None). Advisory only: a failing router (e.g. no trained model)
    is skipped for 5 minutes, not retried on every filing (it cost 200 ms a matter in the intake
    benchmark)."""
    global _routing_down_until
    import time

    nothing = [(None, None)] * len(texts)
    if not texts or time.monotonic() < _routing_down_until:
        return nothing
    many, one = provider("route_texts"), provider("route_text")
    if many is None and one is None:
        return nothing
    try:
        results = list(many(texts)) if many is not None else [one(text) for text in texts]
    except Exception:  # pragma: no cover - routing is advisory only
        log.warning("triage routing unavailable; filing without a suggestion", exc_info=True)
        _routing_down_until = time.monotonic() + 300
        return nothing
    return [_suggestion_of(result) for result in results]


def _suggestion_of(result) -> tuple:
    if result is None:
        return None, None
    if isinstance(result, dict):
        label, conf = result.get("category") or result.get("label"), result.get("confidence")
    elif isinstance(result, tuple | list):
        label, conf = (list(result) + [None, None])[:2]
    else:
        label = getattr(result, "category", None) or getattr(result, "label", None)
        conf = getattr(result, "confidence", None) or getattr(result, "score", None)
    if isinstance(label, Category):
        return label, conf
    if label:
        cat = deadlines.categories()["by_name"].get(str(label))  # cached taxonomy: no query
        try:
            return cat, float(conf) if conf is not None else None
        except (TypeError, ValueError):
            return cat, None
    return None, None



def case_file(*, unit, actor, title: str, description: str, channel: str, urgency: str = "normal", category=None,
              reporter=None, place: str = "", origin: str = "resident", origin_ref: str = "", now=None,
              idempotency_key: str = "", lat: float | None = None, long: float | None = None,
              suggest: bool = True, key_checked: bool = False) -> Case:
    """填单: a resident, a member on the resident's behalf, or another app (visit, report, duty,
    meeting) files a matter with the unit. The unit's Party group receives it next."""
    now = _now(now)
    _require(actor, "cases.file_for_unit", unit)
    title = (title or "").strip()[:200]
    if not title:
        raise CaseError(_("Describe the matter"))
    if channel not in Channel.values:
        raise CaseError(_("Unknown channel"))
    if urgency not in Urgency.values:
        raise CaseError(_("Unknown urgency"))
    if origin not in Origin.values:
        raise CaseError(_("Unknown origin"))
    if reporter is None and actor is not None and not roles.is_staff(actor):
        reporter = getattr(actor, "person", None)
    if idempotency_key and actor is not None and not key_checked:  # the API looked already
        existing = Case.objects.filter(filed_by=actor, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    mode = _mode_for(unit.node)
    # The routing suggestion is not computed here: a job after commit sets it (and, when the filer
    # gave none and nobody has acted yet, the category and its deadlines): `case_apply_suggestion`.
    respond_due, resolve_due = deadlines.due_dates(start=now, category=category, tier=1, urgency=urgency, mode=mode)
    try:
        with transaction.atomic():
            case = Case(
                unit=unit, node=unit.node, tier=1, category=category, urgency=urgency, mode=mode, channel=channel,
                origin=origin, origin_ref=origin_ref[:100], title=title, description=description or "",
                place=place[:200], lat=lat, long=long, reporter=reporter, filed_by=actor,
                idempotency_key=idempotency_key[:100] if actor is not None else "", filed_at=now,
                respond_due=respond_due, resolve_due=resolve_due, suggestion_pending=suggest,
            )
            _insert_filing(case, CaseEvent(action="file", actor=actor, from_status="", to_status=case.status,
                                           tier=1, at=now, data={"channel": channel, "origin": origin}))
            if suggest:
                _suggest_after_commit()
    except IntegrityError:
        # The same Idempotency-Key raced in from a retry: return the matter the first one made.
        existing = Case.objects.filter(filed_by=actor, idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing
    _tell_resident(case, _("Your matter was filed"))
    return case



def _insert_filing(case: Case, event: CaseEvent) -> None:
    """INSERT a new matter and its filing event. On PostgreSQL one statement,
    `WITH m AS (INSERT INTO cases_case … RETURNING id) INSERT INTO cases_caseevent … SELECT m.id …`
    (one round trip instead of two); elsewhere two ORM saves. Either way the models' pre_save and
    post_save signals are sent as a save sends them (insights queues the rollup from the event's)."""
    using = router.db_for_write(Case, instance=case)
    connection = connections[using]
    if connection.vendor != "postgresql":
        case.save(force_insert=True, using=using)
        event.case = case
        event.save(force_insert=True, using=using)
        return
    for obj in (case, event):
        signals.pre_save.send(sender=type(obj), instance=obj, raw=False, using=using, update_fields=None)
    case_fields, case_values = _insert_values(case, connection)
    event_fields, event_values = _insert_values(event, connection)
    with connection.cursor() as cursor:
        cursor.execute(_filing_sql(case_fields, event_fields), case_values + event_values)
        case.pk, event.pk = cursor.fetchone()
    event.case = case
    for obj in (case, event):
        obj._state.adding, obj._state.db = False, using
    case._update_initial_state()  # django-fsm: the state this object was loaded in (as after a save)
    for obj in (case, event):
        signals.post_save.send(sender=type(obj), instance=obj, created=True, update_fields=None, raw=False, using=using)


def _insert_values(obj, connection) -> tuple[tuple, list]:
    """The fields a filing INSERTs and their values. A field whose value is NULL and that has no
    database default is left out (the column is NULL anyway): a filing has ~15 of them, and with
    them the statement passed 50 parameters, past which psycopg parses it anew on every execute
    instead of once per process (`MAX_CACHED_STATEMENT_PARAMS`)."""
    fields, values = [], []
    for f in _insert_fields(type(obj)):
        value = f.get_db_prep_save(f.pre_save(obj, True), connection)
        if value is None and not f.has_db_default():
            continue
        fields.append(f)
        values.append(value)
    return tuple(fields), values


@functools.cache
def _insert_fields(model) -> tuple:
    return tuple(f for f in model._meta.concrete_fields if not f.primary_key and f.attname != "case_id")


@functools.lru_cache(maxsize=64)
def _filing_sql(case_fields: tuple, event_fields: tuple) -> str:
    """`WITH m AS (INSERT INTO cases_case … RETURNING id) INSERT INTO cases_caseevent … SELECT m.id …`
    (PostgreSQL), written once per set of columns (a few: with or without category, reporter,
    coordinates)."""
    def qn(name: str) -> str:
        return f'"{name}"'

    case_cols = ", ".join(qn(f.column) for f in case_fields)
    event_cols = ", ".join(qn(f.column) for f in event_fields)
    case_pk, event_pk = qn(Case._meta.pk.column), qn(CaseEvent._meta.pk.column)
    return (f"WITH m AS (INSERT INTO {qn(Case._meta.db_table)} ({case_cols}) "
            f"VALUES ({', '.join(['%s'] * len(case_fields))}) RETURNING {case_pk}) "
            f"INSERT INTO {qn(CaseEvent._meta.db_table)} ({qn('case_id')}, {event_cols}) "
            f"SELECT m.{case_pk}, {', '.join(['%s'] * len(event_fields))} FROM m "
            f"RETURNING {qn('case_id')}, {event_pk}")


SUGGEST_FLAG = "yzyh:suggest:queued"
# How long a queued routing job keeps filings from queueing another (the job clears the flag when it
# starts; this only bounds the wait if a queued job is lost — the periodic sweep catches the rest).
SUGGEST_FLAG_SECONDS = 60


def _suggest_after_commit() -> None:
    """Queue the routing job once the filing has committed (the job worker loads the model, the web
    workers never do). The matter is stored with `suggestion_pending`; one job routes every matter
    waiting (`case_suggest_pending`), so under load a filing queues a job only when none is queued
    yet (a flag in the shared cache, `YZYH_SUGGEST_FLAG`). A queue that is down costs the
    suggestion, never the filing: the periodic sweep routes what is still pending, and meanwhile
    the matter waits in the review queue (triage) like any unsure one."""
    from django.conf import settings
    from django.core.cache import cache

    def enqueue() -> None:
        from yizuyihui.cases.tasks import suggest_pending_task

        try:
            if getattr(settings, "YZYH_SUGGEST_FLAG", False):
                if not cache.add(SUGGEST_FLAG, 1, SUGGEST_FLAG_SECONDS):
                    return  # a job is queued and has not started: it will route this matter too
                delay = getattr(settings, "YZYH_SUGGEST_DELAY_SECONDS", 0)
                if delay and not suggest_pending_task.huey.immediate:
                    # The filings of the next second join this job's batch (the flag keeps them from queueing).
                    suggest_pending_task.schedule(delay=delay)
                    return
            suggest_pending_task()
        except Exception:  # pragma: no cover - depends on the queue's backend
            log.warning("routing job not queued", exc_info=True)

    transaction.on_commit(enqueue)


SUGGEST_FIELDS = ("title", "description", "filed_at", "tier", "urgency", "mode", "category_id")


def case_suggest_pending(*, batch: int = 200) -> int:
    """The routing job: every matter waiting for its suggestion, `batch` at a time, routed in one
    call to the model (`route_texts`) and updated in one transaction (`_apply_suggestion` each: the
    same rule as `case_apply_suggestion`). Returns how many matters were routed. Clears the queued
    flag first (once no other job of this process is routing), so a matter filed after this point
    queues a job of its own."""
    from django.core.cache import cache

    with _suggest_lock:  # one job at a time per worker process; a second waits and then takes the rest
        cache.delete(SUGGEST_FLAG)
        return _suggest_pending(batch)


_suggest_lock = threading.Lock()


def _suggest_pending(batch: int) -> int:
    done = 0
    while True:
        # No row lock while the model runs (a first load takes seconds; a leader receiving the matter
        # meanwhile must not wait for it). Two jobs at once may route the same matter twice: the
        # UPDATEs are idempotent and keep the rule, so the second changes nothing.
        rows = list(Case.objects.filter(suggestion_pending=True).order_by("pk").values("pk", *SUGGEST_FIELDS)[:batch])
        if not rows:
            return done
        routed = _suggest_categories([f"{r['title']}\n{r['description']}" for r in rows])
        using = router.db_for_write(Case)
        with transaction.atomic(using=using):  # one commit for the batch
            if connections[using].vendor == "postgresql":
                _apply_suggestions_sql(connections[using], rows, routed)
            else:
                for row, (suggested, confidence) in zip(rows, routed, strict=True):
                    _apply_suggestion(row["pk"], row, suggested, confidence)
        done += len(rows)
        if len(rows) < batch:
            return done


def case_apply_suggestion(*, case_id: int, known: dict | None = None) -> Category | None:
    """The job after a filing: ask the router for the matter's category and store it as the
    suggestion; if the filer gave no category and nobody has acted on the matter yet (still filed,
    no step after the filing), the suggestion becomes its category and the deadlines are those of
    that category's policy, counted from the filing as intake counts them. Returns the suggestion.

    `known`: the matter's fields as filed (a job queued by an earlier version carries them: no
    SELECT). Filings now queue `case_suggest_pending`, which applies the same rule to a batch."""
    row = known or Case.objects.filter(pk=case_id).values(*SUGGEST_FIELDS).first()
    if row is None:
        return None
    suggested, confidence = _suggest_category(f"{row['title']}\n{row['description']}")
    return _apply_suggestion(case_id, row, suggested, confidence)


def _apply_suggestion(case_id: int, row: dict, suggested, confidence) -> Category | None:
    """One conditional UPDATE (two when somebody was quicker than the job): the "nobody has acted"
    test is in the UPDATE's WHERE, so a step taken meanwhile is never undone."""
    from django.db.models import BooleanField, Exists, OuterRef, Q, Value, When
    from django.db.models import Case as Switch

    from yizuyihui.cases.models import CaseStatus

    matter = Case.objects.filter(pk=case_id)
    fields = {"suggested_category": suggested, "suggestion_confidence": confidence, "suggestion_pending": False}
    if suggested is not None and row["category_id"] is None:
        respond_due, resolve_due = deadlines.due_dates(start=row["filed_at"], category=suggested, tier=row["tier"],
                                                       urgency=row["urgency"], mode=row["mode"])
        acted = CaseEvent.objects.filter(case_id=OuterRef("pk")).exclude(action="file")
        if matter.filter(category__isnull=True, status=CaseStatus.FILED).filter(~Exists(acted)).update(
                **fields, category=suggested, category_overridden=False, respond_due=respond_due,
                resolve_due=resolve_due):
            return suggested
    overridden = Value(False) if suggested is None else Switch(
        When(Q(category__isnull=True) | Q(category=suggested.pk), then=Value(False)), default=Value(True),
        output_field=BooleanField())
    matter.update(**fields, category_overridden=overridden)
    return suggested


def _apply_suggestions_sql(connection, rows: list[dict], routed: list[tuple]) -> None:
    """`_apply_suggestion`'s rule for a whole batch in two UPDATEs (PostgreSQL): first the matters
    that take the suggestion as their category (no category from the filer, still filed, no step
    after the filing — tested in the WHERE, as there), then the suggestion alone on the rest. One
    ORM UPDATE per matter cost the job ~2 ms a matter, a third of an API filing's whole CPU."""
    from yizuyihui.cases.models import CaseStatus

    adopt, rest = [], []
    for row, (suggested, confidence) in zip(rows, routed, strict=True):
        cat = suggested.pk if suggested is not None else None
        if suggested is not None and row["category_id"] is None:
            respond_due, resolve_due = deadlines.due_dates(start=row["filed_at"], category=suggested,
                                                           tier=row["tier"], urgency=row["urgency"], mode=row["mode"])
            adopt.append((row["pk"], cat, confidence, respond_due, resolve_due))
        else:
            rest.append((row["pk"], cat, confidence))
    col = {name: Case._meta.get_field(name).column for name in (
        "suggested_category", "suggestion_confidence", "suggestion_pending", "category", "category_overridden",
        "respond_due", "resolve_due", "status")}
    case_t, event_t = Case._meta.db_table, CaseEvent._meta.db_table
    suggestion = (f'"{col["suggested_category"]}" = v.cat, "{col["suggestion_confidence"]}" = v.conf, '
                  f'"{col["suggestion_pending"]}" = false')
    with connection.cursor() as cursor:
        if adopt:
            values = ", ".join(["(%s::bigint, %s::bigint, %s::double precision, %s::timestamptz, %s::timestamptz)"]
                               * len(adopt))
            cursor.execute(
                f'UPDATE "{case_t}" AS c SET {suggestion}, "{col["category"]}" = v.cat, '
                f'"{col["category_overridden"]}" = false, "{col["respond_due"]}" = v.rd, "{col["resolve_due"]}" = v.sd '
                f"FROM (VALUES {values}) AS v(id, cat, conf, rd, sd) "
                f'WHERE c.id = v.id AND c."{col["category"]}" IS NULL AND c."{col["status"]}" = %s '
                f'AND NOT EXISTS (SELECT 1 FROM "{event_t}" e WHERE e.case_id = c.id AND e.action <> %s) RETURNING c.id',
                [p for item in adopt for p in item] + [CaseStatus.FILED, "file"])
            taken = {pk for (pk,) in cursor.fetchall()}
            rest += [(pk, cat, conf) for pk, cat, conf, _rd, _sd in adopt if pk not in taken]
        if rest:
            values = ", ".join(["(%s::bigint, %s::bigint, %s::double precision)"] * len(rest))
            cursor.execute(
                f'UPDATE "{case_t}" AS c SET {suggestion}, "{col["category_overridden"]}" = '
                f'(v.cat IS NOT NULL AND c."{col["category"]}" IS NOT NULL AND c."{col["category"]}" <> v.cat) '
                f"FROM (VALUES {values}) AS v(id, cat, conf) WHERE c.id = v.id",
                [p for item in rest for p in item])


# --- attachments ------------------------------------------------------------------------------------
MAX_PHOTO_BYTES = 8 * 1024 * 1024
PHOTO_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}


def attachment_add(*, case: Case, actor, file, event: CaseEvent | None = None, now=None):
    """Store a photo through Django's storage after checking size and that Pillow can read it."""
    from PIL import Image, UnidentifiedImageError

    from yizuyihui.cases.models import Attachment

    now = _now(now)
    size = getattr(file, "size", None) or 0
    if size > MAX_PHOTO_BYTES:
        raise CaseError(_("A photo may be at most 8 MB"))
    try:
        file.seek(0)
        with Image.open(file) as img:
            fmt = img.format
            width, height = img.size
            img.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise CaseError(_("This file is not a photo we can read")) from exc
    if fmt not in PHOTO_TYPES:
        raise CaseError(_("Photos must be JPEG, PNG, WebP or GIF"))
    if width * height > 60_000_000:
        raise CaseError(_("This photo is too large"))
    file.seek(0)
    att = Attachment(case=case, event=event, content_type=PHOTO_TYPES[fmt], size=size, width=width, height=height,
                     uploaded_by=actor, uploaded_at=now)
    name = getattr(file, "name", "photo") or "photo"
    att.file.save(name.rsplit("/", 1)[-1], file, save=False)
    att.save()
    return att

