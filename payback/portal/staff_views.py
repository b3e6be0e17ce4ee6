"""Staff pages: what a person told us online (that they cannot come to a session, new contact
details), with the practitioner's answers: confirming the new details, and adding a report to the
evidence for the decision on the session they missed. Read through the member of staff's area."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from payback.cases.selectors import person_get
from payback.core.edge import apply_errors, staff_page, staff_user
from payback.delivery import rules as delivery_rules
from payback.enforcement.models import ScanStatus
from payback.staff.roles import CREATE_CASES, DECIDE_FAILURES, VIEW_CASES

from . import selectors, services
from .forms import DecideChangeForm
from .models import ChangeStatus

FAILURE_OUTCOMES = sorted(delivery_rules.FAILURES)


def _chosen(rows: list[Any], posted: str | None) -> Any:
    return next((row for row in rows if str(row.pk) == (posted or "")), None)


@staff_page(VIEW_CASES)
def told_us(request: HttpRequest, crn: str) -> HttpResponse:
    user = staff_user(request)
    person = person_get(user, crn)
    found = selectors.told_us(user, person)
    forms = {c.pk: DecideChangeForm(prefix=f"change-{c.pk}") for c in found.changes if c.status == ChangeStatus.WAITING}
    if request.method == "POST":
        answered = _answer(request, person.crn, found, forms)
        if answered is not None:
            return answered
    context = {"person": person, "found": found, "forms": forms, "can_confirm": user.has_perm(CREATE_CASES)}
    context["can_add_evidence"] = user.has_perm(DECIDE_FAILURES)
    context["failure_outcomes"] = FAILURE_OUTCOMES
    return render(request, "portal/staff/told_us.html", context)


def _answer(
    request: HttpRequest, crn: str, found: selectors.ToldUs, forms: dict[int, DecideChangeForm]
) -> HttpResponse | None:
    """A practitioner's answer to one thing the person told us: a redirect once done, or None with
    the errors on the page."""
    user = staff_user(request)
    change = _chosen(found.changes, request.POST.get("change"))
    report = _chosen(found.reports, request.POST.get("report"))
    if change is not None and change.pk in forms:
        if not user.has_perm(CREATE_CASES):
            raise PermissionDenied
        form = forms[change.pk] = DecideChangeForm(request.POST, prefix=f"change-{change.pk}")
        if form.is_valid():
            confirm = form.cleaned_data["decision"] == "confirm"
            try:
                services.contact_change_decide(
                    actor=user, change=change, confirm=confirm, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                apply_errors(form, error)
                return None
            messages.success(request, "Contact details changed" if confirm else "The person's details were not changed")
            return redirect("portal:staff-told-us", crn=crn)
        return None
    if report is not None:
        if not user.has_perm(DECIDE_FAILURES):
            raise PermissionDenied
        try:
            services.absence_report_to_evidence(actor=user, report=report)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("portal:staff-told-us", crn=crn)
        messages.success(request, "Added to the evidence")
        return redirect("enforcement:failure", ref=report.failure_ref)
    messages.error(request, "Choose what to answer: it may have been answered already")
    return redirect("portal:staff-told-us", crn=crn)


@staff_page(VIEW_CASES)
def report_file(request: HttpRequest, pk: int) -> FileResponse:
    """The photo or PDF a person sent with a report, to staff who can see the case (never one found
    infected)."""
    report = selectors.report_get(staff_user(request), pk)
    if not report.file or report.scan_status == ScanStatus.INFECTED:
        raise Http404("No file")
    response = FileResponse(report.file.open("rb"), content_type=report.content_type)
    suffix = services.file_suffix(report.content_type)
    response["Content-Disposition"] = f'attachment; filename="sent-online-{report.pk}{suffix}"'
    return response
