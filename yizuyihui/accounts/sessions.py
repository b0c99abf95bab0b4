"""Session lifetimes: staff are logged out after an idle spell (30 min by default) and every
session ends after an absolute lifetime, whatever its activity (等保 2.0: session timeouts).

Residents on their phones keep the idle-free session (filing a matter must take seconds), but
not beyond the absolute lifetime. The last-seen time is written at most once a minute, so an
active page does not write the session on every request.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout

STARTED, SEEN = "_yzyh_started", "_yzyh_seen"
WRITE_EVERY = 60


def _is_staff(user) -> bool:
    from yizuyihui.accounts.roles import is_staff

    return user.is_superuser or is_staff(user)


class SessionTimeouts:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            session = request.session
            started, seen = session.get(STARTED), session.get(SEEN)
            if started is None:
                session[STARTED] = session[SEEN] = now
            elif now - started > settings.YZYH_SESSION_MAX_SECONDS or (
                    seen is not None and now - seen > settings.YZYH_STAFF_IDLE_SECONDS and _is_staff(user)):
                logout(request)  # flushes the session; the view then sees an anonymous visitor
            elif seen is None or now - seen >= WRITE_EVERY:
                session[SEEN] = now
        return self.get_response(request)
