"""The scope matrix: for every route, every persona and an anonymous visitor, what may be seen.

Every URL name in the project must appear in ROUTES (or in NOT_SCOPED with a reason); a new
route without an entry fails `test_every_route_is_covered`. Each entry builds probes from the
cast: a URL, and the personas that may open it. Everyone else must get 403/404 (anonymous: a
redirect to the login page or 401/403/404).

Apps add their routes in `tests/<app>/scope_routes.py` (a dict named ROUTES with the same shape,
importing Probe and the persona sets from this module); they are merged below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from yizuyihui.demo.cast import PERSONAS

ALL = frozenset(PERSONAS)
STAFF = ALL - {"resident"}
# Staff whose scope covers unit A (幸福一网格, in 东风街道 of 东区)
OVER_UNIT_A = frozenset({"city_admin", "district_official", "department_handler", "street_official",
                         "community_cadre", "grid_worker", "unit_leader", "council_member", "building_head"})
# Staff whose scope covers unit D (和平一网格, in 西风街道 of 东区): the outsider's street
OVER_UNIT_D = frozenset({"city_admin", "district_official", "department_handler", "outsider"})
OVER_STREET = frozenset({"city_admin", "district_official", "department_handler", "street_official"})


@dataclass
class Probe:
    url: str
    allowed: frozenset[str]
    method: str = "get"
    data: dict | None = None
    anonymous_ok: bool = False


# url name → function(cast) → probes
ROUTES: dict[str, Callable] = {
    "core:home": lambda c: [Probe(reverse("core:home"), ALL)],
    "core:healthz": lambda c: [Probe(reverse("core:healthz"), ALL, anonymous_ok=True)],
    "accounts:login": lambda c: [Probe(reverse("accounts:login"), ALL, anonymous_ok=True)],
    "accounts:logout": lambda c: [],  # POST only, logs the caller out: covered by tests/accounts/test_login.py
    "accounts:profile": lambda c: [Probe(reverse("accounts:profile"), ALL)],
    "org:browse": lambda c: [Probe(reverse("org:browse"), STAFF)],
    "org:node_detail": lambda c: [
        Probe(reverse("org:node_detail", args=[c.street.pk]), OVER_STREET),
        Probe(reverse("org:node_detail", args=[c.other_street.pk]), frozenset({"city_admin", "district_official", "department_handler", "outsider"})),
        Probe(reverse("org:node_detail", args=[c.county.pk]), frozenset({"city_admin"})),
    ],
    "org:unit_list": lambda c: [Probe(reverse("org:unit_list"), STAFF)],
    "org:unit_export": lambda c: [Probe(reverse("org:unit_export"), STAFF)],
    "org:unit_detail": lambda c: [
        Probe(reverse("org:unit_detail", args=[c.unit_a.pk]), OVER_UNIT_A),
        Probe(reverse("org:unit_detail", args=[c.unit_d.pk]), OVER_UNIT_D),
    ],
    "org:import": lambda c: [Probe(reverse("org:import"), frozenset({"city_admin"}))],
}



def _load_app_routes() -> None:
    import importlib.util
    from pathlib import Path

    for path in sorted(Path(__file__).resolve().parents[1].glob("*/scope_routes.py")):
        spec = importlib.util.spec_from_file_location(f"scope_routes_{path.parent.name}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        overlap = set(module.ROUTES) & set(ROUTES)
        assert not overlap, f"{path}: routes declared twice: {overlap}"
        ROUTES.update(module.ROUTES)


_load_app_routes()

# Routes outside the matrix, each with the reason.
NOT_SCOPED = {
    "set_language": "switches the UI language only",
    "admin": "Django admin: staff/superuser only, guarded by Django itself (tests/accounts/test_admin.py)",
    "api:openapi-json": "the public API description",
    "api:openapi-view": "the public API documentation page",
    "api:api-root": "the API index",
}


def _names(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            yield from _names(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{prefix}{p.name}"


def all_route_names() -> set[str]:
    return {n for n in _names(get_resolver().url_patterns) if not n.startswith("admin:")}


def test_every_route_is_covered():
    missing = sorted(n for n in all_route_names() if n not in ROUTES and n not in NOT_SCOPED)
    assert not missing, f"routes without a scope-matrix entry: {missing}"


PROJECT_APPS = ("org", "people", "cases", "visits", "meetings", "emergency", "insights", "triage")


def snapshot() -> str:
    """Every row of every project model (the cast's database is small): a forbidden write must
    leave this unchanged."""
    import hashlib

    from django.apps import apps

    h = hashlib.sha256()
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label):
        if model._meta.app_label in PROJECT_APPS:
            for row in model._base_manager.order_by("pk").values_list():
                h.update(repr(row).encode())
    return h.hexdigest()


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_scope_matrix(name, cast, client):
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.filter(username__in=PERSONAS)}
    probes = ROUTES[name](cast)
    for probe in probes:
        # Forbidden personas first, so a write they must not make is checked against untouched data.
        order = sorted(PERSONAS, key=lambda p: (p in probe.allowed, p))
        for persona in order:
            client.force_login(users[persona])
            before = snapshot() if probe.method != "get" and persona not in probe.allowed else None
            response = getattr(client, probe.method)(probe.url, probe.data or {})
            if persona in probe.allowed:
                assert response.status_code < 400, f"{persona} should open {probe.url}, got {response.status_code}"
            else:
                assert response.status_code in (401, 403, 404), f"{persona} must not open {probe.url}, got {response.status_code}"
                if before is not None:
                    assert snapshot() == before, f"{persona}'s refused {probe.method.upper()} {probe.url} changed data"
        client.logout()
        before = snapshot() if probe.method != "get" else None
        response = getattr(client, probe.method)(probe.url, probe.data or {})
        if probe.anonymous_ok:
            assert response.status_code < 400
        else:
            assert response.status_code in (302, 401, 403, 404), f"anonymous opened {probe.url}"
            if response.status_code == 302:
                assert "/accounts/login/" in response["Location"]
            if before is not None:
                assert snapshot() == before, f"anonymous {probe.method.upper()} {probe.url} changed data"
