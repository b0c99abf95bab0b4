from django.urls import path

from yizuyihui.cases import views

app_name = "cases"
urlpatterns = [
    path("<int:pk>/", views.detail, name="detail"),
    path("mine/<uuid:public_id>/", views.my_case, name="my_case"),
]
