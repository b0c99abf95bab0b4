"""Home cards and navigation for matters (see core/plugins.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from yizuyihui.core.plugins import Card, NavItem


def nav_items(request):
    from yizuyihui.accounts.roles import is_staff, resident_unit

    if is_staff(request.user):
        return [NavItem(_("Matters"), reverse("cases:worklist"), order=20)]
    if resident_unit(request.user) is not None:
        return [NavItem(_("My matters"), reverse("cases:my_cases"), order=20)]
    return []


def home_cards(request):
    from yizuyihui.accounts.roles import is_staff, resident_unit
    from yizuyihui.cases import selectors

    user = request.user
    cards = []
    if is_staff(user):
        inbox = selectors.unit_inbox(user=user).count()
        claims = selectors.handler_claims_count(user=user)
        feedback = selectors.feedback_due(user=user).count()
        cards += [
            Card(_("Matters to receive"), reverse("cases:worklist"), inbox, _("收单 · 议单"), order=10,
                 tone="warn" if inbox else ""),
            Card(_("Waiting for feedback"), reverse("cases:worklist") + "#feedback", feedback, _("待反馈"), order=12,
                 tone="warn" if feedback else ""),
            Card(_("My claims"), reverse("cases:worklist"), claims, _("领单 · 办单"), order=11),
        ]
    unit = resident_unit(user)
    if unit is not None and not is_staff(user):
        cards += [
            Card(_("Report a matter"), reverse("cases:resident_file"), note=_("Takes a few seconds"), order=1),
            Card(_("My matters"), reverse("cases:my_cases"), selectors.my_cases(user=user).count(), order=2),
            Card(_("Public board"), reverse("cases:public_board", args=[unit.pk]), note=unit.name, order=3),
        ]
    return cards


def config_items(request):
    """配置: the taxonomy, the deadline policies and the working-day calendar (accounts.config_site)."""
    from yizuyihui.accounts.roles import is_city_admin

    if not is_city_admin(request.user):
        return []
    return [
        NavItem(_("Taxonomy of matters"), reverse("config:cases_category_changelist"), order=10,
                note=_("Categories and their default handlers per tier")),
        NavItem(_("Deadline policies"), reverse("config:cases_deadlinepolicy_changelist"), order=11,
                note=_("Time to respond and to resolve, by category, tier, urgency and mode")),
        NavItem(_("Working-day calendar"), reverse("config:cases_workingday_changelist"), order=12,
                note=_("Public holidays and make-up working days (调休)")),
    ]
