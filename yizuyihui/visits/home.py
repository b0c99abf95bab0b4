from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yizuyihui.accounts.scope import user_scope
from yizuyihui.core.plugins import Card, NavItem
from yizuyihui.visits.rules import BRANCH_ROLES, HEALTH_ROLES, VISITOR_ROLES, can_edit_policy, holds_any


def nav_items(request):
    if not user_scope(request.user).paths:
        return []
    return [NavItem(_("Visits"), reverse("visits:due"), order=30)]


def home_cards(request):
    from yizuyihui.visits import selectors

    user = request.user
    cards = []
    if user_scope(user).paths:
        today = timezone.localdate()
        if holds_any(user, VISITOR_ROLES):
            due = selectors.due_list(user=user, today=today, mine=True)
            overdue = due.filter(due__lt=today).count()
            cards.append(Card(_("Visits due"), reverse("visits:due"), due.count(),
                              _("%d overdue") % overdue if overdue else _("三必访"), order=20,
                              tone="alert" if overdue else ""))
        duties = selectors.my_open_duties(user).count()
        if duties:
            cards.append(Card(_("Be on site"), reverse("visits:due"), duties, _("六必到"), order=5, tone="alert"))
        cards.append(Card(_("Visit compliance"), reverse("visits:compliance"), note=_("三必访 · 六必到 · 六必报"), order=60))
        if holds_any(user, BRANCH_ROLES):
            cards.append(Card(_("Confidential notes"), reverse("visits:note_list"), selectors.notes_visible_to(user).count(), order=61))
        if holds_any(user, HEALTH_ROLES):
            open_followups = selectors.followups_visible_to(user).filter(status="open").count()
            cards.append(Card(_("Health follow-ups"), reverse("visits:followup_list"), open_followups, order=62))
        if can_edit_policy(user):
            cards.append(Card(_("Visit and duty policy"), reverse("visits:policy"), order=95))
    if user_scope(user).paths or selectors.resident_unit(user) is not None:
        cards.append(Card(_("Register an event"), reverse("visits:event_new"), note=_("六必到"), order=40))
        cards.append(Card(_("Report"), reverse("visits:report_new"), note=_("六必报"), order=41))
    return cards


def config_items(request):
    if not can_edit_policy(request.user):
        return []
    return [NavItem(_("Visit and duty policy"), reverse("visits:policy"), order=20,
                    note=_("三必访 cadences by household category; 六必到 time to be on site by event type"))]
