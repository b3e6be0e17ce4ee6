"""The projects register, and a project's page: details, work schedule, status, the review flag and
the beneficiary's feedback."""

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from payback.cases.assessment.rules import DAY_NAMES
from payback.core.edge import bound, pick, redirect_success, scoped, staff_page, staff_user, submit
from payback.core.registers import page_query, paginate, read_filters
from payback.staff.roles import APPROVE_PROJECTS, MANAGE_PROJECTS, VIEW_PROJECTS
from payback.staff.selectors import pdus_for

from .. import selectors, services
from ..forms import ProjectFilterForm, ProjectForm, ProjectStatusForm, ReviewNeededForm, TasksForm
from ..models import AssessmentDecision, ProjectStatus


@staff_page(VIEW_PROJECTS)
def project_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form, data = read_filters(request, ProjectFilterForm)
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
    base_query = page_query(request, drop=("page", "order"))
    return render(
        request,
        "projects/project_list.html",
        {
            "form": form,
            "page": paginate(request, projects),
            "sort": {
                "aria_sort": "descending" if descending else "ascending",
                "href": "?" + urlencode({**base_query, "order": "asc" if descending else "desc"}, doseq=True),
            },
            "page_query": urlencode({**base_query, "order": "desc" if descending else "asc"}, doseq=True),
            "can_manage": user.has_perm(MANAGE_PROJECTS),
            "can_approve": user.has_perm(APPROVE_PROJECTS),
        },
    )


@staff_page(MANAGE_PROJECTS)
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
        return redirect_success(request, f"Draft project {project.name} recorded", "projects:project", pk=project.pk)
    return render(request, "projects/project_form.html", {"form": form, "project": None})


def project_context(request: HttpRequest, pk: int) -> dict[str, Any]:
    user, project = scoped(request, selectors.project_get, pk)
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
        "open": latest if latest is not None and latest.status in EDITABLE else None,
        "can_manage": user.has_perm(MANAGE_PROJECTS),
        "can_approve": user.has_perm(APPROVE_PROJECTS),
        "nominations": project.nominations.all(),
        "surveys": selectors.project_surveys(project, today=timezone.localdate()),
    }


EDITABLE = (AssessmentDecision.DRAFT, AssessmentDecision.RETURNED)


@staff_page(VIEW_PROJECTS)
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "projects/project_detail.html", project_context(request, pk))


@staff_page(MANAGE_PROJECTS)
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user, project = scoped(request, selectors.project_get, pk)
    form = bound(request, ProjectForm, initial=ProjectForm.initial_from(project))
    if submit(form, lambda _: services.project_update(actor=user, project=project, **form.values())).ok:
        return redirect_success(request, f"Project {project.name} updated", "projects:project", pk=pk)
    return render(request, "projects/project_form.html", {"form": form, "project": project})


@staff_page(MANAGE_PROJECTS)
def project_tasks(request: HttpRequest, pk: int) -> HttpResponse:
    user, project = scoped(request, selectors.project_get, pk)
    form = bound(request, TasksForm, initial={"tasks": "\n".join(task.description for task in project.tasks.all())})
    if submit(form, lambda _: services.project_set_tasks(actor=user, project=project, tasks=form.task_list())).ok:
        return redirect_success(request, "Work schedule saved", "projects:project", pk=pk)
    return render(request, "projects/project_tasks.html", {"form": form, "project": project})


@staff_page(MANAGE_PROJECTS)
def project_status(request: HttpRequest, pk: int) -> HttpResponse:
    user, project = scoped(request, selectors.project_get, pk)
    form = bound(request, ProjectStatusForm, current=project.status)
    if submit(
        form,
        lambda data: services.project_change_status(actor=user, project=project, **pick(data, "to_status", "reason")),
    ).ok:
        now = ProjectStatus(form.cleaned_data["to_status"]).label.lower()
        return redirect_success(request, f"Project {project.name} is now {now}", "projects:project", pk=pk)
    return render(request, "projects/project_status.html", {"form": form, "project": project})


@staff_page(VIEW_PROJECTS)
def project_review(request: HttpRequest, pk: int) -> HttpResponse:
    user, project = scoped(request, selectors.project_get, pk)
    form = bound(request, ReviewNeededForm)
    if submit(form, lambda data: services.project_flag_review(actor=user, project=project, reason=data["reason"])).ok:
        message = "Review needed: the placement coordinator will review the risk assessment"
        return redirect_success(request, message, "projects:project", pk=pk)
    return render(request, "projects/project_review.html", {"form": form, "project": project})
