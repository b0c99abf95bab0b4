"""Reads for people, always limited to the viewer's scope."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from yizuyihui.accounts.roles import BRANCH_ROLES, PERSONAL_DATA_ROLES
from yizuyihui.accounts.scope import active_posts, has_role_over, paths_q, role_paths, scope_q
from yizuyihui.audit.models import AuditAction, AuditEvent
from yizuyihui.people.masking import mask_id_number, mask_phone
from yizuyihui.people.models import Body, Household, Membership, Person, Post, Role


def can_see_personal_data(*, user, person: Person) -> bool:
    return has_role_over(user, person.node, PERSONAL_DATA_ROLES)


def person_phone_for(*, person: Person, user) -> str:
    return person.phone if can_see_personal_data(user=user, person=person) else mask_phone(person.phone)


def person_id_number_for(*, person: Person, user) -> str:
    return person.id_number if can_see_personal_data(user=user, person=person) else mask_id_number(person.id_number)


def _active_posts(user) -> list[Post]:
    if not getattr(user, "pk", None):
        return []
    return list(user.posts.filter(active=True).select_related("node").order_by("pk"))


NAME_CACHE_SECONDS = 300


def _name_key(user_id) -> str:
    return f"people:name:{user_id}"


def forget_name(user_id) -> None:
    cache.delete(_name_key(user_id))


def _person_name(user) -> str:
    """The account's person's name, or "" (an official's or an administrator's account has none).
    Every page greets its user: read from the cache (dropped when the person is saved or deleted —
    people/apps.py; a bulk update or a person unlinked from the account shows within
    NAME_CACHE_SECONDS), else as one column — loading the whole person decrypts its phone and ID
    number."""
    fields = user._state.fields_cache
    if "person" in fields:
        return fields["person"].name if fields["person"] is not None else ""
    key = _name_key(user.pk)
    name = cache.get(key)
    if name is None:
        name = Person.objects.filter(user_id=user.pk).values_list("name", flat=True).first() or ""
        cache.set(key, name, NAME_CACHE_SECONDS)
    return name


def _name_and_post(user, person_name: str, posts: list[Post]) -> tuple[str, Post | None]:
    """The name an account goes by and the post people know it by (its first active post other than
    居民), from its person's name and its active posts in order."""
    shown = next((p for p in posts if p.role != Role.RESIDENT), None)
    name = person_name or user.get_full_name()
    if not name:
        titled = shown or next(iter(posts), None)
        name = titled.get_role_display() if titled is not None else _("User")
    return name, shown


def _label(name: str, post: Post | None) -> str:
    if post is None:
        return name
    if name == post.get_role_display():
        return f"{name} · {post.node.name}"
    return f"{name} · {post.get_role_display()} · {post.node.name}"


def user_name(user) -> str:
    """The name an account goes by (张三), never its login name: the person's name; the account's own
    name (a resident who signed up and waits for the grid worker has no person yet, only their name);
    else the title of its post (市级管理员); else 用户."""
    if user is None:
        return "—"
    cached = getattr(user, "_yzyh_name", None)
    if cached is None:
        cached = user._yzyh_name = _person_name(user) or user.get_full_name() or _post_title(user)
    return cached


def _post_title(user) -> str:
    """The title of the account's first post other than 居民 (else its first), as `_name_and_post`
    names an account without a name — from the cached (role, path) pairs every page reads for the
    scope anyway, not another query."""
    roles = [role for role, _path in active_posts(user)] if getattr(user, "pk", None) else []
    titled = next((r for r in roles if r != Role.RESIDENT), None) or next(iter(roles), None)
    return Role(titled).label if titled in Role.values else _("User")


def user_label(user) -> str:
    """A person as people know them: name and post (张三 · 网格员 · 幸福一网格), never a login
    name (an account known by its post title alone: 市级管理员 · B市). Used by the |who filter and by
    text built in services (notification bodies, reasons). Cached on the user object."""
    if user is None:
        return "—"
    cached = getattr(user, "_yzyh_who", None)
    if cached is None:
        cached = user._yzyh_who = _label(*_name_and_post(user, _person_name(user), _active_posts(user)))
    return cached


def user_labels(users) -> dict[int, str]:
    """`user_label` of many accounts in two queries (a picker listing a unit's people)."""
    users = list(users)
    ids = [u.pk for u in users]
    names = dict(Person.objects.filter(user_id__in=ids).values_list("user_id", "name"))
    posts: dict[int, list[Post]] = {}
    for post in Post.objects.filter(user_id__in=ids, active=True).select_related("node").order_by("pk"):
        posts.setdefault(post.user_id, []).append(post)
    return {u.pk: _label(*_name_and_post(u, names.get(u.pk, ""), posts.get(u.pk, []))) for u in users}


def persons_visible_to(user) -> QuerySet[Person]:
    return Person.objects.filter(scope_q(user, "node")).select_related("node", "household")


def households_visible_to(user) -> QuerySet[Household]:
    return Household.objects.filter(scope_q(user, "node")).select_related("unit")


def unit_roster(*, unit) -> dict[str, list[Membership]]:
    """The unit's Party group, council and current "+" members, leaders first."""
    rows = (
        Membership.objects.filter(unit=unit, ended__isnull=True)
        .select_related("person", "person__node")
        .order_by("body", "-role", "person__name")
    )
    roster: dict[str, list[Membership]] = {Body.PARTY_GROUP: [], Body.COUNCIL: [], Body.PLUS: []}
    for m in rows:
        roster[m.body].append(m)
    for body in (Body.PARTY_GROUP, Body.COUNCIL):
        roster[body].sort(key=lambda m: (m.role not in ("leader", "head"), m.person.name))
    return roster


# --- the roster page ------------------------------------------------------------------------------


def unit_posts(*, unit) -> list[Post]:
    """Active posts at the unit's node and its buildings, with the holder's name."""
    posts = list(Post.objects.filter(node__path__startswith=unit.node.path, active=True)
                 .select_related("node", "user").order_by("role", "pk"))
    names = dict(Person.objects.filter(user_id__in=[p.user_id for p in posts]).values_list("user_id", "name"))
    for post in posts:
        post.holder = names.get(post.user_id) or user_name(post.user)
    return posts


def roster_history(*, unit, limit: int = 30) -> list:
    """The unit's roster and post changes, newest first (from the audit log, where they are kept)."""
    events = list(AuditEvent.objects.filter(action=AuditAction.ROSTER_CHANGED, object_type="org.unit",
                                            object_id=str(unit.pk)).order_by("-pk")[:limit])
    names = dict(Person.objects.filter(user_id__in={e.actor_id for e in events if e.actor_id})
                 .values_list("user_id", "name"))
    for e in events:
        e.actor_label = names.get(e.actor_id) or e.actor_name or _("The system")
    return events


def person_search(*, user, q: str, with_account: bool = False, limit: int = 20) -> list[Person]:
    """Persons whose name contains `q`, among those living where the user keeps rosters (the
    roster page's search as you type: never a list of the whole city)."""
    q = (q or "").strip()[:50]
    if not q:
        return []
    qs = Person.objects.filter(paths_q(role_paths(user, BRANCH_ROLES), "node"), name__contains=q)
    if with_account:
        qs = qs.filter(user__isnull=False, user__is_active=True)
    return list(qs.select_related("node").order_by("name", "pk")[:limit])


def person_search_covers(*, user, person: Person) -> bool:
    """May the roster pages name this person to `user` (the same area person_search searches)?"""
    return has_role_over(user, person.node, BRANCH_ROLES)
