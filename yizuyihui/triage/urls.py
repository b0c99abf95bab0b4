from django.urls import path

from yizuyihui.triage import views

app_name = "triage"
urlpatterns = [
    path("duplicates/", views.duplicates, name="duplicates"),
    path("support/<int:pk>/", views.support, name="support"),
    path("widespread/", views.widespread, name="widespread"),
    path("widespread/escalate/", views.widespread_escalate, name="widespread_escalate"),
    path("review/", views.review, name="review"),
    path("review/<int:pk>/", views.review_choose, name="review_choose"),
    path("model/", views.model, name="model"),
]
