"""Scope-matrix entries for the signup app (residents join themselves)."""

from django.urls import reverse
from scope import ALL, Probe

# Who decides a request in unit A: the roles that see residents' ID numbers there (PERSONAL_DATA_ROLES).
DECIDE_A = frozenset({"grid_worker", "unit_leader", "community_cadre"})


def _waiting(c):
    from yizuyihui.demo.names import make_id_number
    from yizuyihui.people.services import user_create
    from yizuyihui.signup.models import JoinRequest, JoinStatus

    user = user_create(username="matrix_joiner", password="Joiner-pass-2026!")
    return JoinRequest.objects.create(user=user, name="赵新来", id_number=make_id_number(300), phone="13912345678",
                                      unit=c.unit_a, status=JoinStatus.PENDING)


ROUTES = {
    # anonymous visitors sign up; a logged-in persona is sent home
    "signup:start": lambda c: [Probe(reverse("signup:start"), ALL, anonymous_ok=True)],
    # only the applicant with an open request (no persona has one)
    "signup:unit": lambda c: [Probe(reverse("signup:unit"), frozenset())],
    "signup:status": lambda c: [Probe(reverse("signup:status"), frozenset())],
    "signup:review": lambda c: [
        Probe(reverse("signup:review", args=[(j := _waiting(c)).pk]), DECIDE_A, secrets=()),
        Probe(reverse("signup:review", args=[j.pk]), DECIDE_A, method="post", data={"action": "confirm"},
              state_errors_ok=True),
    ],
}
