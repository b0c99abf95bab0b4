"""Scope-matrix entries for the insights app."""

from django.urls import reverse
from scope import OVER_STREET, STAFF, Probe

ROUTES = {
    "insights:dashboard": lambda c: [
        Probe(reverse("insights:dashboard"), STAFF),
        Probe(reverse("insights:dashboard") + f"?node={c.street.pk}", OVER_STREET),
    ],
}
