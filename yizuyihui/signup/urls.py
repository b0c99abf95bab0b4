from django.urls import path

from yizuyihui.signup import views

app_name = "signup"
urlpatterns = [
    path("", views.start, name="start"),
    path("unit/", views.unit, name="unit"),
    path("status/", views.status, name="status"),
    path("review/<int:pk>/", views.review, name="review"),
]
