"""What a person did under a community (or street) in a period, from the record: the "+" matters
they were drawn into, the meetings they attended, the activities recorded on their 三报到
registration and the volunteer hours they served. Read through the resources and meetings
selectors (feature apps do not read each other's tables). Thank-you letters list these lines;
the reports to the organisation department count them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from yizuyihui.cases.public import is_confidential
from yizuyihui.core.public import mask_address, mask_text
from yizuyihui.meetings import selectors as meeting_selectors
from yizuyihui.resources import selectors as resource_selectors
from yizuyihui.resources.models import ActivityKind

from .periods import Period

MATTER, MEETING, ACTIVITY, SERVICE = "matter", "meeting", "activity", "service"


@dataclass
class Line:
    kind: str
    on: str  # ISO date: the line is kept as JSON in the letter sent
    text: str
    hours: str = ""  # "2.0" or ""

    def as_dict(self) -> dict:
        return {"kind": self.kind, "on": self.on, "text": self.text, "hours": self.hours}


@dataclass
class Record:
    person_id: int
    lines: list[Line] = field(default_factory=list)
    hours: Decimal = Decimal("0")
    pairings: int = 0

    def count(self, kind: str) -> int:
        return sum(1 for line in self.lines if line.kind == kind)

    @property
    def matters(self) -> int:
        return self.count(MATTER)

    @property
    def meetings(self) -> int:
        return self.count(MEETING)

    @property
    def activities(self) -> int:
        return self.count(ACTIVITY)

    def __bool__(self) -> bool:
        return bool(self.lines)


def matter_text(case) -> str:
    """A matter as it may be named to someone's employer: the unit and the public summary of the
    title (numbers and door numbers masked); a confidential matter (a dispute, police or court
    matter: cases/public.py) only by its kind."""
    if is_confidential(case):
        return _("%(unit)s: a dispute mediated (details withheld)") % {"unit": case.unit.name}
    return f"{case.unit.name}：{mask_address(mask_text(case.title))}"


def records(*, node, period: Period, person_ids) -> dict[int, Record]:
    """person id → Record of what they did under `node` in `period` (empty Records omitted)."""
    person_ids = set(person_ids)
    out: dict[int, Record] = defaultdict(lambda: Record(0))
    if not person_ids:
        return {}
    matter_cases: dict[int, set[int]] = defaultdict(set)
    for plus in resource_selectors.plus_matters_of(person_ids=person_ids, path=node.path, start=period.start,
                                                   end=period.end):
        rec = out[plus.person_id]
        matter_cases[plus.person_id].add(plus.case_id)
        rec.lines.append(Line(MATTER, plus.drawn_at.astimezone(period.start.tzinfo).date().isoformat(),
                              f"{matter_text(plus.case)}（{plus.get_role_display()}）"))
    for seat in meeting_selectors.attendance_of(person_ids=person_ids, path=node.path, start=period.start,
                                                end=period.end):
        m = seat.meeting
        out[seat.person_id].lines.append(Line(MEETING, m.held_at.astimezone(period.start.tzinfo).date().isoformat(),
                                              f"{m.unit.name}：{m.get_kind_display()}“{mask_text(m.title)}”"))
    for act in resource_selectors.activities_of(person_ids=person_ids, path=node.path, first=period.first,
                                                after=period.after):
        pid = act.registration.person_id
        if act.kind == ActivityKind.PLUS and act.case_id in matter_cases[pid]:
            continue  # drawn in as a "+" member: already listed as the matter
        rec = out[pid]
        text = act.get_kind_display()
        if act.note:
            text = f"{text}：{mask_address(mask_text(act.note))}"
        rec.lines.append(Line(ACTIVITY, act.on.isoformat(), text, f"{act.hours}" if act.hours else ""))
        rec.hours += act.hours
        rec.pairings += act.kind == ActivityKind.PAIRING
    for sh in resource_selectors.service_hours_of(person_ids=person_ids, path=node.path, first=period.first,
                                                  after=period.after):
        rec = out[sh.volunteer.person_id]
        rec.lines.append(Line(SERVICE, sh.on.isoformat(), _("Volunteer service with %(team)s") % {"team": sh.team.name},
                              f"{sh.hours}"))
        rec.hours += sh.hours
    result = {}
    for pid, rec in out.items():
        rec.person_id = pid
        rec.lines.sort(key=lambda line: (line.on, line.kind, line.text))
        result[pid] = rec
    return result
