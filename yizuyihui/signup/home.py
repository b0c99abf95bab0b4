"""Home cards and the worklist section for sign-ups (see core/plugins.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from yizuyihui.core.plugins import Card, WorklistSection
from yizuyihui.signup import selectors
from yizuyihui.signup.models import JoinStatus


def home_cards(request):
    user = request.user
    cards = []
    join = selectors.open_join_request(user=user)
    if join is not None:
        if join.status == JoinStatus.CHOOSING:
            cards.append(Card(_("Finish joining"), reverse("signup:unit"), note=_("Choose the grid or village you live in"),
                              order=0, tone="warn"))
        else:
            cards.append(Card(_("Waiting for your grid worker"), reverse("signup:status"),
                              note=_("%(unit)s will confirm you") % {"unit": join.unit.name}, order=0))
    waiting = selectors.join_requests_to_review(user=user).count()
    if waiting:
        cards.append(Card(_("Residents asking to join"), reverse("cases:worklist") + "#join", waiting,
                          _("Confirm or turn down"), order=13, tone="warn"))
    return cards


def worklist_sections(request):
    rows = list(selectors.join_requests_to_review(user=request.user)[:100])
    return [WorklistSection(_("Residents asking to join"), "signup/_worklist.html", len(rows), anchor="join",
                            context={"rows": rows}, order=5)]
