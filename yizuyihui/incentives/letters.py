"""Thank-you letters (感谢信, DOMAIN §9): members from other units — "+" members and officials
registered under 三报到 — earn a letter to their employer listing what they did, issued by the
community (or the street) once a quarter for everyone due, with a register of letters sent.

Who is due: someone whose employer is on record (their confirmed 三报到 registration) and who did
something recorded under the issuer in the quarter (record.py). A "+" member with no registration
has no employer on record: they are counted on the page, and get no letter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from yizuyihui.accounts.roles import COMMUNITY_STREET_ROLES
from yizuyihui.accounts.scope import paths_q, role_paths
from yizuyihui.core.errors import ServiceError, ServiceForbidden
from yizuyihui.core.pdf import cached_pdf
from yizuyihui.incentives import rules
from yizuyihui.incentives.periods import Period, PeriodError, period_parse, quarter_of
from yizuyihui.incentives.recognition import ThankYouLetter
from yizuyihui.incentives.record import Record, records
from yizuyihui.meetings import selectors as meeting_selectors
from yizuyihui.org.models import Level, OrgNode
from yizuyihui.people.models import Person
from yizuyihui.resources import selectors as resource_selectors

# What the issuing body is called on the letter, after the node's name.
ISSUER_SUFFIX = {Level.COMMUNITY: "居民委员会", Level.VILLAGE: "村民委员会", Level.STREET: "办事处",
                 Level.TOWNSHIP: "人民政府"}
CN_DIGITS = "〇一二三四五六七八九"


class LetterError(ServiceError):
    pass


def issuer_name(node: OrgNode) -> str:
    return f"{node.name}{ISSUER_SUFFIX.get(node.level, '')}"


def cn_date(day: dt.date) -> str:
    """二〇二六年十月八日: the date as official letters write it."""
    def number(n: int) -> str:
        if n < 10:
            return CN_DIGITS[n]
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")
    return f"{''.join(CN_DIGITS[int(c)] for c in str(day.year))}年{number(day.month)}月{number(day.day)}日"


def issuer_nodes(user) -> list[OrgNode]:
    """The communities, villages, streets and townships a user may issue letters and reports for."""
    paths = role_paths(user, COMMUNITY_STREET_ROLES)
    if not paths:
        return []
    nodes = OrgNode.objects.filter(level__in=rules.ISSUER_LEVELS).order_by("path")
    if "" not in paths:
        nodes = nodes.filter(paths_q(paths, ""))
    return list(nodes[:200])


def employers(*, node: OrgNode, person_ids) -> dict[int, str]:
    """person id → employer from their confirmed registrations: the latest one at the issuer (or
    above it) first, else their latest anywhere."""
    best: dict[int, tuple[bool, str]] = {}
    for reg in resource_selectors.confirmed_registrations(person_ids=person_ids):  # newest first
        employer = reg.employer.strip()
        if not employer:
            continue
        here = reg.node.path.startswith(node.path) or node.path.startswith(reg.node.path)
        if reg.person_id not in best or (here and not best[reg.person_id][0]):
            best[reg.person_id] = (here, employer)
    return {pid: employer for pid, (_here, employer) in best.items()}


@dataclass
class Due:
    person: Person
    employer: str
    record: Record


def letters_due(*, node: OrgNode, period: Period) -> tuple[list[Due], int]:
    """Who gets a letter for the quarter (not yet issued one), and how many people did something
    but have no employer on record."""
    registered = {r.person_id for r in resource_selectors.confirmed_registrations(path=node.path)}
    drawn = (resource_selectors.plus_person_ids(path=node.path, start=period.start, end=period.end)
             | meeting_selectors.plus_attendee_ids(path=node.path, start=period.start, end=period.end))
    candidates = registered | drawn
    recs = records(node=node, period=period, person_ids=candidates)
    employer = employers(node=node, person_ids=recs)
    issued = set(ThankYouLetter.objects.filter(node=node, quarter=period.key).values_list("person_id", flat=True))
    persons = Person.objects.in_bulk([pid for pid in recs if pid in employer and pid not in issued])
    due = [Due(persons[pid], employer[pid], recs[pid]) for pid in sorted(persons, key=lambda p: persons[p].name)]
    return due, sum(1 for pid in recs if pid not in employer)


def letters_issue(*, actor, node: OrgNode, quarter: str, now=None) -> list[ThankYouLetter]:
    """Issue every letter due for the quarter, in one go. Issuing the same quarter again adds only
    the letters not yet issued (none, if nothing new was recorded): one letter per person, issuer
    and quarter. Only the community or street over its own scope; a quarter once it has ended."""
    now = now or timezone.now()
    if not rules.can_issue_for(actor, node):
        raise ServiceForbidden(_("Only the community or the street issues its thank-you letters"))
    try:
        period = period_parse(quarter)
    except PeriodError as exc:
        raise LetterError(str(exc)) from exc
    if not period.is_quarter:
        raise LetterError(_("Letters are issued per quarter"))
    if period.after > quarter_of(timezone.localdate(now)).first:
        raise LetterError(_("A quarter's letters are issued once the quarter has ended"))
    with transaction.atomic():
        # One batch per issuer at a time: the numbers run on, and a double click waits and finds
        # every letter already issued.
        OrgNode.objects.select_for_update().filter(pk=node.pk).first()
        with translation.override("zh-hans"):  # the lines are kept as sent: a Chinese letter
            due, _no_employer = letters_due(node=node, period=period)
        year = period.key[:4]
        seq = ThankYouLetter.objects.filter(node=node, quarter__startswith=year).count()
        made = []
        for d in due:
            seq += 1
            try:
                with transaction.atomic():
                    made.append(ThankYouLetter.objects.create(
                        node=node, quarter=period.key, person=d.person, employer=d.employer[:100],
                        number=f"{node.name}感字〔{year}〕{seq:03d}号"[:40],
                        lines=[line.as_dict() for line in d.record.lines], hours=d.record.hours,
                        issued_by=actor, issued_at=now))
            except IntegrityError:
                seq -= 1  # issued meanwhile (unique per person, issuer and quarter)
    return made


def letters_visible_to(user, *, quarter: str = ""):
    """The register: letters issued by the nodes the user may issue for."""
    paths = role_paths(user, COMMUNITY_STREET_ROLES)
    qs = (ThankYouLetter.objects.filter(paths_q(paths, "node")).select_related("node", "person")
          .order_by("-quarter", "node__path", "number"))
    if quarter:
        qs = qs.filter(quarter=quarter)
    return qs


def _letter_html(letter: ThankYouLetter, final: bool) -> str:
    period = period_parse(letter.quarter)
    lines = letter.lines
    with translation.override("zh-hans"):
        return render_to_string("incentives/letter_pdf.html", {
            "letter": letter, "issuer": issuer_name(letter.node), "period": period,
            "issued_on": cn_date(timezone.localtime(letter.issued_at).date()),
            "lines": [dict(line, on=dt.date.fromisoformat(line["on"])) for line in lines],
            "counts": {k: sum(1 for li in lines if li["kind"] == k) for k in ("matter", "meeting", "activity", "service")},
            "final": final})


def letter_pdf(*, letter: ThankYouLetter) -> bytes:
    return cached_pdf(folder="letters", name=str(letter.pk), html=lambda final: _letter_html(letter, final))
