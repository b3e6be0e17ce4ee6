"""Project assessments: start one, fill it in, the managers' approvals, and the yearly audit
sample."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from payback.core.edge import bound, pick, redirect_success, scoped, staff_page, staff_user, submit
from payback.staff.roles import APPROVE_PROJECTS, MANAGE_PROJECTS, VIEW_PROJECTS
from payback.staff.selectors import regions_for

from .. import selectors, services
from ..forms import PRINCIPLE_QUESTIONS, WELFARE, AuditSampleForm, DecisionForm, ProjectAssessmentForm
from ..models import AssessmentDecision, ProjectAssessment
from .projects import EDITABLE, project_context


@staff_page(MANAGE_PROJECTS)
@require_POST
def assessment_start(request: HttpRequest, pk: int) -> HttpResponse:
    context = project_context(request, pk)
    try:
        draft = services.project_assessment_start(actor=staff_user(request), project=context["project"])
    except ValidationError as error:
        context["errors"] = error.messages
        return render(request, "projects/project_detail.html", context, status=400)
    return redirect("projects:assessment", aid=draft.pk)


def _assessment_sections(assessment: ProjectAssessment) -> list[dict[str, Any]]:
    """The assessment's answers, grouped as on the form, for reading."""

    def yes_no(value: bool | None) -> str:
        return "Not answered" if value is None else ("Yes" if value else "No")

    welfare = [label for name, label in WELFARE if getattr(assessment, name)]
    flags = [flag.label for flag in assessment.excluded_flags.all()]
    return [
        {
            "title": "Hazards and risk controls",
            "rows": [("Hazards", assessment.hazards), ("Risk controls", assessment.controls)],
        },
        {
            "title": "Welfare and weather",
            "rows": [
                ("Welfare facilities", ", ".join(welfare) or "None"),
                ("All-weather", yes_no(assessment.all_weather)),
                ("Wet-weather contingency", assessment.wet_weather_contingency),
            ],
        },
        {
            "title": "Size, length and who may be placed",
            "rows": [
                ("Duration", f"{assessment.duration_weeks} weeks" if assessment.duration_weeks else "Ongoing"),
                ("People at once", str(assessment.max_people or "")),
                ("May not be placed", ", ".join(flags) or "No restrictions from risk flags"),
                ("Women only", yes_no(assessment.women_only)),
            ],
        },
        {
            "title": "Tools and value",
            "rows": [
                ("Tools the beneficiary provides", assessment.tools_provided),
                ("Environmental value", assessment.environmental_value),
            ],
        },
        {
            "title": "Principles of Community Payback",
            "rows": [(label, yes_no(getattr(assessment, name))) for name, label in PRINCIPLE_QUESTIONS.items()],
        },
        {"title": "Recommendation", "rows": [("Recommendation", assessment.recommendation)]},
    ]


@staff_page(VIEW_PROJECTS)
def assessment(request: HttpRequest, aid: int) -> HttpResponse:
    """The project assessment: a form while it is a draft (or returned), read-only after that."""
    user, record = scoped(request, selectors.project_assessment_get, aid)
    editable = record.status in EDITABLE and user.has_perm(MANAGE_PROJECTS)
    if request.method == "POST" and not editable:
        return redirect("projects:assessment", aid=aid)
    form = bound(request, ProjectAssessmentForm, initial=ProjectAssessmentForm.initial_from(record))
    recommend = request.POST.get("action") == "recommend"

    @transaction.atomic
    def save(data: dict[str, Any]) -> None:
        services.project_assessment_update(
            actor=user, assessment=record, values=form.values(), excluded_flags=form.flags()
        )
        if recommend:
            services.project_assessment_recommend(actor=user, assessment=record, recommendation=data["recommendation"])

    if submit(form, save, rename=ProjectAssessmentForm.ALIASES).ok:
        message = (
            "Project assessment sent to an operations manager for approval" if recommend else "Project assessment saved"
        )
        return redirect_success(request, message, "projects:project", pk=record.project_id)
    return render(
        request,
        "projects/assessment_form.html",
        {
            "form": form,
            "assessment": record,
            "project": record.project,
            "editable": editable,
            "sections": _assessment_sections(record),
        },
    )


@staff_page(APPROVE_PROJECTS)
def approval_list(request: HttpRequest) -> HttpResponse:
    return render(request, "projects/approval_list.html", {"queue": selectors.approvals_waiting(staff_user(request))})


@staff_page(APPROVE_PROJECTS)
def approval_decide(request: HttpRequest, aid: int) -> HttpResponse:
    user, record = scoped(request, selectors.project_assessment_get, aid)
    form = bound(request, DecisionForm)
    done = submit(
        form,
        lambda data: services.project_assessment_decide(
            actor=user, assessment=record, approve=data["decision"] == "approve", comment=data["comment"]
        ),
    )
    if done.ok:
        decided = "approved" if form.cleaned_data["decision"] == "approve" else "returned to the coordinator"
        return redirect_success(
            request, f"Project assessment for {record.project.name} {decided}", "projects:approvals"
        )
    return render(
        request,
        "projects/approval_decide.html",
        {
            "form": form,
            "assessment": record,
            "project": record.project,
            "sections": _assessment_sections(record),
            "waiting": record.status == AssessmentDecision.RECOMMENDED,
        },
    )


@staff_page(APPROVE_PROJECTS)
def audit_samples(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    regions = regions_for(user)
    initial: dict[str, Any] = {"year": timezone.localdate().year, "size": 5}
    if user.region_id:
        initial["region"] = user.region_id
    form = bound(request, AuditSampleForm, regions=regions, initial=initial)
    done = submit(
        form,
        lambda data: services.audit_sample_draw(actor=user, **pick(data, "region", "year", "size", "seed")),
    )
    if done.ok and (sample := done.value) is not None:
        message = f"{sample.projects.count()} projects drawn for the {sample.year} audit (seed {sample.seed})"
        return redirect_success(request, message, "projects:audit-samples")
    samples = selectors.audit_samples_for(user).order_by("-year", "region__name")
    return render(request, "projects/audit_samples.html", {"form": form, "samples": samples})
