"""三报到: register, the community confirms, activities make up the report; withdrawn ones are hidden."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from yizuyihui.resources import selectors, services
from yizuyihui.resources.services import ResourceError, ResourceForbidden


def _register(cast, persona="outsider"):
    return services.registration_register(person=cast.residents[persona], actor=cast.users[persona],
                                          kind="in_service", node=cast.community, employer="市财政局",
                                          services=["elder_care", "legal"], availability=0b111)


def test_an_official_registers_from_the_phone_page(cast, client):
    client.force_login(cast.users["outsider"])
    response = client.post(reverse("resources:register"), {
        "action": "register", "node": cast.community.pk, "kind": "in_service", "employer": "市财政局",
        "services": ["elder_care"], "slot": ["0", "1"]})
    assert response.status_code == 302
    reg = cast.residents["outsider"].registrations.get()
    assert (reg.terms.status, reg.terms.services, reg.terms.availability) == ("pending", ["elder_care"], 0b11)


def test_registration_needs_services_and_a_community(cast):
    with pytest.raises(ResourceError):
        services.registration_register(person=cast.residents["outsider"], actor=cast.users["outsider"],
                                       kind="in_service", node=cast.community, employer="x", services=[],
                                       availability=1)
    with pytest.raises(ResourceError):
        services.registration_register(person=cast.residents["outsider"], actor=cast.users["outsider"],
                                       kind="in_service", node=cast.unit_a.node, employer="x", services=["legal"],
                                       availability=1)


def test_nobody_registers_someone_else_but_the_community(cast):
    with pytest.raises(ResourceForbidden):
        services.registration_register(person=cast.residents["outsider"], actor=cast.users["resident"],
                                       kind="in_service", node=cast.community, employer="x", services=["legal"],
                                       availability=1)


def test_the_community_confirms_and_a_grid_worker_cannot(cast):
    reg = _register(cast)
    with pytest.raises(ResourceForbidden):
        services.registration_confirm(registration=reg, actor=cast.users["grid_worker"])
    services.registration_confirm(registration=reg, actor=cast.users["community_cadre"], unit=cast.unit_a)
    reg.terms.refresh_from_db()
    assert reg.terms.status == "confirmed" and reg.terms.assigned_unit == cast.unit_a


def test_activities_need_a_confirmed_registration_and_make_up_the_report(cast):
    reg = _register(cast)
    with pytest.raises(ResourceError):
        services.activity_record(registration=reg, actor=cast.users["outsider"], kind="research")
    services.registration_confirm(registration=reg, actor=cast.users["community_cadre"])
    services.activity_record(registration=reg, actor=cast.users["outsider"], kind="research", hours="3", note="走访")
    services.activity_record(registration=reg, actor=cast.users["community_cadre"], kind="service", hours="2")
    with pytest.raises(ResourceError):
        services.activity_record(registration=reg, actor=cast.users["outsider"], kind="service",
                                 on=dt.date.today() + dt.timedelta(days=30))
    [report] = selectors.registration_reports(user=cast.users["community_cadre"])
    assert (report.employer, report.activities, report.hours) == ("市财政局", 2, 5)


def test_a_withdrawn_registration_is_hidden(cast):
    reg = _register(cast)
    assert list(selectors.registrations_for_community(user=cast.users["community_cadre"])) == [reg]
    services.registration_withdraw(registration=reg, actor=cast.users["outsider"])
    assert list(selectors.registrations_for_community(user=cast.users["community_cadre"])) == []
    assert list(selectors.my_registrations(user=cast.users["outsider"])) == []


def test_the_registration_list_is_scoped(cast):
    _register(cast)
    assert list(selectors.registrations_for_community(user=cast.users["community_cadre"]))
    assert not list(selectors.registrations_for_community(user=cast.users["outsider"]))


def test_the_registration_list_names_the_services_in_words(cast, client):
    """The services are stored as codes (elder_care, legal): the page shows their labels, never the codes."""
    from django.utils import translation

    _register(cast)
    client.force_login(cast.users["community_cadre"])
    html = client.get(reverse("resources:registrations")).content.decode()
    with translation.override("zh-hans"):
        from yizuyihui.resources.models import ServiceType

        want = f"{ServiceType.ELDER_CARE.label}、{ServiceType.LEGAL.label}"
    assert want in html
    assert "elder_care" not in html and ">legal" not in html
