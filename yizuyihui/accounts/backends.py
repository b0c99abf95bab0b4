"""The login backend: Django's ModelBackend, with the logged-in user's row read from the cache.

Django's session authentication loads the user by primary key on every request: a query and a
model object each time, ~0.3 ms of CPU and a database round trip on every page, the cheapest
pages' largest single cost after rendering (issue 17). Only with a cache every process shares
(`YZYH_USER_CACHE`, on when REDIS_URL is set; without it this is ModelBackend): the copy is dropped
whenever the user row is saved or deleted (accounts/apps.py), so a new password, a deactivation or
a changed flag applies from the next request in every process; USER_CACHE_SECONDS bounds a change
made behind the ORM's back (a raw UPDATE).

The session's password check (`get_session_auth_hash`) still runs on every request, against the
cached row: a password change logs out the other sessions as before. The row in Redis holds the
password hash, as the sessions and the API key cache there hold what they need: Redis stays on the
private network (docs/operations.md).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

USER_CACHE_SECONDS = 300
# The path sessions record; logins made in code (SMS code, sign-up) name it.
LOGIN_BACKEND = "yizuyihui.accounts.backends.CachedModelBackend"


def _key(user_id) -> str:
    return f"yzyh:user:{user_id}"


def forget_user(user_id) -> None:
    cache.delete(_key(user_id))


class CachedModelBackend(ModelBackend):
    def get_user(self, user_id):
        if not settings.YZYH_USER_CACHE:
            return super().get_user(user_id)
        key = _key(user_id)
        user = cache.get(key)
        if user is None:
            user = super().get_user(user_id)  # None for an unknown or inactive user: not cached
            if user is not None:
                cache.set(key, user, USER_CACHE_SECONDS)
            return user
        return user if self.user_can_authenticate(user) else None
