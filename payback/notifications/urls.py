from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.index, name="index"),
    path("read/", views.read, name="read"),
    path("read-all/", views.read_all, name="read-all"),
    path("duty/", views.duty, name="duty"),
]
