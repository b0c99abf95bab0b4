from django import template

from yizuyihui.people import selectors
from yizuyihui.people.models import Role

register = template.Library()


@register.filter
def phone_for(person, user) -> str:
    """{{ person|phone_for:request.user }} — full number only for roles that need it."""
    return selectors.person_phone_for(person=person, user=user)



@register.filter
def who(user) -> str:
    """{{ user|who }} — a person as people know them: name and post (张三 · 网格员 · 幸福一网格),
    never a login name. Cached on the user object for the request."""
    if user is None:
        return "—"
    cached = getattr(user, "_yzyh_who", None)
    if cached is not None:
        return cached
    person = getattr(user, "person", None)
    name = getattr(person, "name", "") or user.get_username()
    post = (user.posts.filter(active=True).exclude(role=Role.RESIDENT).select_related("node").order_by("pk").first()
            if getattr(user, "pk", None) else None)
    label = f"{name} · {post.get_role_display()} · {post.node.name}" if post is not None else name
    user._yzyh_who = label
    return label
