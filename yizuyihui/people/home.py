"""Home card for the register import (see core/plugins.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from yizuyihui.core.plugins import Card
from yizuyihui.people.rules import register_paths


def home_cards(request):
    if not register_paths(request.user):
        return []
    return [Card(_("Households and residents"), url=reverse("people:import"), note=_("Import the register"), order=80)]
