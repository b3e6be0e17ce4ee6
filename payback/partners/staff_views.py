"""For staff who manage beneficiaries: a beneficiary's named contacts, inviting one and removing one.
The beneficiary is read within the member of staff's area, as on its own page (404 outside it)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from payback.core.edge import bound, redirect_success, scoped, staff_page, submit
from payback.projects.selectors import beneficiary_get
from payback.staff.roles import MANAGE_PROJECTS

from . import selectors, services
from .forms import ContactForm


@staff_page(MANAGE_PROJECTS)
def contacts(request: HttpRequest, pk: int) -> HttpResponse:
    user, beneficiary = scoped(request, beneficiary_get, pk)
    form = bound(request, ContactForm)
    link = request.build_absolute_uri(reverse("partners:sign-in"))
    done = submit(
        form,
        lambda data: services.contact_invite(
            actor=user, beneficiary=beneficiary, name=data["name"], email=data["email"], link=link
        ),
    )
    if done.ok and done.value is not None:
        message = f"{done.value.name} can now sign in. We have emailed them how to."
        return redirect_success(request, message, "partners:staff-contacts", pk=pk)
    context = {"beneficiary": beneficiary, "contacts": selectors.contacts_of(beneficiary.pk), "form": form}
    return render(request, "partners/staff/contacts.html", context)


@staff_page(MANAGE_PROJECTS)
@require_POST
def contact_remove(request: HttpRequest, pk: int, contact: int) -> HttpResponse:
    user, beneficiary = scoped(request, beneficiary_get, pk)
    found = selectors.contacts_of(beneficiary.pk).filter(pk=contact).first()
    if found is None:
        raise Http404("No such contact")
    services.contact_remove(actor=user, contact=found)
    return redirect_success(request, f"{found.name} can no longer sign in", "partners:staff-contacts", pk=pk)
