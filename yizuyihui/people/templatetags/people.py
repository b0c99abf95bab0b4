from django import template
from django.utils.translation import gettext as _

from yizuyihui.people import selectors
from yizuyihui.people.models import Body, MemberRole, Role

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


@register.filter
def roster_change(event) -> str:
    """One line of a unit's roster history (an audit event of people.services), in words."""
    d = event.detail or {}
    what = {"actor": getattr(event, "actor_label", event.actor_name) or "—", "name": d.get("name", "")}
    if "post" in d:
        what["role"] = Role(d["role"]).label if d.get("role") in Role.values else d.get("role", "")
        texts = {"add": _("%(actor)s gave %(name)s the post of %(role)s"),
                 "end": _("%(actor)s ended %(name)s's post of %(role)s"),
                 "move": _("%(actor)s moved %(name)s's post of %(role)s")}
    else:
        what["body"] = Body(d["body"]).label if d.get("body") in Body.values else d.get("body", "")
        what["role"] = MemberRole(d["role"]).label if d.get("role") in MemberRole.values else ""
        if d.get("change") == "move" and d.get("to_body") in Body.values:
            what["to_body"] = Body(d["to_body"]).label
        texts = {"add": _("%(actor)s added %(name)s to the %(body)s (%(role)s)"),
                 "end": _("%(actor)s ended %(name)s's seat in the %(body)s"),
                 "move": _("%(actor)s moved %(name)s from the %(body)s to the %(to_body)s")}
        if d.get("change") == "move" and d.get("from_unit") != d.get("to_unit"):
            what.update(from_unit=d.get("from_unit_name", ""), to_unit=d.get("to_unit_name", ""))
            texts["move"] = _("%(actor)s moved %(name)s from %(from_unit)s to %(to_unit)s (%(to_body)s)")
    text = texts.get(d.get("change"), "%(actor)s")
    try:
        return text % what
    except KeyError:
        return what["actor"]
