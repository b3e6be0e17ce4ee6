"""A beneficiary contact's pages at /partners/: signing in with an emailed code, their organisation's
projects and sessions, the people on their placements, signing timesheets, telling us about a
concern or an incident, and answering surveys. Every page is for the contact's own organisation
alone, and no answer is kept by the browser."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from payback.core.edge import bound, submit
from payback.delivery.services.timesheets import timesheet_summary
from payback.portal.signin_views import SignInPages
from payback.projects.forms import SurveyForm

from . import selectors, services, signin
from .edge import contact_page
from .forms import CodeForm, ReportForm, SignInForm, TimesheetForm
from .models import BeneficiaryContact

# ---------------------------------------------------------------------------------------------
# Signing in and out


PAGES = SignInPages(
    service="partners",
    visits=signin.VISITS,
    signed_in=signin.visit_contact,
    start=signin.sign_in_start,
    finish=signin.sign_in_finish,
    sign_in_form=SignInForm,
    code_form=CodeForm,
)
sign_in, code, sign_out, signed_out = PAGES.views()


# ---------------------------------------------------------------------------------------------
# What the contact sees


@contact_page
def home(request: HttpRequest, contact: BeneficiaryContact) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "contact": contact,
        "projects": selectors.projects_of(contact),
        "sessions": selectors.upcoming_sessions(contact, today=today)[:10],
        "placements": selectors.placements_of(contact, today=today),
        "surveys": selectors.open_surveys(contact, today=today),
    }
    return render(request, "partners/home.html", context)


@contact_page
def placement(request: HttpRequest, contact: BeneficiaryContact, pk: int) -> HttpResponse:
    project = selectors.placement_get(contact, pk)
    today = timezone.localdate()
    sheets = [(sheet, timesheet_summary(sheet)) for sheet in selectors.timesheets_of(contact, project)[:20]]
    context = {
        "contact": contact,
        "project": project,
        "people": selectors.people_on(project, today=today),
        "timesheets": sheets,
        "today": today,
    }
    return render(request, "partners/placement.html", context)


@contact_page
def timesheet_new(request: HttpRequest, contact: BeneficiaryContact, pk: int, person: int) -> HttpResponse:
    project = selectors.placement_get(contact, pk)
    someone = selectors.person_on_placement(project, person, today=timezone.localdate())
    form = bound(request, TimesheetForm)
    done = submit(
        form,
        lambda data: services.timesheet_sign(
            contact=contact,
            placement=project,
            requirement_id=someone.requirement_id,
            worked_on=data["worked_on"],
            started_at=data["started_at"],
            ended_at=data["ended_at"],
            break_minutes=data["break_minutes"] or 0,
            tasks=data["tasks"],
            note=data["note"],
            idempotency_key=data["idempotency_key"],
        ),
    )
    if done.ok and done.value is not None:
        messages.success(request, f"Timesheet signed: {timesheet_summary(done.value)} for {someone.first_name}")
        return redirect("partners:placement", pk=project.pk)
    if form.is_bound and "idempotency_key" in form.errors:
        form = form.with_new_key()
    context = {"contact": contact, "project": project, "person": someone, "form": form}
    return render(request, "partners/timesheet_form.html", context)


@contact_page
def report(request: HttpRequest, contact: BeneficiaryContact) -> HttpResponse:
    today = timezone.localdate()
    projects = [(p.pk, p.name) for p in selectors.projects_of(contact)]
    people = [
        (person.requirement_id, f"{person.first_name} ({placed.project.name})")
        for placed in selectors.placements_of(contact, today=today)
        for person in placed.people
    ]
    form = bound(request, ReportForm, projects=projects, people=people)

    def send(data: dict[str, Any]) -> str:
        return services.report_send(
            contact=contact,
            project=selectors.project_get(contact, data["project"]),
            kind=data["kind"],
            details=data["details"],
            person_id=data["person"],
            occurred_at=form.occurred_at(),
            idempotency_key=data["idempotency_key"],
        )

    if submit(form, send, rename={"occurred_at": "occurred_on"}).ok:
        messages.success(request, "Thank you. We have passed this on and someone will get back to you.")
        return redirect("partners:home")
    return render(request, "partners/report.html", {"contact": contact, "form": form})


@contact_page
def survey(request: HttpRequest, contact: BeneficiaryContact, pk: int) -> HttpResponse:
    found = selectors.survey_get(contact, pk, today=timezone.localdate())
    form = SurveyForm(request.POST if request.method == "POST" else None, initial={"project": found.project_id})
    done = submit(form, lambda _: services.survey_answer(contact=contact, survey=found, **form.answers()))
    if done.ok:
        messages.success(request, f"Thank you for your feedback on {found.project.name}")
        return redirect("partners:home")
    return render(request, "partners/survey.html", {"contact": contact, "survey": found, "form": form})
