"""Scope-matrix entries for the places app (maps)."""

from django.urls import reverse
from scope import ALL, OVER_STREET, OVER_UNIT_A, OVER_UNIT_D, STAFF, Probe

RESIDENT_OF_A = OVER_UNIT_A | {"resident"}

ROUTES = {
    "places:boundaries": lambda c: [Probe(reverse("places:boundaries"), ALL),
                                    Probe(reverse("places:boundaries") + f"?node={c.other_street.pk}", OVER_UNIT_D | {"resident"})],
    "places:locate": lambda c: [Probe(reverse("places:locate") + "?lat=30.655&long=117.485", ALL)],
    "places:worklist_map": lambda c: [Probe(reverse("places:worklist_map"), STAFF),
                                      Probe(reverse("places:worklist_map") + f"?node={c.street.pk}", OVER_STREET)],
    "places:case_points": lambda c: [Probe(reverse("places:case_points"), STAFF),
                                     Probe(reverse("places:case_points") + f"?node={c.street.pk}", OVER_STREET)],
    "places:board_map": lambda c: [Probe(reverse("places:board_map", args=[c.unit_a.pk]), RESIDENT_OF_A),
                                   Probe(reverse("places:board_map", args=[c.unit_d.pk]), OVER_UNIT_D)],
    "places:case_pins": lambda c: [Probe(reverse("places:case_pins"), STAFF),
                                   Probe(reverse("places:case_pins") + f"?node={c.street.pk}", OVER_STREET)],
    "places:board_points": lambda c: [Probe(reverse("places:board_points", args=[c.unit_a.pk]), RESIDENT_OF_A),
                                      Probe(reverse("places:board_points", args=[c.unit_d.pk]), OVER_UNIT_D)],
    "places:measures_map": lambda c: [Probe(reverse("places:measures_map"), STAFF)],
    "places:measures_values": lambda c: [Probe(reverse("places:measures_values"), STAFF)],
}
