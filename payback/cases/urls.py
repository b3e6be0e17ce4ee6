from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("new/", views.case_create, name="create"),
    path("<int:pk>/", views.case_summary, name="summary"),
    path("<int:pk>/hours/", views.case_hours, name="hours"),
    path("<int:pk>/order/", views.case_order, name="order"),
    path("<int:pk>/history/", views.case_history, name="history"),
    path("<int:pk>/adjustments/new/", views.adjustment_create, name="adjustment"),
    path("<int:pk>/hours/<int:entry_pk>/correct/", views.entry_correct, name="correct"),
    path("<int:pk>/status/", views.status_change, name="status"),
]
