from django.urls import path

from yizuyihui.visits import views

app_name = "visits"
urlpatterns = [
    path("", views.due, name="due"),
    path("household/<int:pk>/log/", views.log, name="log"),
    path("visit/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("finding/<int:pk>/file/", views.finding_file, name="finding_file"),
    path("unit/<int:pk>/", views.unit_schedule, name="unit_schedule"),
    path("events/", views.event_list, name="event_list"),
    path("events/new/", views.event_new, name="event_new"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("duties/<int:pk>/check-in/", views.duty_check_in, name="duty_check_in"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/new/", views.report_new, name="report_new"),
    path("reports/pick/<str:what>/", views.report_pick, name="report_pick"),
    path("notes/", views.note_list, name="note_list"),
    path("notes/<int:pk>/", views.note_detail, name="note_detail"),
    path("followups/", views.followup_list, name="followup_list"),
    path("followups/<int:pk>/close/", views.followup_close, name="followup_close"),
    path("rentals/", views.rental_list, name="rental_list"),
    path("compliance/", views.compliance, name="compliance"),
    path("policy/", views.policy, name="policy"),
]
