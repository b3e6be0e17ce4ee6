"""Quality assurance pages for operations managers: what is overdue and due soon, and the forms to
record a spot check, an observation, audit findings and reflective supervision."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from payback.core.edge import bound, pick, record_page, scoped, staff_page, staff_user
from payback.core.selectors import policy_book
from payback.staff.roles import ASSURE_QUALITY

from . import rules, selectors, services
from .forms import ActionDoneForm, AuditFindingForm, ObservationForm, ReflectiveSupervisionForm, SpotCheckForm


@staff_page(ASSURE_QUALITY)
def index(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    today = timezone.localdate()
    context = {
        "due": selectors.quality_due(user, today=today, book=policy_book()),
        "supervisors": selectors.supervisors_for(user),
        "staff": selectors.staff_to_supervise(user),
        "samples": selectors.audit_samples_for(user).order_by("-year"),
        "spot_checks": selectors.spot_checks_for(user)[:10],
        "sessions": selectors.sessions_to_check(user).filter(date=today).order_by("start_time"),
        "due_soon_days": rules.DUE_SOON_DAYS,
    }
    return render(request, "quality/index.html", context)


@staff_page(ASSURE_QUALITY)
def spot_check(request: HttpRequest, pk: int) -> HttpResponse:
    user, session = scoped(request, selectors.session_get, pk)
    form = bound(request, SpotCheckForm)
    return record_page(
        request,
        form,
        lambda data: services.spot_check_record(
            actor=user, session=session, answers=form.answers(), **pick(data, "findings", "actions")
        ),
        success=f"Spot check of {session.project.name} recorded",
        to="quality:index",
        template="quality/spot_check_form.html",
        context={"session": session},
    )


@staff_page(ASSURE_QUALITY)
def observation(request: HttpRequest, pk: int) -> HttpResponse:
    user, supervisor = scoped(request, selectors.supervisor_get, pk)
    form = bound(request, ObservationForm)
    return record_page(
        request,
        form,
        lambda data: services.observation_record(
            actor=user,
            supervisor=supervisor,
            ratings=form.ratings(),
            **pick(data, "observed_on", "strengths", "development_points", "agreed_actions"),
        ),
        success=f"Observation of {supervisor.get_full_name()} recorded",
        to="quality:index",
        template="quality/observation_form.html",
        context=lambda: {
            "supervisor": supervisor,
            "history": selectors.observations_for(user).filter(supervisor=supervisor)[:6],
        },
    )


@staff_page(ASSURE_QUALITY)
def audit_sample(request: HttpRequest, pk: int) -> HttpResponse:
    user, sample = scoped(request, selectors.audit_sample_get, pk)
    return record_page(
        request,
        bound(request, AuditFindingForm, sample=sample),
        lambda data: services.audit_finding_record(
            actor=user,
            sample=sample,
            compliant=data["compliant"] == "yes",
            **pick(data, "project", "checked", "findings", "action", "action_due"),
        ),
        success="Audit finding recorded",
        to="quality:audit-sample",
        to_args={"pk": pk},
        template="quality/audit_sample.html",
        context=lambda: {
            "sample": sample,
            "findings": selectors.findings_for(user).filter(sample=sample),
            "today": timezone.localdate(),
        },
    )


@staff_page(ASSURE_QUALITY)
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    user, finding = scoped(request, selectors.finding_get, pk)
    return record_page(
        request,
        bound(request, ActionDoneForm),
        lambda data: services.audit_action_done(actor=user, finding=finding, done_on=data["done_on"]),
        success="Action marked as done",
        to="quality:audit-sample",
        to_args={"pk": finding.sample_id},
        template="quality/action_done_form.html",
        context={"finding": finding},
    )


@staff_page(ASSURE_QUALITY)
def reflective_supervision(request: HttpRequest, pk: int) -> HttpResponse:
    user, member = scoped(request, selectors.staff_get, pk)
    return record_page(
        request,
        bound(request, ReflectiveSupervisionForm),
        lambda data: services.reflective_supervision_record(
            actor=user, member=member, **pick(data, "held_on", "notes")
        ),
        success=f"Reflective supervision with {member.get_full_name()} recorded",
        to="quality:index",
        template="quality/supervision_form.html",
        context=lambda: {
            "member": member,
            "history": selectors.reflective_supervisions_for(user).filter(member=member)[:6],
        },
    )
