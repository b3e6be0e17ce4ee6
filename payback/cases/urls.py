from django.urls import path

from . import allocation_views, diversity_views, sbar_views, views
from .assessment import views as assessment_views

app_name = "cases"
urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("new/", views.case_create, name="create"),
    path("<int:pk>/", views.case_summary, name="summary"),
    path("<int:pk>/hours/", views.case_hours, name="hours"),
    path("<int:pk>/order/", views.case_order, name="order"),
    path("<int:pk>/history/", views.case_history, name="history"),
    path("<int:pk>/diversity/", diversity_views.diversity_form, name="diversity"),
    path("<int:pk>/adjustments/new/", views.adjustment_create, name="adjustment"),
    path("<int:pk>/hours/<int:entry_pk>/correct/", views.entry_correct, name="correct"),
    path("<int:pk>/status/", views.status_change, name="status"),
    path("<int:pk>/practitioner/", allocation_views.case_reallocate, name="reallocate"),
    path("<int:pk>/consultations/new/", sbar_views.sbar_raise, name="sbar-raise"),
    path("<int:pk>/consultations/answer/", sbar_views.sbar_answer, name="sbar-answer"),
    path("<int:pk>/assessment/", assessment_views.assessment_tab, name="assessment"),
    path("<int:pk>/assessment/start/", assessment_views.assessment_start, name="assessment-start"),
    path("<int:pk>/assessment/<int:aid>/check/", assessment_views.assessment_check, name="assessment-check"),
    path("<int:pk>/assessment/<int:aid>/<slug:page>/", assessment_views.assessment_page, name="assessment-page"),
    path("<int:pk>/non-associations/new/", assessment_views.non_association_add, name="non-association"),
    path("<int:pk>/induction/new/", assessment_views.induction_book, name="induction-book"),
    path("<int:pk>/induction/<int:iid>/outcome/", assessment_views.induction_outcome, name="induction-outcome"),
    path("consultations/", sbar_views.sbar_list, name="sbar-list"),
    path("countersign/", assessment_views.countersign_list, name="countersign-list"),
    path("countersign/<int:aid>/", assessment_views.countersign, name="countersign"),
    path("people/<str:crn>/session-needs/", assessment_views.session_needs, name="session-needs"),
]
