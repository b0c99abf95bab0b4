"""Scope-matrix entries for honours, thank-you letters and reports to the organisation department
(merged into incentives/scope_routes.py's ROUTES).

Letters and reports are the community's (or street's) over its own scope: its cadre and the
street official above it — not the district, the city, or another street (the outsider, a street
official elsewhere, opens the pages for their own street but not ours). Honours are confirmed by
the same people; the roll of honour is read like the unit's other boards."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from scope import ALL, OVER_UNIT_D, Probe

COMMUNITY_STREET = frozenset({"community_cadre", "street_official"})
ISSUERS_ANYWHERE = COMMUNITY_STREET | {"outsider"}  # the outsider issues for their own street


def _quarter():
    from yizuyihui.incentives.periods import default_letter_quarter

    return default_letter_quarter().key


def _node(c, extra=None):
    return {"node": c.community.pk, **(extra or {})}


def _letter(c):
    from yizuyihui.incentives.models import ThankYouLetter

    return ThankYouLetter.objects.create(node=c.community, quarter=_quarter(), person=c.residents["council_member"],
                                         employer="东区住建局", number="幸福社区感字〔2026〕001号",
                                         lines=[{"kind": "activity", "on": "2026-07-10", "text": "调研", "hours": "2.0"}],
                                         hours=2, issued_at=timezone.now())


def _registered(c):
    """A confirmed 三报到 registration at the community: someone the report covers."""
    from yizuyihui.people.models import Registration
    from yizuyihui.resources.models import RegistrationStatus, RegistrationTerms

    person = c.residents["council_member"]
    reg = Registration.objects.create(person=person, kind="in_service", node=c.community, employer="东区住建局",
                                      registered_on=dt.date(2026, 1, 5))
    RegistrationTerms.objects.create(registration=reg, status=RegistrationStatus.CONFIRMED, services=["legal"],
                                     availability=7, path=c.community.path)
    return person


def _honour(c):
    from yizuyihui.incentives.honours import honour_titles_default
    from yizuyihui.incentives.models import Honour

    title = honour_titles_default()[2]  # 优秀议事会成员
    return Honour.objects.create(title=title, period=str(timezone.localdate().year), unit=c.unit_a,
                                 person=c.residents["council_member"], value=3, rank=1, proposed_at=timezone.now())


def _confirmed(c):
    h = _honour(c)
    h.status = "confirmed"
    h.save()
    return c.unit_a


ROUTES = {
    "incentives:community": lambda c: [Probe(reverse("incentives:community"), ISSUERS_ANYWHERE)],
    "incentives:letters": lambda c: [
        Probe(reverse("incentives:letters"), ISSUERS_ANYWHERE),
        Probe(f"{reverse('incentives:letters')}?node={c.community.pk}", COMMUNITY_STREET),
    ],
    "incentives:letters_issue": lambda c: [
        Probe(reverse("incentives:letters_issue"), COMMUNITY_STREET, method="post", data=_node(c, {"quarter": _quarter()})),
    ],
    "incentives:letter_pdf": lambda c: [Probe(reverse("incentives:letter_pdf", args=[_letter(c).pk]), COMMUNITY_STREET)],
    "incentives:report": lambda c: [
        Probe(reverse("incentives:report"), ISSUERS_ANYWHERE),
        Probe(f"{reverse('incentives:report')}?node={c.community.pk}&period={_quarter()}", COMMUNITY_STREET),
    ],
    "incentives:report_assess": lambda c: [
        Probe(reverse("incentives:report_assess"), COMMUNITY_STREET, method="post",
              data=_node(c, {"period": _quarter(), "person": _registered(c).pk, "grade": "excellent", "text": "好"})),
    ],
    "incentives:report_pdf": lambda c: [
        Probe(f"{reverse('incentives:report_pdf')}?node={c.community.pk}&period={_quarter()}", COMMUNITY_STREET)],
    "incentives:report_xlsx": lambda c: [
        Probe(f"{reverse('incentives:report_xlsx')}?node={c.community.pk}&period={_quarter()}", COMMUNITY_STREET)],
    "incentives:honours": lambda c: [
        Probe(reverse("incentives:honours"), ISSUERS_ANYWHERE),
        Probe(f"{reverse('incentives:honours')}?node={c.community.pk}", COMMUNITY_STREET),
    ],
    "incentives:honours_propose": lambda c: [
        Probe(reverse("incentives:honours_propose"), COMMUNITY_STREET, method="post",
              data=_node(c, {"title": _honour(c).title_id, "period": str(timezone.localdate().year)})),
    ],
    "incentives:honour_decide": lambda c: [
        Probe(reverse("incentives:honour_decide", args=[_honour(c).pk]), COMMUNITY_STREET, method="post",
              data={"decision": "confirm"}),
    ],
    # The roll of honour: names only, never the honoured person's phone or ID number.
    "incentives:honour_board": lambda c: [
        Probe(reverse("incentives:honour_board", args=[_confirmed(c).pk]), ALL - {"outsider"},
              secrets=(c.residents["council_member"].phone, c.residents["council_member"].id_number)),
        Probe(reverse("incentives:honour_board", args=[c.unit_d.pk]), OVER_UNIT_D),
    ],
    "incentives:honour_titles": lambda c: [
        Probe(reverse("incentives:honour_titles"), frozenset({"city_admin"})),
        Probe(reverse("incentives:honour_titles"), frozenset({"city_admin"}), method="post",
              data={"name": "文明新风户", "measure": "household_points", "period": "year", "minimum": "20",
                    "per_unit": "2", "active": "on"}),
    ],
}
