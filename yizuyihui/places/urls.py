from django.urls import path

from yizuyihui.places import views

app_name = "places"
urlpatterns = [
    path("boundaries.geojson", views.boundaries, name="boundaries"),
    path("locate/", views.locate, name="locate"),
    path("matters/", views.worklist_map, name="worklist_map"),
    path("matters.geojson", views.case_points, name="case_points"),
    path("matters.json", views.case_pins, name="case_pins"),
    path("board/<int:unit_id>/", views.board_map, name="board_map"),
    path("board/<int:unit_id>.geojson", views.board_points, name="board_points"),
    path("measures/", views.measures_map, name="measures_map"),
    path("measures.json", views.measures_values, name="measures_values"),
]
