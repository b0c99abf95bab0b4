"""填单: filing a matter (any channel, any origin) and its photos."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
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
    """Ask the `route_text` provider (triage) for a category: returns (Category | None, confidence | None).
    Advisory only: a failing router (e.g. no trained model) is skipped for 5 minutes, not retried
    on every filing (it cost 200 ms a matter in the intake benchmark)."""
    global _routing_down_until
    import time

    if time.monotonic() < _routing_down_until:
        return None, None
    router = provider("route_text")
    if router is None:
        return None, None
    try:
        result = router(text)
    except Exception:  # pragma: no cover - routing is advisory only
        log.warning("triage routing unavailable; filing without a suggestion", exc_info=True)
        _routing_down_until = time.monotonic() + 300
        return None, None
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
    suggested, confidence = (None, None)
    if suggest:
        suggested, confidence = _suggest_category(f"{title}\n{description}")
    mode = _mode_for(unit.node)
    respond_due, resolve_due = deadlines.due_dates(start=now, category=category or suggested, tier=1,
                                                   urgency=urgency, mode=mode)
    try:
        with transaction.atomic():
            case = Case.objects.create(
                unit=unit, node=unit.node, tier=1, category=category or suggested, suggested_category=suggested,
                suggestion_confidence=confidence,
                category_overridden=bool(category and suggested and category.pk != suggested.pk),
                urgency=urgency, mode=mode, channel=channel, origin=origin, origin_ref=origin_ref[:100], title=title,
                description=description or "", place=place[:200], lat=lat, long=long, reporter=reporter,
                filed_by=actor, idempotency_key=idempotency_key[:100] if actor is not None else "", filed_at=now,
                respond_due=respond_due, resolve_due=resolve_due,
            )
            CaseEvent.objects.create(case=case, action="file", actor=actor, from_status="", to_status=case.status,
                                     tier=1, at=now, data={"channel": channel, "origin": origin})
    except IntegrityError:
        # The same Idempotency-Key raced in from a retry: return the matter the first one made.
        existing = Case.objects.filter(filed_by=actor, idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing
    _tell_resident(case, _("Your matter was filed"))
    return case



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

