from django.contrib.auth import views as auth_views
from django.urls import path

from yizuyihui.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/sms/", views.sms_login, name="sms_login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("me/", views.profile, name="profile"),
    path("me/keys/", views.api_keys, name="api_keys"),
    path("me/keys/<int:pk>/revoke/", views.api_key_revoke, name="api_key_revoke"),
    path("config/", views.config, name="config"),
]
