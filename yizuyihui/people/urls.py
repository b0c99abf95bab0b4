from django.urls import path

from yizuyihui.people import views

app_name = "people"
urlpatterns = [
    path("import/", views.register_import, name="import"),
    path("import/template.csv", views.register_template, name="import_template"),
    path("units/<int:pk>/roster/", views.roster, name="roster"),
    path("units/<int:pk>/roster/search/", views.roster_search, name="roster_search"),
    path("units/<int:pk>/roster/add/", views.membership_add_view, name="membership_add"),
    path("units/<int:pk>/posts/add/", views.post_add_view, name="post_add"),
    path("memberships/<int:pk>/end/", views.membership_end_view, name="membership_end"),
    path("memberships/<int:pk>/move/", views.membership_move_view, name="membership_move"),
    path("posts/<int:pk>/end/", views.post_end_view, name="post_end"),
    path("posts/<int:pk>/move/", views.post_move_view, name="post_move"),
]
