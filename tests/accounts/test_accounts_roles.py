"""Role groups come from people.models.Role; one `resident_unit` for every app."""

from __future__ import annotations

import pytest

from yizuyihui.accounts import roles
from yizuyihui.people.models import Role
from yizuyihui.people.services import person_create, post_grant, user_create

pytestmark = pytest.mark.django_db


def test_role_groups_are_made_of_known_roles():
    for group in (roles.MANAGER_ROLES, roles.MEMBER_ROLES, roles.COUNCIL_ROLES, roles.HANDLER_ROLES,
                  roles.BRANCH_ROLES, roles.ADMIN_ROLES, roles.STAFF_ROLES):
        assert group <= set(Role.values)
    assert roles.STAFF_ROLES == set(Role.values) - {Role.RESIDENT}
    assert Role.RESIDENT not in roles.HANDLER_ROLES | roles.MANAGER_ROLES


def test_is_staff_and_city_admin(cast):
    u = cast.users
    assert roles.is_staff(u["grid_worker"]) and not roles.is_staff(u["resident"])
    assert roles.is_city_admin(u["city_admin"]) and not roles.is_city_admin(u["street_official"])


def test_resident_unit_is_where_the_person_lives(cast):
    """DOMAIN §2–3: everyone lives in a unit. The person's home node decides, also for staff (the
    outsider's post is in another street but they live in unit D) and for people in a building."""
    assert roles.resident_unit(cast.users["resident"]) == cast.unit_a
    assert roles.resident_unit(cast.users["outsider"]) == cast.unit_d
    assert roles.resident_unit(cast.users["street_official"]) == cast.unit_a
    from yizuyihui.org.models import Level
    from yizuyihui.org.services import node_create

    building = node_create(parent=cast.unit_b.node, name="3号楼", level=Level.BUILDING, code="T-B3")
    person = person_create(name="楼上住户", gender="F", node=building)
    user = user_create(username="upstairs", password="x-pass-2026-long", person=person)
    assert roles.resident_unit(user) == cast.unit_b


def test_resident_unit_falls_back_to_a_resident_post(cast):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username="no_person", password="x-pass-2026-long")
    assert roles.resident_unit(user) is None
    post_grant(user=user, role=Role.RESIDENT, node=cast.unit_c.node)  # clears the cached answer
    assert roles.resident_unit(user) == cast.unit_c
