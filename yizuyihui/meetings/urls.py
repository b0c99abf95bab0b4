from django.urls import path

from yizuyihui.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.index, name="index"),
    path("unit/<int:unit_id>/", views.unit, name="unit"),
    path("unit/<int:unit_id>/act/<str:action>/", views.unit_act, name="unit_act"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/<str:action>/", views.act, name="act"),
    path("<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("actions/", views.actions, name="actions"),
    path("actions/<int:pk>/complete/", views.action_complete, name="action_complete"),
    path("board/<int:unit_id>/", views.board, name="board"),
]
