"""The resources app's lines in a matter's history (the `case_timeline_extra` provider asked by
cases.selectors.timeline_entries): who was drawn in, which team was sent, and the progress notes
of "+" members and teams and the property company's answers. Shown to staff who see the matter
and to the "+" members, dispatched volunteers and property company themselves — never to the
reporter's public view."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from yizuyihui.accounts.roles import is_staff
from yizuyihui.core.plugins import TimelineEntry
from yizuyihui.resources import rules
from yizuyihui.resources.models import Dispatch, PlusMember, PlusNote


def timeline_extra(user, case) -> list[TimelineEntry]:
    if case is None or not (is_staff(user) or rules.can_view_case_as_resource(user, case)):
        return []
    url = reverse("resources:matter", args=[case.pk])
    out = []
    for n in PlusNote.objects.filter(case_id=case.pk).select_related("author"):
        label = _("Property company's answer") if n.kind == PlusNote.Kind.ANSWER else _("“+” progress note")
        out.append(TimelineEntry(at=n.at, label=label, who=n.author.name if n.author_id else "", text=n.text, url=url))
    for p in PlusMember.objects.filter(case_id=case.pk).select_related("person", "professional"):
        name = p.professional.name if p.professional_id else p.person.name
        out.append(TimelineEntry(at=p.drawn_at, label=_("“+” member drawn in"),
                                 who=f"{name} · {p.get_role_display()}", url=url))
    for d in Dispatch.objects.filter(case_id=case.pk).select_related("team"):
        out.append(TimelineEntry(at=d.at, label=_("Volunteer team dispatched"), who=d.team.name, url=url))
    return out


def extra_links(user, case) -> list[tuple[str, str]]:
    """The `case_extra_links` provider: the matter's "+" page for its managers and its "+" viewers."""
    if case is None or not (rules.can_draw_in(user, case) or rules.can_view_case_as_resource(user, case)):
        return []
    return [(_("“+” members and resources"), reverse("resources:matter", args=[case.pk]))]
