"""Home cards for honours, thank-you letters and reports: the community's (or street's) way in,
and the roll of honour of a resident's own unit."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from yizuyihui.accounts.roles import COMMUNITY_STREET_ROLES, resident_unit
from yizuyihui.accounts.scope import role_paths
from yizuyihui.core.plugins import Card
from yizuyihui.incentives import honours
from yizuyihui.incentives.recognition import Honour, HonourStatus


def recognition_cards(request) -> list[Card]:
    user = request.user
    cards = []
    if role_paths(user, COMMUNITY_STREET_ROLES):
        waiting = honours.proposals_waiting(user=user)
        cards.append(Card(_("Honours, letters and reports"), reverse("incentives:community"), waiting or None,
                          _("荣誉 · 感谢信 · 组织部门报告"), order=40, tone="warn" if waiting else "",
                          items=[(_("Honours (荣誉)"), reverse("incentives:honours")),
                                 (_("Thank-you letters (感谢信)"), reverse("incentives:letters")),
                                 (_("Reports to the organisation department"), reverse("incentives:report"))]))
    unit = resident_unit(user)
    if unit is not None and Honour.objects.filter(unit=unit, status=HonourStatus.CONFIRMED).exists():
        cards.append(Card(_("Roll of honour (光荣榜)"), reverse("incentives:honour_board", args=[unit.pk]),
                          note=unit.node.name, order=56))
    return cards
