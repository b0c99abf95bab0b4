"""Pages for the register of households and residents."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yizuyihui.org.imports import ImportRejected
from yizuyihui.people.imports import TEMPLATE_HEADER, residents_import
from yizuyihui.people.rules import register_paths

MAX_UPLOAD = 50 * 1024 * 1024  # a community's register; a whole city goes through `yzyh people import`


@login_required
def register_import(request):
    paths = register_paths(request.user)
    if not paths:
        raise PermissionDenied
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            return render(request, "people/import.html", {"errors": [_("Choose a file")]}, status=400)
        if upload.size > MAX_UPLOAD:
            return render(request, "people/import.html", {"errors": [_("The file is larger than 50 MB")]}, status=400)
        try:
            report = residents_import(name=upload.name, stream=io.BytesIO(upload.read()), scope_paths=paths)
        except ImportRejected as exc:
            return render(request, "people/import.html", {"errors": exc.errors}, status=400)
        messages.success(request, _("%(rows)d rows: %(persons_created)d residents added, %(persons_updated)d updated; "
                                    "%(households_created)d households added, %(households_updated)d updated.")
                         % report.as_dict())
        return redirect("people:import")
    return render(request, "people/import.html", {"header": TEMPLATE_HEADER})


@login_required
def register_template(request):
    """An empty register with the expected headers, as CSV (opens in Excel/WPS)."""
    if not register_paths(request.user):
        raise PermissionDenied
    response = HttpResponse(("\ufeff" + ",".join(TEMPLATE_HEADER) + "\r\n").encode(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="register.csv"'
    return response
