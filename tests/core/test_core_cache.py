"""The Redis cache keeps one client per connection pool (core/cache.py): Django's builds a new
`redis.Redis` for every call, ~10 % of an API filing's CPU."""

from __future__ import annotations

from yizuyihui.core.cache import RedisCache


def test_one_client_per_pool_and_the_pool_is_djangos():
    cache = RedisCache("redis://127.0.0.1:6379/15", {})  # building clients does not connect
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=True) is client
    assert cache._cache.get_client("any-key", write=True) is client
    assert client.connection_pool is cache._cache._get_connection_pool(write=True)


def test_the_settings_use_it_when_redis_is_configured(tmp_path):
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:6379/15", "YZYH_DATA_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", "import json, yizuyihui.settings as s; print(json.dumps(s.CACHES))"],
                         env=env, capture_output=True, text=True, check=True).stdout
    assert json.loads(out)["default"]["BACKEND"] == "yizuyihui.core.cache.RedisCache"


def _settings_with(tmp_path, redis: bool, expr: str):
    import os
    import subprocess
    import sys

    env = {**os.environ, "YZYH_DATA_DIR": str(tmp_path)}
    env.pop("REDIS_URL", None)
    if redis:
        env["REDIS_URL"] = "redis://127.0.0.1:6379/15"
    return subprocess.run([sys.executable, "-c", f"import yizuyihui.settings as s; print({expr})"],
                          env=env, capture_output=True, text=True, check=True).stdout.strip()


def test_sessions_are_read_from_redis_only_when_the_cache_is_shared(tmp_path):
    """cached_db with Redis (every worker reads the same copy); the database alone without it: with
    each worker's own in-process cache a logout in one worker would leave the session alive in
    another's copy."""
    assert _settings_with(tmp_path, True, "s.SESSION_ENGINE") == "django.contrib.sessions.backends.cached_db"
    assert _settings_with(tmp_path, False, "getattr(s, 'SESSION_ENGINE', 'django.contrib.sessions.backends.db')") \
        == "django.contrib.sessions.backends.db"


def test_a_logout_ends_a_redis_cached_session_for_every_worker(cast, client, settings):
    """Two workers share Redis: the session a logout flushed in one is gone for the other."""
    import pytest

    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/15").ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    from django.core.cache import caches

    settings.CACHES = {"default": {"BACKEND": "yizuyihui.core.cache.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:6379/15"}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    caches["default"].clear()
    client.force_login(cast.users["street_official"])
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get("/cases/").status_code == 200
    other = type(client)()  # another worker's request carrying the same cookie
    other.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert other.get("/cases/").status_code == 200
    client.post("/accounts/logout/")
    assert other.get("/cases/").status_code == 302  # to the login page
    caches["default"].clear()
