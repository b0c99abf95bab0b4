"""Scope: a user acts within the subtree of the nodes of their posts.

Every selector and API list starts from `scope_q`; every object access checks `in_scope`.
Paths are treebeard materialised paths, so "under node N" is `path startswith N.path`. This module
works on paths alone (any object with `.path`): it needs no org model.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.core.cache import cache
from django.db.models import Q

from yizuyihui.people.models import Role


@dataclass(frozen=True)
class Scope:
    paths: tuple[str, ...]
    roles: frozenset[str]
    everything: bool = False

    def covers(self, path: str) -> bool:
        return self.everything or any(path.startswith(p) for p in self.paths)


EMPTY = Scope(paths=(), roles=frozenset())

# The (role, node path) of a user's active posts, cached (issue 17: the permission check's query was
# 11 % of an API filing). Post saves/deletes forget the entry (accounts/apps.py); with Redis every
# process sees that at once, with the local-memory cache other processes within POSTS_CACHE_SECONDS.
POSTS_CACHE_SECONDS = 60


def _posts_key(user_id) -> str:
    return f"yzyh:posts:{user_id}"


def active_posts(user) -> list[tuple[str, str]]:
    rows = getattr(user, "_yzyh_posts", None)  # came with the user from the API key cache (accounts.apikeys)
    if rows is not None:
        return rows
    key = _posts_key(user.pk)
    rows = cache.get(key)
    if rows is None:
        rows = active_posts_uncached(user)
        cache.set(key, rows, POSTS_CACHE_SECONDS)
    # Kept on the user object for the request, like its scope: a page asks three times (scope,
    # role paths, the greeting's post title), and each ask was a round trip to Redis.
    # people.services forgets it with the scope when a post changes.
    user._yzyh_posts = rows
    return rows


def active_posts_uncached(user) -> list[tuple[str, str]]:
    from yizuyihui.people.models import Post  # not `user.posts`: building the related manager costs

    # In the order the posts were given: the greeting names an account by its first post's title.
    return list(Post.objects.filter(user_id=user.pk, active=True).values_list("role", "node__path").order_by("pk"))


def forget_posts(user_id) -> None:
    cache.delete(_posts_key(user_id))


def _minimal(paths: list[str]) -> tuple[str, ...]:
    """Drop paths already covered by a shorter one, so queries OR fewer prefixes."""
    kept: list[str] = []
    for p in sorted(set(paths), key=len):
        if not any(p.startswith(k) for k in kept):
            kept.append(p)
    return tuple(sorted(kept))


def user_scope(user) -> Scope:
    """The user's scope, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return EMPTY
    cached = getattr(user, "_yzyh_scope", None)
    if cached is not None:
        return cached
    # A resident's post places them in a unit but grants no view over its data: residents see
    # their own matters and the public board, which selectors handle separately.
    posts = [(role, path) for role, path in active_posts(user) if role != "resident"]
    if user.is_superuser:
        scope = Scope(paths=("",), roles=frozenset(r for r, _p in posts) | {Role.CITY_ADMIN.value},
                      everything=True)
    else:
        scope = Scope(paths=_minimal([p for _r, p in posts]), roles=frozenset(r for r, _p in posts))
    user._yzyh_scope = scope
    return scope


def role_paths(user, roles: set[str] | frozenset[str]) -> tuple[str, ...]:
    """Paths where the user holds one of `roles` (superusers: everywhere)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ()
    if user.is_superuser:
        return ("",)
    by_role = getattr(user, "_yzyh_role_paths", None)
    if by_role is None:
        by_role = {}
        for role, path in active_posts(user):
            by_role.setdefault(role, []).append(path)
        user._yzyh_role_paths = by_role
    return _minimal([p for r in roles for p in by_role.get(r, [])])


def paths_q(paths: tuple[str, ...], field: str = "node") -> Q:
    """Q matching rows whose `field` node lies under one of `paths` (nothing if empty)."""
    lookup = f"{field}__path__startswith" if field else "path__startswith"
    if "" in paths:
        # "Everything", as a Q that survives `|`: an empty Q() is dropped from an OR, so
        # `scope_q(superuser) | Q(filed_by=user)` used to mean only the superuser's own rows.
        return ~Q(pk__in=[])
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{lookup: p}) for p in paths))


def scope_q(user, field: str = "node") -> Q:
    return paths_q(user_scope(user).paths, field)


def in_scope(user, node) -> bool:
    return node is not None and user_scope(user).covers(node.path)


def has_role_over(user, node, roles: set[str] | frozenset[str]) -> bool:
    """True when the user holds one of `roles` at `node` or at an ancestor of it."""
    if node is None:
        return False
    return any(node.path.startswith(p) for p in role_paths(user, roles))
