from django import template

from yizuyihui.people import selectors

register = template.Library()


@register.filter
def phone_for(person, user) -> str:
    """{{ person|phone_for:request.user }} — full number only for roles that need it."""
    return selectors.person_phone_for(person=person, user=user)


@register.filter
def who(user) -> str:
    """{{ user|who }} — a person as people know them: name and post (张三 · 网格员 · 幸福一网格),
    never a login name. Cached on the user object for the request."""
    return selectors.user_label(user)


@register.filter
def name_of(user) -> str:
    """{{ user|name_of }} — the person's name alone (the header), never a login name."""
    return selectors.user_name(user)
