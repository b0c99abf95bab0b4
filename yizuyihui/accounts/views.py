from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yizuyihui.accounts import apikeys
from yizuyihui.accounts.rules import is_city_admin
from yizuyihui.core.plugins import collect


class LoginView(auth_views.LoginView):
    """Password login. django-axes counts failures per username and locks it after
    AXES_FAILURE_LIMIT attempts (settings), answering with accounts/locked.html."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        # Per (username, IP) lockout stops guessing one password without letting anyone lock any
        # account from anywhere; this IP-wide limit stops one machine trying many usernames.
        if ip_failures(request) >= settings.AXES_IP_FAILURE_LIMIT:
            return render(request, "accounts/locked.html", status=429)
        return super().post(request, *args, **kwargs)


def ip_failures(request) -> int:
    import datetime as dt

    from axes.models import AccessAttempt
    from django.db.models import Sum
    from django.utils import timezone

    ip = getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR", "")
    since = timezone.now() - dt.timedelta(hours=settings.AXES_COOLOFF_TIME)
    total = AccessAttempt.objects.filter(ip_address=ip, attempt_time__gte=since).aggregate(n=Sum("failures_since_start"))["n"]
    return total or 0


@login_required
def profile(request):
    posts = request.user.posts.filter(active=True).select_related("node")
    return render(request, "accounts/profile.html", {"posts": posts})


@login_required
def api_keys(request):
    """The caller's API keys (city admins: everyone's). A new key is shown once, on this page."""
    new_key = None
    if request.method == "POST":
        owner = request.user
        if request.POST.get("user") and is_city_admin(request.user):
            owner = get_object_or_404(get_user_model(), username=request.POST["user"][:150])
        try:
            key, new_key = apikeys.apikey_create(user=owner, name=request.POST.get("name", ""), actor=request.user)
        except ValueError:
            messages.error(request, _("Name the key: what will use it?"))
    keys = apikeys.keys_visible_to(request.user)[:500]
    return render(request, "accounts/api_keys.html", {"keys": keys, "new_key": new_key,
                                                      "admin": is_city_admin(request.user)})


@login_required
@require_POST
def api_key_revoke(request, pk: int):
    key = get_object_or_404(apikeys.keys_visible_to(request.user), pk=pk)
    if not apikeys.may_manage_keys_of(request.user, key.user):
        raise PermissionDenied
    apikeys.apikey_revoke(key=key, actor=request.user)
    messages.success(request, _("Key revoked"))
    return redirect("accounts:api_keys")


@login_required
def config(request):
    """配置: the city administrator's configuration pages, gathered from every app
    (`home.config_items`, core/plugins.py)."""
    if not is_city_admin(request.user):
        raise PermissionDenied
    return render(request, "accounts/config.html", {"items": collect("home", "config_items", request)})
