"""The scope matrix: for every route, every persona and an anonymous visitor, what may be seen.

Every URL name in the project must appear in ROUTES (or in NOT_SCOPED with a reason); a new
route without an entry fails `test_every_route_is_covered`. Each entry builds probes from the
cast: a URL, and the personas that may open it. Everyone else must get 403/404 (anonymous: a
redirect to the login page or 401/403/404).

Apps add their routes in `tests/<app>/scope_routes.py` (a dict named ROUTES with the same shape,
importing Probe and the persona sets from tests/scope.py); they are merged below.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from scope import ALL, OVER_STREET, OVER_UNIT_A, OVER_UNIT_D, STAFF, Probe  # noqa: F401  (tests/scope.py)

from yizuyihui.demo.cast import PERSONAS


def _key(c):
    from yizuyihui.accounts.apikeys import apikey_create

    return apikey_create(user=c.users["grid_worker"], name="matrix")[0]


# url name → function(cast) → probes
ROUTES: dict[str, Callable] = {
    "core:home": lambda c: [Probe(reverse("core:home"), ALL)],
    "core:healthz": lambda c: [Probe(reverse("core:healthz"), ALL, anonymous_ok=True)],
    "accounts:login": lambda c: [Probe(reverse("accounts:login"), ALL, anonymous_ok=True)],
    "accounts:sms_login": lambda c: [Probe(reverse("accounts:sms_login"), ALL, anonymous_ok=True)],
    "accounts:logout": lambda c: [],  # POST only, logs the caller out: covered by tests/accounts/test_accounts_login.py
    "accounts:profile": lambda c: [Probe(reverse("accounts:profile"), ALL)],
    "accounts:api_keys": lambda c: [Probe(reverse("accounts:api_keys"), ALL)],  # each sees their own keys
    # the owner (grid worker) and city admins may revoke; to everyone else the key does not exist
    "accounts:api_key_revoke": lambda c: [Probe(reverse("accounts:api_key_revoke", args=[_key(c).pk]),
                                                frozenset({"grid_worker", "city_admin"}), method="post")],
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
    "accounts:config": lambda c: [Probe(reverse("accounts:config"), frozenset({"city_admin"}))],
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
    # The two Django admin sites: "admin" for superusers, "config" for city administrators
    # (accounts/config_site.py; its refusals are tested in tests/accounts/test_accounts_config.py).
    return {n for n in _names(get_resolver().url_patterns) if not n.startswith(("admin:", "config:"))}


def test_every_route_is_covered():
    missing = sorted(n for n in all_route_names() if n not in ROUTES and n not in NOT_SCOPED)
    assert not missing, f"routes without a scope-matrix entry: {missing}"


PROJECT_APPS = ("org", "people", "accounts", "cases", "visits", "meetings", "emergency", "insights", "triage", "resources",
                "incentives", "signup")


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
    superuser = get_user_model().objects.create_superuser("matrix_root", "root@example.org", "Root-pass-2026!")
    probes = ROUTES[name](cast)
    for probe in probes:
        # Forbidden personas first, so a write they must not make is checked against untouched data.
        order = sorted(PERSONAS, key=lambda p: (p in probe.allowed, p))
        for persona in order:
            client.force_login(users[persona])
            before = snapshot() if probe.method != "get" and persona not in probe.allowed else None
            response = probe.send(client)
            probe.assert_keeps_secrets(response, persona)
            if persona in probe.allowed:
                assert probe.opened(response), f"{persona} should open {probe.url}, got {response.status_code}"
            else:
                assert response.status_code in (401, 403, 404), f"{persona} must not open {probe.url}, got {response.status_code}"
                if before is not None:
                    assert snapshot() == before, f"{persona}'s refused {probe.method.upper()} {probe.url} changed data"
        if probe.method == "get" and "city_admin" in probe.allowed and probe.superuser_too:
            # The superuser sees whatever the city admin sees, on pages and in the API alike.
            client.force_login(superuser)
            response = probe.send(client)
            assert response.status_code < 400, f"the superuser should open {probe.url}, got {response.status_code}"
        client.logout()
        before = snapshot() if probe.method != "get" else None
        response = probe.send(client)
        probe.assert_keeps_secrets(response, "anonymous")
        if probe.anonymous_ok:
            assert response.status_code < 400
        else:
            assert response.status_code in (302, 401, 403, 404), f"anonymous opened {probe.url}"
            if response.status_code == 302:
                assert "/accounts/login/" in response["Location"]
            if before is not None:
                assert snapshot() == before, f"anonymous {probe.method.upper()} {probe.url} changed data"
