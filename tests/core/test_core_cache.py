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
