from django.urls import path

from . import views

app_name = "oversight"
urlpatterns = [
    path("", views.index, name="index"),
    path("today/", views.today, name="today"),
    path("practitioners/<int:pk>/supervision/", views.supervision, name="supervision"),
    path("practitioners/<int:pk>/reflective-practice/", views.reflective_practice, name="reflective-practice"),
    path("cases/<int:pk>/touch-point/", views.touch_point, name="touch-point"),
    path("absences/", views.absences, name="absences"),
    path("absences/new/", views.absence_new, name="absence-new"),
]
