"""Coordinator and manager pages for nominations, beneficiaries, projects, their assessments and
the yearly audit sample. Thin: check the shape of input, call one service, show GOV.UK errors.
Every object is read through a scoped selector, so anything outside the user's area is a 404."""

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from payback.cases.assessment.rules import DAY_NAMES
from payback.core.edge import bound, staff_user, submit
from payback.staff.roles import APPROVE_PROJECTS, MANAGE_NOMINATIONS, MANAGE_PROJECTS, VIEW_PROJECTS
from payback.staff.selectors import pdus_for, regions_for

from . import selectors, services
from .csv_download import register_filters
from .forms import (
    PRINCIPLE_QUESTIONS,
    WELFARE,
    AuditSampleForm,
    BeneficiaryFilterForm,
    BeneficiaryForm,
    DecisionForm,
    NominationAcceptForm,
    NominationRejectForm,
    ProjectAssessmentForm,
    ProjectFilterForm,
    ProjectForm,
    ProjectStatusForm,
    ReferralMeansForm,
    ReviewNeededForm,
    TasksForm,
)
from .models import (
    AssessmentDecision,
    Nomination,
    NominationStatus,
    ProjectAssessment,
    ProjectStatus,
)

PAGE_SIZE = 50


def _page_query(request: HttpRequest, *, drop: Iterable[str] = ("page",)) -> dict[str, Any]:
    return {k: v for k, v in request.GET.items() if k not in set(drop) and v}


def _paginate(request: HttpRequest, queryset: QuerySet[Any]) -> Any:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


# ---------------------------------------------------------------------------------------------
# Nominations


@login_required
@permission_required(MANAGE_NOMINATIONS, raise_exception=True)
def nomination_list(request: HttpRequest) -> HttpResponse:
    form, filters = register_filters(request)
    today = timezone.localdate()
    page = _paginate(request, selectors.nomination_register(staff_user(request), filters, today=today))
    rows = [{"nomination": n, "tag": selectors.acknowledgement_tag(n, today=today)} for n in page.object_list]
    query = _page_query(request)
    return render(
        request,
        "projects/nomination_list.html",
        {"form": form, "page": page, "rows": rows, "page_query": urlencode(query, doseq=True), "today": today},
    )


def _nomination_context(request: HttpRequest, pk: int) -> dict[str, Any]:
    nomination = selectors.nomination_get(staff_user(request), pk)
    today = timezone.localdate()
    return {
        "nomination": nomination,
        "tag": selectors.acknowledgement_tag(nomination, today=today),
        "undecided": nomination.status in (NominationStatus.NEW, NominationStatus.ACKNOWLEDGED),
        "today": today,
    }


@login_required
@permission_required(MANAGE_NOMINATIONS, raise_exception=True)
def nomination_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "projects/nomination_detail.html", _nomination_context(request, pk))


@login_required
@permission_required(MANAGE_NOMINATIONS, raise_exception=True)
@require_POST
def nomination_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    context = _nomination_context(request, pk)
    nomination: Nomination = context["nomination"]
    try:
        services.nomination_acknowledge(actor=staff_user(request), nomination=nomination)
    except ValidationError as error:
        context["errors"] = error.messages
        return render(request, "projects/nomination_detail.html", context, status=400)
    messages.success(request, f"Acknowledgement sent to {nomination.nominator_email}")
    return redirect("projects:nomination", pk=pk)


@login_required
@permission_required(MANAGE_NOMINATIONS, raise_exception=True)
def nomination_referral(request: HttpRequest, pk: int) -> HttpResponse:
    context = _nomination_context(request, pk)
    nomination: Nomination = context["nomination"]
    form = bound(request, ReferralMeansForm, initial={"referral_means": nomination.referral_means})
    done = submit(
        form,
        lambda data: services.nomination_set_referral_means(
            actor=staff_user(request), nomination=nomination, referral_means=data["referral_means"]
        ),
    )
    if done.ok:
        messages.success(request, "Means of referral recorded")
        return redirect("projects:nomination", pk=pk)
    context["form"] = form
    return render(request, "projects/nomination_referral.html", context)


@login_required
@permission_required(MANAGE_NOMINATIONS, raise_exception=True)
def nomination_accept(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    context = _nomination_context(request, pk)
    nomination: Nomination = context["nomination"]
    if not context["undecided"]:
        return redirect("projects:nomination", pk=pk)
    form = bound(request, NominationAcceptForm, beneficiaries=selectors.beneficiaries_for(user))
    done = submit(
        form,
        lambda data: services.nomination_accept(
            actor=user,
            nomination=nomination,
            project_name=data["project_name"],
            beneficiary=data["beneficiary"],
            new_beneficiary=form.new_beneficiary(),
        ),
        rename={"nomination": "beneficiary"},
    )
    if done.ok and (project := done.value) is not None:
        messages.success(request, f"Nomination {nomination.reference} accepted: draft project {project.name}")
        return redirect("projects:project", pk=project.pk)
    context["form"] = form
    return render(request, "projects/nomination_accept.html", context)


@login_required
@permission_required(MANAGE_NOMINATIONS, raise_exception=True)
def nomination_reject(request: HttpRequest, pk: int) -> HttpResponse:
    context = _nomination_context(request, pk)
    nomination: Nomination = context["nomination"]
    if not context["undecided"]:
        return redirect("projects:nomination", pk=pk)
    form = bound(request, NominationRejectForm)
    done = submit(
        form,
        lambda data: services.nomination_reject(
            actor=staff_user(request), nomination=nomination, reason=data["reason"], detail=data["detail"]
        ),
    )
    if done.ok:
        messages.success(request, f"Nomination {nomination.reference} rejected")
        return redirect("projects:nomination", pk=pk)
    context["form"] = form
    return render(request, "projects/nomination_reject.html", context)


# ---------------------------------------------------------------------------------------------
# Beneficiaries


@login_required
@permission_required(VIEW_PROJECTS, raise_exception=True)
def beneficiary_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = BeneficiaryFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    beneficiaries = selectors.beneficiary_search(user, kind=data.get("kind") or "", q=data.get("q") or "")
    return render(
        request,
        "projects/beneficiary_list.html",
        {
            "form": form,
            "page": _paginate(request, beneficiaries),
            "page_query": urlencode(_page_query(request)),
            "can_manage": user.has_perm(MANAGE_PROJECTS),
        },
    )


@login_required
@permission_required(MANAGE_PROJECTS, raise_exception=True)
def beneficiary_create(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = bound(request, BeneficiaryForm, pdus=pdus_for(user), initial={"pdu": user.pdu_id} if user.pdu_id else {})
    done = submit(form, lambda data: services.beneficiary_create(actor=user, pdu=data["pdu"], **form.values()))
    if done.ok and (beneficiary := done.value) is not None:
        messages.success(request, f"Beneficiary {beneficiary.name} recorded")
        return redirect("projects:beneficiary", pk=beneficiary.pk)
    return render(request, "projects/beneficiary_form.html", {"form": form, "beneficiary": None})


@login_required
@permission_required(VIEW_PROJECTS, raise_exception=True)
def beneficiary_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    beneficiary = selectors.beneficiary_get(user, pk)
    return render(
        request,
        "projects/beneficiary_detail.html",
        {
            "beneficiary": beneficiary,
            "projects": selectors.beneficiary_projects(user, beneficiary),
            "nominations": selectors.beneficiary_nominations(user, beneficiary),
            "feedback_url": request.build_absolute_uri(f"/feedback/{beneficiary.feedback_token}/"),
            "can_manage": user.has_perm(MANAGE_PROJECTS),
        },
    )


@login_required
@permission_required(MANAGE_PROJECTS, raise_exception=True)
def beneficiary_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    beneficiary = selectors.beneficiary_get(user, pk)
    initial = {name: getattr(beneficiary, name) for name in services.BENEFICIARY_FIELDS}
    form = bound(request, BeneficiaryForm, initial=initial)
    if submit(form, lambda _: services.beneficiary_update(actor=user, beneficiary=beneficiary, **form.values())).ok:
        messages.success(request, f"Beneficiary {beneficiary.name} updated")
        return redirect("projects:beneficiary", pk=beneficiary.pk)
    return render(request, "projects/beneficiary_form.html", {"form": form, "beneficiary": beneficiary})


# ---------------------------------------------------------------------------------------------
# Projects


@login_required
@permission_required(VIEW_PROJECTS, raise_exception=True)
def project_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = ProjectFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.ProjectFilters(
        status=data.get("status") or "",
        project_type=data.get("project_type") or "",
        review_needed=bool(data.get("review_needed")),
        q=data.get("q") or "",
    )
    descending = request.GET.get("order") == "desc"
    projects = selectors.project_list(user, filters)
    if descending:
        projects = projects.order_by("-name")
    base_query = _page_query(request, drop=("page", "order"))
    return render(
        request,
        "projects/project_list.html",
        {
            "form": form,
            "page": _paginate(request, projects),
            "sort": {
                "aria_sort": "descending" if descending else "ascending",
                "href": "?" + urlencode({**base_query, "order": "asc" if descending else "desc"}, doseq=True),
            },
            "page_query": urlencode({**base_query, "order": "desc" if descending else "asc"}, doseq=True),
            "can_manage": user.has_perm(MANAGE_PROJECTS),
            "can_approve": user.has_perm(APPROVE_PROJECTS),
        },
    )


@login_required
@permission_required(MANAGE_PROJECTS, raise_exception=True)
def project_create(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    initial: dict[str, Any] = {"project_type": "group", "capacity": 6}
    if user.pdu_id:
        initial["pdu"] = user.pdu_id
    beneficiary = request.GET.get("beneficiary", "")
    if beneficiary.isascii() and beneficiary.isdigit() and len(beneficiary) < 19:
        initial["beneficiary"] = int(beneficiary)
    form = bound(
        request,
        ProjectForm,
        beneficiaries=selectors.beneficiaries_for(user).order_by("name"),
        pdus=pdus_for(user),
        initial=initial,
    )
    done = submit(
        form,
        lambda data: services.project_create(
            actor=user, beneficiary=data["beneficiary"], pdu=data["pdu"], **form.values()
        ),
    )
    if done.ok and (project := done.value) is not None:
        messages.success(request, f"Draft project {project.name} recorded")
        return redirect("projects:project", pk=project.pk)
    return render(request, "projects/project_form.html", {"form": form, "project": None})


def _project_context(request: HttpRequest, pk: int) -> dict[str, Any]:
    user = staff_user(request)
    project = selectors.project_get(user, pk)
    assessments = selectors.project_assessments(project)
    latest = assessments[0] if assessments else None
    return {
        "project": project,
        "days": [DAY_NAMES[day] for day in project.days if day in DAY_NAMES],
        "tasks": list(project.tasks.all()),
        "latest": latest,
        "assessments": assessments,
        "current": selectors.current_project_assessment(project),
        "waiting": latest is not None and latest.status == AssessmentDecision.RECOMMENDED,
        "open": latest if latest is not None and latest.status in _EDITABLE else None,
        "can_manage": user.has_perm(MANAGE_PROJECTS),
        "can_approve": user.has_perm(APPROVE_PROJECTS),
        "nominations": project.nominations.all(),
    }


_EDITABLE = (AssessmentDecision.DRAFT, AssessmentDecision.RETURNED)


@login_required
@permission_required(VIEW_PROJECTS, raise_exception=True)
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "projects/project_detail.html", _project_context(request, pk))


@login_required
@permission_required(MANAGE_PROJECTS, raise_exception=True)
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    project = selectors.project_get(user, pk)
    form = bound(request, ProjectForm, initial=ProjectForm.initial_from(project))
    if submit(form, lambda _: services.project_update(actor=user, project=project, **form.values())).ok:
        messages.success(request, f"Project {project.name} updated")
        return redirect("projects:project", pk=project.pk)
    return render(request, "projects/project_form.html", {"form": form, "project": project})


@login_required
@permission_required(MANAGE_PROJECTS, raise_exception=True)
def project_tasks(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    project = selectors.project_get(user, pk)
    initial = {"tasks": "\n".join(task.description for task in project.tasks.all())}
    form = bound(request, TasksForm, initial=initial)
    if submit(form, lambda _: services.project_set_tasks(actor=user, project=project, tasks=form.task_list())).ok:
        messages.success(request, "Work schedule saved")
        return redirect("projects:project", pk=project.pk)
    return render(request, "projects/project_tasks.html", {"form": form, "project": project})


@login_required
@permission_required(MANAGE_PROJECTS, raise_exception=True)
def project_status(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    project = selectors.project_get(user, pk)
    form = bound(request, ProjectStatusForm, current=project.status)
    done = submit(
        form,
        lambda data: services.project_change_status(
            actor=user, project=project, to_status=data["to_status"], reason=data["reason"]
        ),
    )
    if done.ok:
        to_status = form.cleaned_data["to_status"]
        messages.success(request, f"Project {project.name} is now {ProjectStatus(to_status).label.lower()}")
        return redirect("projects:project", pk=project.pk)
    return render(request, "projects/project_status.html", {"form": form, "project": project})


@login_required
@permission_required(VIEW_PROJECTS, raise_exception=True)
def project_review(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    project = selectors.project_get(user, pk)
    form = bound(request, ReviewNeededForm)
    if submit(form, lambda data: services.project_flag_review(actor=user, project=project, reason=data["reason"])).ok:
        messages.success(request, "Review needed: the placement coordinator will review the risk assessment")
        return redirect("projects:project", pk=project.pk)
    return render(request, "projects/project_review.html", {"form": form, "project": project})


@login_required
@permission_required(MANAGE_PROJECTS, raise_exception=True)
@require_POST
def assessment_start(request: HttpRequest, pk: int) -> HttpResponse:
    context = _project_context(request, pk)
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


@login_required
@permission_required(VIEW_PROJECTS, raise_exception=True)
def assessment(request: HttpRequest, aid: int) -> HttpResponse:
    """The project assessment: a form while it is a draft (or returned), read-only after that."""
    user = staff_user(request)
    record = selectors.project_assessment_get(user, aid)
    editable = record.status in _EDITABLE and user.has_perm(MANAGE_PROJECTS)
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
        if recommend:
            messages.success(request, "Project assessment sent to an operations manager for approval")
        else:
            messages.success(request, "Project assessment saved")
        return redirect("projects:project", pk=record.project_id)
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


@login_required
@permission_required(APPROVE_PROJECTS, raise_exception=True)
def approval_list(request: HttpRequest) -> HttpResponse:
    return render(request, "projects/approval_list.html", {"queue": selectors.approvals_waiting(staff_user(request))})


@login_required
@permission_required(APPROVE_PROJECTS, raise_exception=True)
def approval_decide(request: HttpRequest, aid: int) -> HttpResponse:
    user = staff_user(request)
    record = selectors.project_assessment_get(user, aid)
    form = bound(request, DecisionForm)
    done = submit(
        form,
        lambda data: services.project_assessment_decide(
            actor=user, assessment=record, approve=data["decision"] == "approve", comment=data["comment"]
        ),
    )
    if done.ok:
        approve = form.cleaned_data["decision"] == "approve"
        project = record.project
        messages.success(
            request,
            f"Project assessment for {project.name} " + ("approved" if approve else "returned to the coordinator"),
        )
        return redirect("projects:approvals")
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


# ---------------------------------------------------------------------------------------------
# Audit sample


@login_required
@permission_required(APPROVE_PROJECTS, raise_exception=True)
def audit_samples(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    regions = regions_for(user)
    initial: dict[str, Any] = {"year": timezone.localdate().year, "size": 5}
    if user.region_id:
        initial["region"] = user.region_id
    form = bound(request, AuditSampleForm, regions=regions, initial=initial)
    done = submit(
        form,
        lambda data: services.audit_sample_draw(
            actor=user, region=data["region"], year=data["year"], size=data["size"], seed=data["seed"]
        ),
    )
    if done.ok and (sample := done.value) is not None:
        messages.success(
            request, f"{sample.projects.count()} projects drawn for the {sample.year} audit (seed {sample.seed})"
        )
        return redirect("projects:audit-samples")
    samples = selectors.audit_samples_for(user).order_by("-year", "region__name")
    return render(request, "projects/audit_samples.html", {"form": form, "samples": samples})
