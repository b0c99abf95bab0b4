"""反馈 to the stakeholders (DOMAIN §4, §9): when the council feeds a matter back, the reporter
is told by cases; this tells the residents who supported it (附议, triage.CaseSupport) and the
"+" members drawn in, and — for a matter a council meeting decided — posts the result on the
unit's public board. Called through the `case_fed_back` provider (cases does not import this app).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yizuyihui.cases.models import CaseEvent
from yizuyihui.incentives.models import FeedbackSent, PublicNotice, StakeholderKind
from yizuyihui.meetings.models import Resolution
from yizuyihui.notifications.services import notify_many
from yizuyihui.people.masking import redact_text
from yizuyihui.people.models import Person
from yizuyihui.resources.models import PlusMember
from yizuyihui.triage.models import CaseSupport


def stakeholders_of(case) -> list[tuple[int, str]]:
    """(person id, kind) for everyone concerned beyond the reporter, each once (a supporter who is
    also a "+" member counts as a supporter)."""
    out: dict[int, str] = {}
    for pid in PlusMember.objects.filter(case=case).values_list("person_id", flat=True):
        out[pid] = StakeholderKind.PLUS
    for pid in CaseSupport.objects.filter(case=case, person__isnull=False).values_list("person_id", flat=True):
        out[pid] = StakeholderKind.SUPPORTER
    out.pop(case.reporter_id, None)
    return sorted(out.items())


def case_fed_back(case, *, feedback: str = "", now=None) -> int:
    """Tell the stakeholders; post the public notice for a council-decided matter. Returns how
    many people were told. Safe to call twice for the same round (the register's constraint)."""
    now = now or timezone.now()
    rnd = CaseEvent.objects.filter(case=case, action="feed_back").count() or 1
    people = stakeholders_of(case)
    url = reverse("cases:my_case", args=[case.public_id])
    subject = _("A matter you are concerned with has a result")
    told = []
    with transaction.atomic():
        for pid, kind in people:
            try:
                with transaction.atomic():
                    FeedbackSent.objects.create(case=case, person_id=pid, kind=kind, round=rnd, at=now)
            except IntegrityError:
                continue
            told.append(pid)
        resolution = Resolution.objects.filter(topic__case=case, passed=True).order_by("-pk").first()
        if resolution is not None and not PublicNotice.objects.filter(case=case, at=now).exists():
            PublicNotice.objects.create(unit=case.unit, case=case, title=redact_text(case.title)[:200],
                                        text=redact_text(f"{resolution.text}\n{feedback}".strip()), at=now)
        persons = Person.objects.filter(pk__in=told).select_related("user")
        notify_many([(p.user, p, subject, f"{case.title}：{feedback}"[:500], url) for p in persons])
    return len(told)
