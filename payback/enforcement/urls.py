from django.urls import path

from .views import cases, failures, letters

app_name = "enforcement"

urlpatterns = [
    path("to-decide/", failures.to_decide, name="to-decide"),
    path("overdue-decisions/", failures.overdue_decisions, name="overdue"),
    path("reviews/", failures.reviews, name="reviews"),
    path("failures/<str:ref>/", failures.failure_detail, name="failure"),
    path("failures/<str:ref>/ask/", failures.evidence_request, name="ask"),
    path("failures/<str:ref>/evidence/", failures.evidence_add, name="evidence"),
    path("failures/<str:ref>/decide/", failures.decide, name="decide"),
    path("failures/<str:ref>/reverse/", failures.reverse, name="reverse"),
    path("evidence/<int:pk>/file/", failures.evidence_file, name="evidence-file"),
    path("cases/<int:pk>/", cases.case_enforcement, name="case"),
    path("cases/<int:pk>/court-outcome/", cases.court_outcome, name="court-outcome"),
    path("cases/<int:pk>/extension/", cases.extension_apply, name="extension"),
    path("cases/<int:pk>/reviews/<int:point>/", cases.review, name="review"),
    path("cases/<int:pk>/requirements/new/", cases.requirement_add, name="requirement-add"),
    path("cases/<int:pk>/breach-pack/", cases.breach_pack, name="breach-pack"),
    path(
        "cases/<int:pk>/appointments/<int:appointment_pk>/letter/",
        letters.appointment_letter,
        name="appointment-letter",
    ),
    path("letters/<int:pk>/pdf/", letters.letter_pdf_view, name="letter-pdf"),
    path("letters/templates/", letters.letter_templates, name="letter-templates"),
    path("letters/templates/<slug:kind>.pdf", letters.letter_template_pdf, name="letter-template-pdf"),
]
