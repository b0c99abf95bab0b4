"""Scope lookups run on every request: one query for both, then none while the posts are cached
(issue 17); granting or ending a post forgets the cache at once."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from yizuyihui.accounts.scope import role_paths, user_scope


def test_scope_and_role_paths_cost_one_query_and_are_cached(cast):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="grid_worker")
    with CaptureQueriesContext(connection) as queries:
        user_scope(user)
        role_paths(user, {"grid_worker"})
        user_scope(user)
        role_paths(user, {"unit_leader"})
    assert len(queries) == 1, [q["sql"] for q in queries]
    again = get_user_model().objects.get(username="grid_worker")  # the next request
    expected = (cast.unit_a.node.path,)
    with CaptureQueriesContext(connection) as queries:
        assert user_scope(again).paths == expected
    assert len(queries) == 0


def test_a_changed_post_is_seen_on_the_next_request(cast):
    from django.contrib.auth import get_user_model

    from yizuyihui.people.models import Post
    from yizuyihui.people.services import post_grant

    User = get_user_model()
    user = User.objects.get(username="grid_worker")
    assert user_scope(user).paths == (cast.unit_a.node.path,)
    post_grant(user=user, role="community_cadre", node=cast.community)
    assert user_scope(User.objects.get(pk=user.pk)).paths == (cast.community.path,)
    for post in Post.objects.filter(user=user):
        post.active = False
        post.save()
    assert user_scope(User.objects.get(pk=user.pk)).paths == ()
    Post.objects.filter(user=user, role="grid_worker").first().delete()
    assert role_paths(User.objects.get(pk=user.pk), {"grid_worker"}) == ()


def test_a_superuser_with_posts_sees_everything_and_keeps_the_roles_of_the_posts(cast):
    """The demo's administrator is a superuser who also holds posts (the demo broke on it once)."""
    from django.contrib.auth import get_user_model

    from yizuyihui.accounts.scope import user_scope
    from yizuyihui.people.services import post_grant

    root = get_user_model().objects.create_superuser("root_with_post", "r@example.org", "Root-pass-2026!")
    post_grant(user=root, role="street_official", node=cast.street)
    scope = user_scope(get_user_model().objects.get(pk=root.pk))
    assert scope.everything and "street_official" in scope.roles and "city_admin" in scope.roles


def test_a_page_asks_the_cache_for_the_posts_once(cast, login, monkeypatch):
    """Scope, role paths and the greeting's post title all read the posts: one cache round trip a
    request (each was a Redis GET), and a post granted during the request is seen by the next ask."""
    from django.core.cache import cache

    from yizuyihui.people.services import post_grant

    asked = []
    real_get = cache.get

    def get(key, *args, **kwargs):
        if str(key).startswith("yzyh:posts:"):
            asked.append(key)
        return real_get(key, *args, **kwargs)

    client = login("unit_leader")
    client.get("/cases/")  # the posts now in the cache
    monkeypatch.setattr(cache, "get", get)
    assert client.get("/cases/").status_code == 200
    assert len(asked) == 1, asked

    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="grid_worker")
    assert user_scope(user).paths == (cast.unit_a.node.path,)
    post_grant(user=user, role="community_cadre", node=cast.community)
    assert user_scope(user).paths == (cast.community.path,)  # the same object: forgotten with the grant
