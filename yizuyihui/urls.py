from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from yizuyihui.accounts.config_site import config_site
from yizuyihui.api.api import api

urlpatterns = [
    # The API first: machine clients call it most, and every pattern before it is tried in turn.
    path("api/", api.urls),
    path("", include("yizuyihui.core.urls")),
    path("accounts/", include("yizuyihui.accounts.urls")),
    path("join/", include("yizuyihui.signup.urls")),
    path("org/", include("yizuyihui.org.urls")),
    path("people/", include("yizuyihui.people.urls")),
    path("cases/", include("yizuyihui.cases.urls")),
    path("supervision/", include("yizuyihui.supervision.urls")),
    path("notifications/", include("yizuyihui.notifications.urls")),
    path("visits/", include("yizuyihui.visits.urls")),
    path("meetings/", include("yizuyihui.meetings.urls")),
    path("resources/", include("yizuyihui.resources.urls")),
    path("incentives/", include("yizuyihui.incentives.urls")),
    path("emergency/", include("yizuyihui.emergency.urls")),
    path("triage/", include("yizuyihui.triage.urls")),
    path("insights/", include("yizuyihui.insights.urls")),
    path("places/", include("yizuyihui.places.urls")),
    path("audit/", include("yizuyihui.audit.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("config/admin/", config_site.urls),
]
# Open311 GeoReport v2 lives in the cases app when present.
try:
    from yizuyihui.cases.open311 import open311_api  # noqa: E402
except ImportError:  # pragma: no cover - the cases app ships it
    open311_api = None
if open311_api is not None:
    urlpatterns.append(path("open311/v2/", open311_api.urls))

if settings.DEBUG:  # pragma: no cover
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
