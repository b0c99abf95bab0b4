from django.urls import path

from yizuyihui.org import views

app_name = "org"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("node/<int:pk>/", views.node_detail, name="node_detail"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/export.csv", views.unit_export, name="unit_export"),
    path("import/", views.tree_import, name="import"),
]
