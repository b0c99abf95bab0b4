from yizuyihui.core.plugins import collect


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": collect("home", "nav_items", request)}
