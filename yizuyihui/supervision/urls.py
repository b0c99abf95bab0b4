from django.urls import path

from yizuyihui.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.board, name="board"),
    path("<int:pk>/", views.detail, name="detail"),
]
