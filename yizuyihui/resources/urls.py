from django.urls import path

from yizuyihui.resources import views

app_name = "resources"
urlpatterns = [
    path("", views.index, name="index"),
    path("matters/", views.my_matters, name="my_matters"),
    path("matters/<int:pk>/", views.matter, name="matter"),
    path("matters/<int:pk>/act/<str:action>/", views.matter_act, name="matter_act"),
    path("teams/", views.teams, name="teams"),
    path("teams/<int:pk>/", views.team, name="team"),
    path("teams/<int:pk>/act/<str:action>/", views.team_act, name="team_act"),
    path("needs/<int:pk>/", views.need, name="need"),
    path("professionals/", views.professionals, name="professionals"),
    path("register/", views.register, name="register"),
    path("registrations/", views.registrations, name="registrations"),
    path("registrations/<int:pk>/act/<str:action>/", views.registration_act, name="registration_act"),
    path("registrations/reports/", views.registration_reports, name="registration_reports"),
    path("board/<int:node_id>/", views.board, name="board"),
    path("board/<int:node_id>/act/<str:action>/", views.board_act, name="board_act"),
    path("measures/", views.measures, name="measures"),
]
