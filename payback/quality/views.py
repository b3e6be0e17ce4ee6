"""Quality assurance pages for operations managers: what is overdue and due soon, and the forms to
record a spot check, an observation, audit findings and reflective supervision."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from payback.core.edge import bound, redirect_success, scoped, staff_page, staff_user, submit
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
    done = submit(
        form,
        lambda data: services.spot_check_record(
            actor=user, session=session, answers=form.answers(), findings=data["findings"], actions=data["actions"]
        ),
    )
    if done.ok:
        return redirect_success(request, f"Spot check of {session.project.name} recorded", "quality:index")
    return render(request, "quality/spot_check_form.html", {"session": session, "form": form})


@staff_page(ASSURE_QUALITY)
def observation(request: HttpRequest, pk: int) -> HttpResponse:
    user, supervisor = scoped(request, selectors.supervisor_get, pk)
    form = bound(request, ObservationForm)
    done = submit(
        form,
        lambda data: services.observation_record(
            actor=user,
            supervisor=supervisor,
            observed_on=data["observed_on"],
            ratings=form.ratings(),
            strengths=data["strengths"],
            development_points=data["development_points"],
            agreed_actions=data["agreed_actions"],
        ),
    )
    if done.ok:
        return redirect_success(request, f"Observation of {supervisor.get_full_name()} recorded", "quality:index")
    history = selectors.observations_for(user).filter(supervisor=supervisor)[:6]
    return render(
        request, "quality/observation_form.html", {"supervisor": supervisor, "form": form, "history": history}
    )


@staff_page(ASSURE_QUALITY)
def audit_sample(request: HttpRequest, pk: int) -> HttpResponse:
    user, sample = scoped(request, selectors.audit_sample_get, pk)
    form = bound(request, AuditFindingForm, sample=sample)
    done = submit(
        form,
        lambda data: services.audit_finding_record(
            actor=user,
            sample=sample,
            project=data["project"],
            checked=data["checked"],
            compliant=data["compliant"] == "yes",
            findings=data["findings"],
            action=data["action"],
            action_due=data["action_due"],
        ),
    )
    if done.ok:
        return redirect_success(request, "Audit finding recorded", "quality:audit-sample", pk=pk)
    findings = selectors.findings_for(user).filter(sample=sample)
    context = {"sample": sample, "form": form, "findings": findings, "today": timezone.localdate()}
    return render(request, "quality/audit_sample.html", context)


@staff_page(ASSURE_QUALITY)
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    user, finding = scoped(request, selectors.finding_get, pk)
    form = bound(request, ActionDoneForm)
    done = submit(form, lambda data: services.audit_action_done(actor=user, finding=finding, done_on=data["done_on"]))
    if done.ok:
        return redirect_success(request, "Action marked as done", "quality:audit-sample", pk=finding.sample_id)
    return render(request, "quality/action_done_form.html", {"finding": finding, "form": form})


@staff_page(ASSURE_QUALITY)
def reflective_supervision(request: HttpRequest, pk: int) -> HttpResponse:
    user, member = scoped(request, selectors.staff_get, pk)
    form = bound(request, ReflectiveSupervisionForm)
    done = submit(
        form,
        lambda data: services.reflective_supervision_record(
            actor=user, member=member, held_on=data["held_on"], notes=data["notes"]
        ),
    )
    if done.ok:
        return redirect_success(
            request, f"Reflective supervision with {member.get_full_name()} recorded", "quality:index"
        )
    history = selectors.reflective_supervisions_for(user).filter(member=member)[:6]
    return render(request, "quality/supervision_form.html", {"member": member, "form": form, "history": history})
