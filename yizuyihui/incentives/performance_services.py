"""Writes of staff performance (考核): the city's weighting, appeals and their answers, recomputing."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yizuyihui.core.errors import ServiceConflict, ServiceError, ServiceForbidden
from yizuyihui.incentives import performance, performance_rules
from yizuyihui.incentives.performance_models import (
    WEIGHT_TOTAL,
    Appeal,
    AppealState,
    Measure,
    PerformanceScore,
    PerformanceWeight,
)
from yizuyihui.notifications.services import notify


class WeightsRefused(ServiceError):
    """Bad weights: the message names every problem; nothing was changed."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def performance_weights_save(*, actor, weights: dict) -> dict[str, int]:
    """Replace the city's weighting. Every measure needs a whole number from 0 to 100 and the
    weights must add up to 100 (a score is out of 100); otherwise the whole form is refused and
    the stored weighting stays as it was."""
    if not performance_rules.can_edit_weights(actor):
        raise ServiceForbidden(_("Only the city's administrators edit the weighting"))
    problems, clean = [], {}
    unknown = set(weights) - set(Measure.values)
    if unknown:
        problems.append(_("Unknown measure"))
    for measure, label in Measure.choices:
        raw = weights.get(measure)
        try:
            value = int(str(raw).strip())
        except (TypeError, ValueError):
            problems.append(_("%(measure)s: the weight must be a whole number") % {"measure": label})
            continue
        if value < 0:
            problems.append(_("%(measure)s: a weight cannot be negative") % {"measure": label})
        elif value > WEIGHT_TOTAL:
            problems.append(_("%(measure)s: a weight cannot exceed %(total)s") % {"measure": label, "total": WEIGHT_TOTAL})
        clean[measure] = value
    if not problems and sum(clean.values()) != WEIGHT_TOTAL:
        problems.append(_("The weights add up to %(sum)s; they must add up to %(total)s")
                        % {"sum": sum(clean.values()), "total": WEIGHT_TOTAL})
    if problems:
        raise WeightsRefused(problems)
    with transaction.atomic():
        for measure, value in clean.items():
            PerformanceWeight.objects.update_or_create(measure=measure,
                                                       defaults={"weight": value, "updated_by": actor})
    return clean


def performance_compute(*, actor, period: str) -> int:
    """Recompute a period's scores for the whole city (the weighting page's button, the job)."""
    if actor is not None and not performance_rules.can_recompute(actor):
        raise ServiceForbidden(_("Only the city's administrators recompute the scores"))
    if not performance.valid_period(period):
        raise ServiceError(_("Unknown period"))
    return performance.scores_compute(period=period)


def appeal_file(*, score: PerformanceScore, actor, text: str, now=None) -> Appeal:
    """The assessed person's appeal note against a score (one awaiting an answer at a time)."""
    if not performance_rules.can_appeal(actor, score):
        raise ServiceForbidden(_("Only the person assessed may appeal this score"))
    text = (text or "").strip()
    if not text:
        raise ServiceError(_("Say what the appeal is about"))
    with transaction.atomic():
        if Appeal.objects.select_for_update().filter(score=score, state=AppealState.OPEN).exists():
            raise ServiceConflict(_("An appeal against this score is awaiting an answer"))
        appeal = Appeal.objects.create(score=score, filed_by=actor, text=text[:2000], filed_at=now or timezone.now())
        subject = _("Performance appeal: %(name)s, %(period)s") % {"name": score.name, "period": score.period}
        for user in performance_rules.appeal_answerers(score):
            notify(user=user, subject=subject, body=appeal.text, url=score.get_absolute_url())
    return appeal


def appeal_answer(*, appeal: Appeal, actor, answer: str, now=None) -> Appeal:
    """A cadre of the level above answers the appeal."""
    if not performance_rules.can_answer_appeal(actor, appeal.score):
        raise ServiceForbidden(_("Only a cadre of the level above answers this appeal"))
    answer = (answer or "").strip()
    if not answer:
        raise ServiceError(_("Write the answer"))
    with transaction.atomic():
        locked = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if locked.state != AppealState.OPEN:
            raise ServiceConflict(_("This appeal has been answered"))
        locked.answer, locked.answered_by, locked.answered_at = answer[:2000], actor, now or timezone.now()
        locked.state = AppealState.ANSWERED
        locked.save(update_fields=["answer", "answered_by", "answered_at", "state"])
        score = locked.score
        notify(user=locked.filed_by, subject=_("Your appeal was answered: %(name)s, %(period)s")
               % {"name": score.name, "period": score.period}, body=locked.answer, url=score.get_absolute_url())
    return locked
