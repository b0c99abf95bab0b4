"""Scope lookups run on every request: one query each, cached on the user for the request."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from yizuyihui.accounts.scope import role_paths, user_scope


def test_scope_and_role_paths_cost_one_query_each_and_are_cached(cast):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="grid_worker")
    with CaptureQueriesContext(connection) as queries:
        user_scope(user)
        role_paths(user, {"grid_worker"})
        user_scope(user)
        role_paths(user, {"unit_leader"})
    assert len(queries) == 2, [q["sql"] for q in queries]
