from django.urls import path

from yizuyihui.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("list/<slug:section>/", views.worklist_section, name="worklist_section"),
    path("new/", views.resident_file, name="resident_file"),
    path("staff/new/", views.staff_file, name="staff_file"),
    path("mine/", views.my_cases, name="my_cases"),
    path("mine/<uuid:public_id>/", views.my_case, name="my_case"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/handlers/", views.handler_search, name="handler_search"),
    path("<int:pk>/act/<str:action>/", views.act, name="act"),
    path("board/<int:unit_id>/", views.public_board, name="public_board"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
