from django.urls import path

from . import csv_download, feedback_views, public_views, views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_create, name="project-create"),
    path("<int:pk>/", views.project_detail, name="project"),
    path("<int:pk>/edit/", views.project_edit, name="project-edit"),
    path("<int:pk>/tasks/", views.project_tasks, name="project-tasks"),
    path("<int:pk>/status/", views.project_status, name="project-status"),
    path("<int:pk>/review-needed/", views.project_review, name="project-review"),
    path("<int:pk>/feedback/send/", views.project_survey_send, name="project-survey-send"),
    path("<int:pk>/assessment/start/", views.assessment_start, name="assessment-start"),
    path("assessments/<int:aid>/", views.assessment, name="assessment"),
    path("approvals/", views.approval_list, name="approvals"),
    path("approvals/<int:aid>/", views.approval_decide, name="approval"),
    path("audit-samples/", views.audit_samples, name="audit-samples"),
    path("nominations/", views.nomination_list, name="nominations"),
    path("nominations/download.csv", csv_download.nomination_csv, name="nominations-csv"),
    path("nominations/<int:pk>/", views.nomination_detail, name="nomination"),
    path("nominations/<int:pk>/acknowledge/", views.nomination_acknowledge, name="nomination-acknowledge"),
    path("nominations/<int:pk>/referral/", views.nomination_referral, name="nomination-referral"),
    path("nominations/<int:pk>/accept/", views.nomination_accept, name="nomination-accept"),
    path("nominations/<int:pk>/reject/", views.nomination_reject, name="nomination-reject"),
    path("beneficiaries/", views.beneficiary_list, name="beneficiaries"),
    path("beneficiaries/new/", views.beneficiary_create, name="beneficiary-create"),
    path("beneficiaries/<int:pk>/", views.beneficiary_detail, name="beneficiary"),
    path("beneficiaries/<int:pk>/edit/", views.beneficiary_edit, name="beneficiary-edit"),
]

# The public nomination form, mounted at /nominate/ with the namespace "nominate".
public_urlpatterns = (
    [
        path("", public_views.start, name="start"),
        path("check-your-answers/", public_views.check, name="check"),
        path("confirmation/", public_views.confirmation, name="confirmation"),
        path("<slug:slug>/", public_views.question, name="question"),
    ],
    "nominate",
)

# The beneficiary's feedback survey, mounted at /feedback/ with the namespace "feedback": opened
# without signing in by the link emailed to the contact.
feedback_urlpatterns = (
    [
        path("thank-you/", feedback_views.thanks, name="thanks"),
        path("<slug:token>/", feedback_views.survey, name="survey"),
    ],
    "feedback",
)
