from django.utils.functional import SimpleLazyObject

from yizuyihui.core.plugins import collect


def navigation(request):
    """The menu's items, made only when a template shows the menu (base.html): every app's
    nav_items on every render cost ~0.3 ms, a fifth of a search-as-you-type answer that has no menu."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": SimpleLazyObject(lambda: collect("home", "nav_items", request))}
