from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from yizuyihui.core.plugins import collect


@login_required
def home(request):
    posts = request.user.posts.filter(active=True).select_related("node")
    return render(
        request,
        "core/home.html",
        {"cards": collect("home", "home_cards", request), "posts": posts},
    )


def healthz(request):
    """For load balancers: the process answers and the database is reachable."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
