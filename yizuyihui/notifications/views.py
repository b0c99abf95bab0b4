from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from yizuyihui.notifications import selectors


@login_required
def inbox(request):
    rows = list(selectors.inbox_for(user=request.user))
    selectors.inbox_mark_read(user=request.user)
    return render(request, "notifications/inbox.html", {"rows": rows})
