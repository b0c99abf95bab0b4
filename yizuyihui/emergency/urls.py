from django.urls import path

from yizuyihui.emergency import views

app_name = "emergency"
urlpatterns = [
    path("", views.index, name="index"),
    path("switch/", views.switch, name="switch"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/end/", views.end, name="end"),
    path("<int:pk>/map/", views.coverage_map, name="map"),
    path("<int:pk>/coverage.json", views.coverage_values, name="coverage_values"),
    path("<int:pk>/roster/", views.roster, name="roster"),
    path("<int:pk>/roster/propose/", views.propose, name="propose"),
    path("command/<int:post_pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/tasks/generate/", views.generate, name="generate"),
    path("<int:pk>/tasks/", views.tasks, name="tasks"),
    path("task/<int:task_pk>/", views.task, name="task"),
    path("<int:pk>/needs/", views.needs, name="needs"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("<int:pk>/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("<int:pk>/review.pdf", views.review_pdf, name="review_pdf"),
]
