"""API keys resolved from the cache (issue 17): a key's user and posts come from one cache read,
and anything that could take access away — revoking a key, ending a post, deactivating the user —
takes effect on the very next request, not when an entry expires."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.core.cache import cache

from yizuyihui.accounts import apikeys
from yizuyihui.accounts.apikeys import apikey_create, apikey_revoke, forget_keys, key_user_for
from yizuyihui.accounts.models import ApiKey
from yizuyihui.people.models import Post
from yizuyihui.people.services import post_end

pytestmark = pytest.mark.django_db


@pytest.fixture
def key_cache(settings):
    settings.YZYH_APIKEY_CACHE = True
    cache.clear()
    yield
    cache.clear()


def _file(client, raw, unit):
    return client.post("/api/cases/", json.dumps({"unit_id": unit.pk, "title": "楼道灯坏了"}),
                       content_type="application/json", headers={"Authorization": f"Bearer {raw}"})


def test_a_cached_key_costs_no_query_and_carries_the_posts(cast, key_cache, django_assert_num_queries):
    _key, raw = apikey_create(user=cast.users["grid_worker"], name="script")
    assert key_user_for(raw) == cast.users["grid_worker"]  # fills the entry
    with django_assert_num_queries(0):
        user = key_user_for(raw)
        from yizuyihui.accounts.roles import is_staff

        assert user == cast.users["grid_worker"] and is_staff(user)  # the posts came with it


def test_without_a_shared_cache_every_request_reads_the_key(cast, settings, django_assert_num_queries):
    settings.YZYH_APIKEY_CACHE = False
    _key, raw = apikey_create(user=cast.users["grid_worker"], name="script")
    key_user_for(raw)
    with django_assert_num_queries(1):
        assert key_user_for(raw) == cast.users["grid_worker"]


def test_a_revoked_key_stops_working_at_once_despite_the_cache(cast, client, key_cache):
    key, raw = apikey_create(user=cast.users["grid_worker"], name="script")
    assert _file(client, raw, cast.unit_a).status_code == 201
    assert key_user_for(raw) is not None  # cached now
    apikey_revoke(key=key)
    assert key_user_for(raw) is None
    assert _file(client, raw, cast.unit_a).status_code == 401


def test_a_rotated_key_old_one_dies_new_one_works(cast, key_cache):
    old, old_raw = apikey_create(user=cast.users["grid_worker"], name="script")
    assert key_user_for(old_raw) is not None
    _new, new_raw = apikey_create(user=cast.users["grid_worker"], name="script (new)")
    apikey_revoke(key=old)
    assert key_user_for(old_raw) is None and key_user_for(new_raw) == cast.users["grid_worker"]
    ApiKey.objects.get(pk=_new.pk).delete()  # a deleted key too
    assert key_user_for(new_raw) is None


def test_a_user_whose_post_ended_loses_access_at_once(cast, client, key_cache):
    """The grid worker also covers unit B (where they do not live) and files there by key; the post
    ends; the next filing is refused although the key's entry held that post."""
    _key, raw = apikey_create(user=cast.users["grid_worker"], name="script")
    post = Post.objects.create(user=cast.users["grid_worker"], role="grid_worker", node=cast.unit_b.node)
    assert _file(client, raw, cast.unit_b).status_code == 201
    assert _file(client, raw, cast.unit_b).status_code == 201  # from the cache
    post_end(post=post, actor=cast.users["city_admin"])
    assert _file(client, raw, cast.unit_b).status_code == 403


def test_a_new_post_counts_at_once(cast, client, key_cache):
    _key, raw = apikey_create(user=cast.users["grid_worker"], name="script")
    assert _file(client, raw, cast.unit_b).status_code == 403  # unit B is not the grid worker's
    Post.objects.create(user=cast.users["grid_worker"], role="grid_worker", node=cast.unit_b.node)
    assert _file(client, raw, cast.unit_b).status_code == 201


def test_a_deactivated_user_loses_access_at_once(cast, key_cache):
    user = cast.users["grid_worker"]
    _key, raw = apikey_create(user=user, name="script")
    assert key_user_for(raw) == user
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert key_user_for(raw) is None


def test_a_login_does_not_empty_the_key_cache(cast, key_cache, django_assert_num_queries):
    _key, raw = apikey_create(user=cast.users["grid_worker"], name="script")
    key_user_for(raw)
    other = cast.users["unit_leader"]
    other.last_login = other.date_joined
    other.save(update_fields=["last_login"])
    with django_assert_num_queries(0):
        assert key_user_for(raw) == cast.users["grid_worker"]


def test_an_entry_filled_before_a_change_is_never_used_after_it(cast, key_cache, monkeypatch):
    """A reader that read the key before a revocation committed, and stores its entry after the
    revocation's new generation, stores it under the old generation: the next request misses."""
    key, raw = apikey_create(user=cast.users["grid_worker"], name="script")
    real_filter = ApiKey.objects.filter

    def revoke_meanwhile(*args, **kw):  # the revocation lands between the reader's generation and its read
        qs = real_filter(*args, **kw)
        if "digest" in kw:
            rows = list(qs.select_related("user"))
            ApiKey.objects.filter(pk=key.pk).update(revoked_at=key.created_at)
            forget_keys()
            return _Rows(rows)
        return qs

    monkeypatch.setattr(ApiKey.objects, "filter", revoke_meanwhile)
    assert key_user_for(raw) == cast.users["grid_worker"]  # this request was already past the check
    monkeypatch.undo()
    assert key_user_for(raw) is None


class _Rows(list):
    def select_related(self, *_a):
        return self

    def first(self):
        return self[0] if self else None


def test_last_use_is_recorded_once_a_minute_from_the_cache_too(cast, key_cache):
    key, raw = apikey_create(user=cast.users["grid_worker"], name="script")
    with time_machine.travel(dt.datetime(2026, 3, 2, 4, 0, tzinfo=dt.UTC), tick=False) as clock:
        key_user_for(raw)
        key.refresh_from_db()
        first = key.last_used_at
        assert first == dt.datetime(2026, 3, 2, 4, 0, tzinfo=dt.UTC)
        clock.shift(dt.timedelta(seconds=30))
        key_user_for(raw)
        key.refresh_from_db()
        assert key.last_used_at == first  # within the minute: no write
        clock.shift(dt.timedelta(minutes=1))
        key_user_for(raw)
        key.refresh_from_db()
        assert key.last_used_at == first + dt.timedelta(seconds=90)


def test_the_cache_is_only_on_by_default_with_redis():
    from yizuyihui import settings as site

    assert site.YZYH_APIKEY_CACHE == bool(site.REDIS_URL)
    assert apikeys.KEY_CACHE_SECONDS > 0


def test_the_cache_holds_no_password_hash_and_the_user_still_saves_safely(cast, key_cache):
    import pickle

    user = cast.users["grid_worker"]
    _key, raw = apikey_create(user=user, name="script")
    key_user_for(raw)
    entry = cache.get(apikeys._entry_key(apikeys.key_digest(raw)))
    assert user.password and user.password.encode() not in pickle.dumps(entry)
    cached = key_user_for(raw)
    assert cached.get_deferred_fields() == {"password"}
    cached.first_name = "网格员"
    cached.save()  # writes the loaded columns only: the password hash stays
    user.refresh_from_db()
    assert user.first_name == "网格员" and user.check_password(cast_password())
    assert cached.password == user.password  # loaded on demand


def cast_password():
    from yizuyihui.demo.cast import PASSWORD

    return PASSWORD


def test_an_entry_of_another_shape_is_read_from_the_database(cast, key_cache):
    user = cast.users["grid_worker"]
    _key, raw = apikey_create(user=user, name="script")
    key_user_for(raw)
    name = apikeys._entry_key(apikeys.key_digest(raw))
    names, values = cache.get(name)[0]
    for broken in (user, (("id", "no_such_column"), (user.pk, 1)), ("id",)):
        entry = list(cache.get(name))
        entry[0] = broken
        cache.set(name, tuple(entry))
        assert key_user_for(raw) == user
    assert cache.get(name)[0] == (names, values)  # refilled in the current shape
