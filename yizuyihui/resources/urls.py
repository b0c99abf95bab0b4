from django.urls import path

from yizuyihui.resources import views

app_name = "resources"
urlpatterns = [
    path("", views.index, name="index"),
    path("matters/", views.my_matters, name="my_matters"),
    path("matters/<int:pk>/", views.matter, name="matter"),
    path("matters/<int:pk>/act/<str:action>/", views.matter_act, name="matter_act"),
    path("teams/", views.teams, name="teams"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<int:pk>/", views.team, name="team"),
    path("teams/<int:pk>/act/<str:action>/", views.team_act, name="team_act"),
    path("needs/", views.needs, name="needs"),
    path("needs/new/", views.need_create, name="need_create"),
    path("needs/<int:pk>/", views.need, name="need"),
    path("needs/<int:pk>/act/<str:action>/", views.need_act, name="need_act"),
    path("professionals/", views.professionals, name="professionals"),
    path("professionals/new/", views.professional_create, name="professional_create"),
    path("professionals/<int:pk>/", views.professional, name="professional"),
    path("professionals/<int:pk>/act/<str:action>/", views.professional_act, name="professional_act"),
    path("register/", views.register, name="register"),
    path("registrations/", views.registrations, name="registrations"),
    path("registrations/<int:pk>/act/<str:action>/", views.registration_act, name="registration_act"),
    path("registrations/reports/", views.registration_reports, name="registration_reports"),
    path("board/<int:node_id>/", views.board, name="board"),
    path("board/<int:node_id>/act/<str:action>/", views.board_act, name="board_act"),
    path("o/<str:token>/", views.outside_link, name="outside_link"),
    path("measures/", views.measures, name="measures"),
]
