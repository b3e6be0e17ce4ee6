from django.urls import path

from . import views

app_name = "allocation"
urlpatterns = [
    path("", views.index, name="index"),
    path("capacity/", views.capacity_planner, name="capacity"),
    path("weeks/", views.batch_index, name="batches"),
    path("weeks/<int:pk>/", views.batch_detail, name="batch"),
    path("weeks/<int:pk>/status/", views.batch_status, name="batch-status"),
    path("weeks/<int:pk>/retry/", views.batch_retry, name="batch-retry"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/status/", views.run_status, name="status"),
    path("runs/<int:pk>/people/<int:person_id>/", views.person, name="person"),
    path("runs/<int:pk>/people/<int:person_id>/remove/", views.person_remove, name="remove"),
    path("runs/<int:pk>/people/<int:person_id>/pin/", views.pin, name="pin"),
    path("runs/<int:pk>/rerun/", views.rerun, name="rerun"),
    path("runs/<int:pk>/publish/", views.publish, name="publish"),
    path("runs/<int:pk>/replan/", views.replan, name="replan"),
]
