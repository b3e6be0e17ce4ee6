"""Reallocating a case to another practitioner in its PDU."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

from payback.core.edge import bound, redirect_success, staff_page, staff_user
from payback.core.fields import reason_field
from payback.core.forms import apply_service_errors
from payback.core.idempotency import KeyReused
from payback.staff.fields import StaffChoice, with_team
from payback.staff.roles import MANAGE_CASELOADS
from payback.staff.selectors import practitioners_in

from . import selectors, services
from .forms import IdempotentForm, new_idempotency_key


class ReallocationForm(IdempotentForm):
    to_practitioner = StaffChoice(
        "New practitioner",
        empty_label="Select a practitioner",
        required_message="Select the practitioner to allocate the case to",
        invalid_message="Select a practitioner from the list",
        shown_as=with_team(),
    )
    reason = reason_field("Reason", required_message="Enter why the case is being reallocated")

    def __init__(self, *args: Any, practitioners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_practitioner"].queryset = practitioners  # type: ignore[attr-defined]


def _with_new_key(form: ReallocationForm, practitioners: Any) -> ReallocationForm:
    """The same answers with a fresh key (the old one was used for something else)."""
    data = QueryDict(mutable=True)
    data.update(form.data)
    data["idempotency_key"] = new_idempotency_key()
    fresh = ReallocationForm(data, practitioners=practitioners)
    fresh.is_valid()
    return fresh


@staff_page(MANAGE_CASELOADS)
def case_reallocate(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    requirement = selectors.requirement_get(user, pk)
    person = requirement.person
    form = bound(request, ReallocationForm, practitioners=practitioners_in(person.pdu_id))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            allocation = services.case_reallocate(
                actor=user,
                person=person,
                to_practitioner=data["to_practitioner"],
                reason=data["reason"],
                idempotency_key=data["idempotency_key"],
            )
        except KeyReused:
            form = _with_new_key(form, practitioners_in(person.pdu_id))
            form.add_error(None, "This form was already used: check the answers, then reallocate again")
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            message = f"Case reallocated to {allocation.to_practitioner}"
            return redirect_success(request, message, "cases:summary", pk=pk)
    context = {"case": requirement, "person": person, "form": form, "allocations": selectors.allocations_of(person)}
    return render(request, "cases/reallocate_form.html", context)
