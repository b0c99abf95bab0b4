from django.urls import path

from yizuyihui.incentives import views

app_name = "incentives"
urlpatterns = [
    path("points/", views.my_points, name="points"),
    path("points/redeem/<int:pk>/", views.redeem, name="redeem"),
    path("rules/", views.point_rules, name="rules"),
    path("rewards/", views.rewards, name="rewards"),
    path("board/<int:unit_id>/", views.board, name="board"),
]

# Honours, thank-you letters and reports to the organisation department.
from yizuyihui.incentives.urls_recognition import urlpatterns as _recognition  # noqa: E402

urlpatterns += _recognition

# Staff performance (考核)
from yizuyihui.incentives import performance_views  # noqa: E402

urlpatterns += [
    path("performance/", performance_views.league, name="performance"),
    path("performance/export.xlsx", performance_views.league_xlsx, name="performance_xlsx"),
    path("performance/weights/", performance_views.weights, name="performance_weights"),
    path("performance/<int:pk>/", performance_views.detail, name="performance_detail"),
    path("performance/<int:pk>/appeal/", performance_views.appeal, name="performance_appeal"),
    path("performance/appeals/<int:pk>/answer/", performance_views.appeal_answer, name="performance_answer"),
]
