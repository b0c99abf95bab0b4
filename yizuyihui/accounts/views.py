from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render


class LoginView(auth_views.LoginView):
    """Password login. django-axes counts failures per username and locks it after
    AXES_FAILURE_LIMIT attempts (settings), answering with accounts/locked.html."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@login_required
def profile(request):
    posts = request.user.posts.filter(active=True).select_related("node")
    return render(request, "accounts/profile.html", {"posts": posts})
