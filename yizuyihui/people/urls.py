from django.urls import path

from yizuyihui.people import views

app_name = "people"
urlpatterns = [
    path("import/", views.register_import, name="import"),
    path("import/template.csv", views.register_template, name="import_template"),
]
