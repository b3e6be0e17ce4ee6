"""Letters on a case: the PDF as it was sent, an appointment letter for a booked session, and the
letter templates with a sample of each (for the head of unpaid work and anyone who checks them)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from payback.core.edge import redirect_error, redirect_success, staff_page, staff_user
from payback.delivery.models import Appointment
from payback.staff.roles import DECIDE_FAILURES, VIEW_CASES, VIEW_POLICY

from .. import selectors, services
from ..letters.rendering import TEMPLATES, letter_html, letter_pdf, letter_text, sample_context
from ..models import LetterKind


@staff_page(VIEW_CASES)
def letter_pdf_view(request: HttpRequest, pk: int) -> FileResponse:
    letter = selectors.letter_get(staff_user(request), pk)
    response = FileResponse(letter.pdf.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{letter.reference}.pdf"'
    return response


@require_POST
@staff_page(DECIDE_FAILURES)
def appointment_letter(request: HttpRequest, pk: int, appointment_pk: int) -> HttpResponse:
    """Send the person a letter about a session they are booked on (from the case's enforcement page)."""
    user = staff_user(request)
    appointment: Appointment = selectors.booked_appointment_get(user, pk, appointment_pk)
    try:
        letter = services.appointment_letter_issue(
            actor=user, appointment=appointment, idempotency_key=request.POST.get("idempotency_key", "")
        )
    except ValidationError as error:
        return redirect_error(request, " ".join(error.messages), "enforcement:case", pk=pk)
    return redirect_success(request, f"Appointment letter {letter.reference} issued", "enforcement:case", pk=pk)


@staff_page(VIEW_POLICY)
def letter_templates(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    samples: list[dict[str, Any]] = [
        {
            "kind": kind,
            "label": LetterKind(kind).label,
            "text": letter_text(letter_html(kind, sample_context(kind, today))),
        }
        for kind in TEMPLATES
    ]
    return render(request, "enforcement/letter_templates.html", {"samples": samples})


@staff_page(VIEW_POLICY)
def letter_template_pdf(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in TEMPLATES:
        raise Http404("No such letter")
    pdf = letter_pdf(letter_html(kind, sample_context(kind, timezone.localdate())))
    return HttpResponse(pdf, content_type="application/pdf")
