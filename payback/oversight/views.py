"""Management oversight pages for senior probation officers: what is due for each practitioner of
their team and each case, and the forms to record a 1:1, reflective practice and a touch point.
An operations manager may look at what is due across their area's teams."""

from datetime import date, timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from payback.core.edge import bound, pick, record_page, scoped, staff_page, staff_user
from payback.core.selectors import policy_book
from payback.staff.roles import ASSURE_QUALITY, OVERSEE_PRACTICE

from . import checklist, selectors, services
from .forms import AbsenceForm, ReflectivePracticeForm, SupervisionForm, TouchPointForm


@staff_page(OVERSEE_PRACTICE, ASSURE_QUALITY)
def index(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    today = timezone.localdate()
    context = {
        "due": selectors.oversight_due(user, today=today, book=policy_book()),
        "can_record": user.has_perm(OVERSEE_PRACTICE),
    }
    return render(request, "oversight/index.html", context)


@staff_page(OVERSEE_PRACTICE, ASSURE_QUALITY)
def today(request: HttpRequest) -> HttpResponse:
    """The daily checklist for the morning briefing of the teams the user oversees."""
    user = staff_user(request)
    context = {
        "checklist": checklist.daily_checklist(user, today=timezone.localdate(), book=policy_book()),
        "can_record": user.has_perm(OVERSEE_PRACTICE),
    }
    return render(request, "oversight/today.html", context)


@staff_page(OVERSEE_PRACTICE)
def supervision(request: HttpRequest, pk: int) -> HttpResponse:
    user, practitioner = scoped(request, selectors.practitioner_get, pk)
    return record_page(
        request,
        bound(request, SupervisionForm),
        lambda data: services.supervision_record(
            actor=user,
            practitioner=practitioner,
            **pick(data, "held_on", "wellbeing_notes", "development_notes", "actions"),
        ),
        success=f"1:1 supervision with {practitioner.get_full_name()} recorded",
        to="oversight:index",
        template="oversight/supervision_form.html",
        context=lambda: {
            "practitioner": practitioner,
            "history": selectors.meetings_for(user).filter(practitioner=practitioner)[:6],
        },
    )


@staff_page(OVERSEE_PRACTICE)
def reflective_practice(request: HttpRequest, pk: int) -> HttpResponse:
    user, practitioner = scoped(request, selectors.practitioner_get, pk)
    return record_page(
        request,
        bound(request, ReflectivePracticeForm, cases=selectors.open_cases_of(user, practitioner)),
        lambda data: services.reflective_practice_record(
            actor=user, practitioner=practitioner, **pick(data, "held_on", "kind", "requirement", "notes")
        ),
        success=f"Reflective practice with {practitioner.get_full_name()} recorded",
        to="oversight:index",
        template="oversight/reflective_form.html",
        context=lambda: {
            "practitioner": practitioner,
            "history": selectors.reflective_practice_for(user).filter(practitioner=practitioner)[:8],
        },
    )


@staff_page(OVERSEE_PRACTICE)
def touch_point(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = scoped(request, selectors.case_get, pk)
    return record_page(
        request,
        bound(request, TouchPointForm),
        lambda data: services.touch_point_record(actor=user, requirement=case, **pick(data, "held_on", "note")),
        success=f"Touch point on the case of {case.person.full_name} recorded",
        to="oversight:index",
        template="oversight/touch_point_form.html",
        context=lambda: {
            "case": case,
            "history": selectors.touch_points_for(user).filter(requirement=case)[:6],
            "risk": selectors.risk_label(selectors.current_risk(case)),
        },
    )


@staff_page(OVERSEE_PRACTICE, ASSURE_QUALITY)
def absences(request: HttpRequest) -> HttpResponse:
    """Absences of the teams the user oversees, from today on (the last few weeks' too)."""
    user = staff_user(request)
    today = timezone.localdate()
    shown = selectors.absences_between(user, today - timedelta(weeks=4), date.max)
    context = {"absences": shown, "today": today, "can_record": user.has_perm(OVERSEE_PRACTICE)}
    return render(request, "oversight/absences.html", context)


@staff_page(OVERSEE_PRACTICE)
def absence_new(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    return record_page(
        request,
        bound(request, AbsenceForm, staff=selectors.staff_absent_for(user)),
        lambda data: services.absence_record(actor=user, **pick(data, "staff", "first_day", "last_day", "kind")),
        success=lambda absence: f"Absence of {absence.staff.get_full_name()} recorded",
        to="oversight:absences",
        template="oversight/absence_form.html",
    )
