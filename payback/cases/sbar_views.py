"""SBAR consultations: raised by a practitioner on a case, answered by their senior probation officer."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from payback.core.edge import bound, redirect_success, staff_page, staff_user
from payback.core.fields import reason_field
from payback.core.forms import apply_service_errors
from payback.core.idempotency import KeyReused
from payback.staff.roles import ASSESS, COUNTERSIGN

from . import sbar_selectors, selectors, services
from .forms import IdempotentForm

LENGTH = services.SBAR_LENGTH
REUSED = "This form was already used: check the answers, then send them again"


class SbarRaiseForm(IdempotentForm):
    situation = reason_field("Situation", required_message="Enter the situation", max_length=LENGTH)
    background = reason_field("Background", required_message="Enter the background", max_length=LENGTH)
    assessment = reason_field("Assessment", required_message="Enter your assessment", max_length=LENGTH)
    recommendation = reason_field("Recommendation", required_message="Enter your recommendation", max_length=LENGTH)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.error_messages["max_length"] = f"{name.capitalize()} must be {LENGTH:,} characters or fewer"
        self.fields["situation"].help_text = "What is happening now, and why you need a decision or advice"
        self.fields["background"].help_text = "What the senior needs to know about the case"
        self.fields["assessment"].help_text = "What you think the problem is"
        self.fields["recommendation"].help_text = "What you think should happen, and by when"


class SbarAnswerForm(IdempotentForm):
    decision = reason_field("Decision or advice", required_message="Enter your decision or advice", max_length=LENGTH)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].error_messages["max_length"] = (
            f"Decision or advice must be {LENGTH:,} characters or fewer"
        )


@staff_page(ASSESS)
def sbar_raise(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    requirement = selectors.requirement_get(user, pk)
    form = bound(request, SbarRaiseForm)
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.sbar_raise(actor=user, requirement=requirement, **form.cleaned_data)
        except KeyReused:
            form = form.with_new_key()
            form.add_error(None, REUSED)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            to = consultation.addressed_to or "the senior probation officers in the PDU"
            return redirect_success(request, f"SBAR consultation sent to {to}", "cases:summary", pk=pk)
    senior = services.sbar_senior_for(user)
    context = {"case": requirement, "person": requirement.person, "form": form, "senior": senior}
    return render(request, "cases/sbar_raise.html", context)


@staff_page(COUNTERSIGN)
def sbar_list(request: HttpRequest) -> HttpResponse:
    queue = sbar_selectors.consultations_to_answer(staff_user(request))
    return render(request, "cases/sbar_list.html", {"queue": queue})


@staff_page(COUNTERSIGN)
def sbar_answer(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    requirement = selectors.requirement_get(user, pk)
    consultation = sbar_selectors.consultation_on_case(user, requirement, request.GET.get("consultation"))
    form = bound(request, SbarAnswerForm)
    if request.method == "POST" and consultation is None:
        form.add_error(None, "There is no consultation on this case waiting for your answer")
    elif request.method == "POST" and consultation is not None and form.is_valid():
        try:
            services.sbar_answer(actor=user, consultation=consultation, **form.cleaned_data)
        except KeyReused:
            form = form.with_new_key()
            form.add_error(None, REUSED)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return redirect_success(request, "Consultation answered", "cases:summary", pk=pk)
    context = {"case": requirement, "person": requirement.person, "form": form, "consultation": consultation}
    return render(request, "cases/sbar_answer.html", context)
