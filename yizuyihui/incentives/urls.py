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
