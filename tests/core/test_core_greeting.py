"""Accounts are greeted by the name they go by — their person's name, the account's own name, else
the title of their post (市级管理员) — never by a login code."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from yizuyihui.people.models import Role
from yizuyihui.people.services import post_grant, user_create

pytestmark = pytest.mark.django_db


def _greeting_and_header(client) -> tuple[str, str]:
    page = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    h1 = re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)
    me = re.search(r'data-testid="me"[^>]*>(.*?)</a>', page, re.S).group(1)
    return h1, me


def test_an_official_without_a_person_is_greeted_by_the_post_title(cast, client):
    user = user_create(username="city_admin_07", password="x-Long-enough-1")
    post_grant(user=user, role=Role.CITY_ADMIN, node=cast.city)
    client.force_login(user)
    h1, me = _greeting_and_header(client)
    assert h1 == "您好，市级管理员" and me == "市级管理员"
    assert "city_admin_07" not in client.get(reverse("core:home")).content.decode()


def test_an_account_holding_several_posts_goes_by_its_first_post_other_than_resident(cast, client):
    """The title comes from the posts every page reads for the scope (cached), in the order given."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from yizuyihui.people.selectors import user_name

    user = user_create(username="multi_07", password="x-Long-enough-1")
    post_grant(user=user, role=Role.RESIDENT, node=cast.unit_a.node)
    post_grant(user=user, role=Role.STREET_OFFICIAL, node=cast.street)
    post_grant(user=user, role=Role.DISTRICT_OFFICIAL, node=cast.district)
    client.force_login(user)
    h1, me = _greeting_and_header(client)
    assert h1 == f"您好，{Role.STREET_OFFICIAL.label}" and me == Role.STREET_OFFICIAL.label
    assert user_name(type(user).objects.get(pk=user.pk)) == Role.STREET_OFFICIAL.label
    fresh = type(user).objects.get(pk=user.pk)  # the next request's user
    with CaptureQueriesContext(connection) as seen:
        assert user_name(fresh) == Role.STREET_OFFICIAL.label
    assert seen.captured_queries == []  # name and posts from the cache


def test_an_account_with_its_own_name_is_greeted_by_it(cast, client):
    user = user_create(username="qu07", password="x-Long-enough-1", first_name="吴志刚")
    post_grant(user=user, role=Role.DISTRICT_OFFICIAL, node=cast.district)
    client.force_login(user)
    assert _greeting_and_header(client) == ("您好，吴志刚", "吴志刚")


def test_a_person_is_greeted_by_the_person_s_name(cast, client):
    cast.residents["grid_worker"].name = "陈晓燕"
    cast.residents["grid_worker"].save(update_fields=["name"])
    client.force_login(cast.users["grid_worker"])
    assert _greeting_and_header(client) == ("您好，陈晓燕", "陈晓燕")


def test_the_label_of_an_account_known_by_its_post_does_not_repeat_it(cast):
    from yizuyihui.people.selectors import user_label

    user = user_create(username="city_admin_08", password="x-Long-enough-1")
    post_grant(user=user, role=Role.CITY_ADMIN, node=cast.city)
    assert user_label(user) == f"{Role.CITY_ADMIN.label} · {cast.city.name}"


def test_every_demo_login_without_a_person_has_a_name():
    from yizuyihui.demo.generator import DEMO_LOGINS, DEMO_NAMES

    officials = {u for u, role, _where, _label in DEMO_LOGINS if role not in
                 (Role.UNIT_LEADER, Role.GRID_WORKER, Role.COUNCIL_MEMBER, Role.RESIDENT)}
    assert officials <= set(DEMO_NAMES)
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,3}", n) for n in DEMO_NAMES.values())


def test_the_people_to_call_on_site_are_listed_by_name_and_post(cast, client):
    """The 六必到 form's checklist once showed login names (building, council, grid, leader)."""
    cast.residents["grid_worker"].name = "陈晓燕"
    cast.residents["grid_worker"].save(update_fields=["name"])
    client.force_login(cast.users["unit_leader"])
    page = client.get(reverse("visits:event_new"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    labels = re.findall(r'<input type="checkbox" name="named"[^>]*>\s*([^<]*)</label>', page)
    assert labels, page[:2000]
    assert "陈晓燕 · 网格员 · 幸福一网格" in labels
    assert "grid_worker" not in labels


def test_a_list_of_accounts_is_labelled_as_one_by_one_in_two_queries(cast, django_assert_num_queries):
    """The 六必到 form lists a unit's people: one label rule, read for the whole list at once."""
    from django.utils import translation

    from yizuyihui.people.selectors import user_label, user_labels

    titled = user_create(username="city_admin_08", password="x-Long-enough-1")
    post_grant(user=titled, role=Role.CITY_ADMIN, node=cast.city)
    named = user_create(username="qu08", password="x-Long-enough-1", first_name="吴志刚")
    post_grant(user=named, role=Role.DISTRICT_OFFICIAL, node=cast.district)
    nobody = user_create(username="nobody08", password="x-Long-enough-1")
    users = [*cast.users.values(), titled, named, nobody]
    with translation.override("zh-hans"):
        with django_assert_num_queries(2):
            labels = user_labels(users)
        for user in users:
            user.__dict__.pop("_yzyh_who", None)
            assert labels[user.pk] == user_label(user)
    assert labels[titled.pk] == "市级管理员 · " + cast.city.name and labels[nobody.pk] == "用户"


def test_the_duty_form_lists_the_units_people_without_a_query_each(cast, login, django_assert_max_num_queries):
    from yizuyihui.org.models import Unit
    from yizuyihui.people.selectors import user_label
    from yizuyihui.visits.forms import EventForm
    from yizuyihui.visits.services import visitors_for_unit

    units = Unit.objects.filter(pk=cast.unit_a.pk)
    candidates = visitors_for_unit(cast.unit_a)
    assert candidates.count() >= 2
    form = EventForm(units=units, candidates=candidates, staff=True)
    with django_assert_max_num_queries(1):  # the checkbox list itself; the labels were read with the form
        rendered = str(form["named"])
    for user in candidates:
        user.__dict__.pop("_yzyh_who", None)
        assert user_label(user) in rendered


def test_a_changed_name_greets_at_the_next_page(cast, client):
    """The name is cached per account; saving the person drops it."""
    from yizuyihui.people.selectors import user_name

    person = cast.residents["resident"]
    user = cast.users["resident"]
    assert user_name(type(user).objects.get(pk=user.pk)) == person.name
    person.name = "李新名"
    person.save()
    assert user_name(type(user).objects.get(pk=user.pk)) == "李新名"
