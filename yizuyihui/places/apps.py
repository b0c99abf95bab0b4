from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "yizuyihui.places"
    label = "places"
    verbose_name = "places and maps"
