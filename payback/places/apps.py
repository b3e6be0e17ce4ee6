from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "payback.places"
    label = "places"
    verbose_name = "Places: postcodes and where they are"
