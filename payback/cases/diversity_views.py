"""The page where the Diversity Information Form is recorded for a person on a case."""

from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from payback.core.edge import bound, redirect_success, staff_page, staff_user, submit
from payback.staff.roles import CREATE_CASES

from .diversity import QUESTIONS
from .forms import DiversityForm
from .models import DiversityInformation
from .services.diversity import diversity_record
from .views import case_context


@staff_page(CREATE_CASES)
def diversity_form(request: HttpRequest, pk: int) -> HttpResponse:
    context = case_context(request, pk, "summary")
    person = context["person"]
    recorded = DiversityInformation.objects.filter(person=person).first()
    initial = model_to_dict(recorded, fields=QUESTIONS) if recorded else {}
    form = bound(request, DiversityForm, initial=initial)
    if submit(form, lambda data: diversity_record(actor=staff_user(request), person=person, answers=data)).ok:
        return redirect_success(request, "Diversity information recorded", "cases:summary", pk=pk)
    return render(request, "cases/diversity_form.html", {**context, "form": form, "recorded": recorded})
