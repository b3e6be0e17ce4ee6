from django.urls import path

from . import views

app_name = "quality"
urlpatterns = [
    path("", views.index, name="index"),
    path("sessions/<int:pk>/spot-check/", views.spot_check, name="spot-check"),
    path("supervisors/<int:pk>/observation/", views.observation, name="observation"),
    path("staff/<int:pk>/reflective-supervision/", views.reflective_supervision, name="reflective-supervision"),
    path("audit-samples/<int:pk>/", views.audit_sample, name="audit-sample"),
    path("findings/<int:pk>/action-done/", views.action_done, name="action-done"),
]
