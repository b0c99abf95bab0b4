from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yizuyihui.accounts import apikeys, smscodes
from yizuyihui.accounts.backends import LOGIN_BACKEND
from yizuyihui.accounts.models import SmsPurpose
from yizuyihui.accounts.rules import is_city_admin
from yizuyihui.core.errors import ServiceError
from yizuyihui.core.plugins import collect, provider_call
from yizuyihui.people.models import Person


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


def phone_accounts(phone: str) -> list:
    """Active accounts behind a mobile number: a person's on the register, and any the signup
    app knows (a resident waiting for the grid worker has an account but no person yet)."""
    users = {p.user.pk: p.user for p in Person.objects.with_phone(phone).filter(user__is_active=True)
             .select_related("user")}
    for user in provider_call("phone_accounts", phone, default=[]) or []:
        if user.is_active:
            users.setdefault(user.pk, user)
    return list(users.values())


def sms_login(request):
    """Log in with a code texted to the mobile number on the account, instead of a password.
    Step one (`send`) texts the code; step two checks it. No session state between the steps:
    the number travels in the form, the code's row says whether it is right."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    p = request.POST
    phone, sent, status = p.get("phone", "").strip()[:20], bool(p.get("sent")), 200
    next_url = (p.get("next") or request.GET.get("next") or "").strip()
    if request.method == "POST":
        try:
            phone = smscodes.phone_normalise(phone)
            if p.get("action") == "send":
                if not phone_accounts(phone):
                    raise ServiceError(_("No account uses this number. Sign up first."))
                smscodes.sms_code_send(phone=phone, purpose=SmsPurpose.LOGIN, ip=smscodes.client_ip(request))
                messages.success(request, smscodes.sent_note(phone))
                sent = True
            else:
                smscodes.sms_code_check(phone=phone, purpose=SmsPurpose.LOGIN, code=p.get("code", ""))
                users = phone_accounts(phone)
                if len(users) != 1:
                    raise ServiceError(_("No account uses this number. Sign up first.") if not users else
                                       _("Several accounts use this number: log in with your username and password."))
                auth_login(request, users[0], backend=LOGIN_BACKEND)
                if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
                    return redirect(next_url)
                return redirect(settings.LOGIN_REDIRECT_URL)
        except ServiceError as exc:
            messages.error(request, str(exc))
            status = getattr(exc, "status", 400)
    return render(request, "accounts/sms_login.html", {"phone": phone, "sent": sent, "next": next_url}, status=status)


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
