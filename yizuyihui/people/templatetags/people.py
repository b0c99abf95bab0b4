from django import template

from yizuyihui.people import selectors

register = template.Library()


@register.filter
def phone_for(person, user) -> str:
    """{{ person|phone_for:request.user }} — full number only for roles that need it."""
    return selectors.person_phone_for(person=person, user=user)

