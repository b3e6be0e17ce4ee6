"""A case's enforcement: its failures, warnings and breach, the court's outcomes, an application
to extend, and the breach pack for court."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from payback.cases.forms import new_idempotency_key
from payback.cases.selectors import ledger_for, requirement_outlook
from payback.cases.views import case_context
from payback.core.edge import pick, staff_page, staff_user
from payback.core.selectors import policy_book
from payback.staff.roles import DECIDE_FAILURES, RECORD_COURT_OUTCOMES, VIEW_CASES

from .. import selectors, services
from ..forms import CourtOutcomeForm, ExtensionForm, FurtherRequirementForm, ReviewForm
from ..review_selectors import review_figures, review_points
from .common import FormPage, form_page


def _context(request: HttpRequest, pk: int) -> dict[str, Any]:
    context = case_context(request, pk, "enforcement")
    requirement, book = context["case"], policy_book()
    context.update(selectors.enforcement_record(requirement))
    context["can_record_court"] = staff_user(request).has_perm(RECORD_COURT_OUTCOMES)
    context["can_review"] = staff_user(request).has_perm(DECIDE_FAILURES)
    context["review_points"] = review_points(requirement, book=book)
    context["outlook"] = requirement_outlook(requirement, book=book, on=context["today"])
    context["letters"] = selectors.letters_for(requirement)
    context["letter_key"] = new_idempotency_key()
    context["upcoming"] = selectors.upcoming_appointments(requirement, on=context["today"])
    return context


@staff_page(VIEW_CASES)
def case_enforcement(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "enforcement/case.html", _context(request, pk))


@staff_page(VIEW_CASES)
def breach_pack(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything the court needs about a breach: the order, the ledger, the failures with their
    evidence and decisions, and the warnings and steps taken with the rules that gave them."""
    context = _context(request, pk)
    context["ledger"] = ledger_for(context["case"])
    return render(request, "enforcement/breach_pack.html", context)


def _case_form(
    request: HttpRequest,
    pk: int,
    form: type,
    template: str,
    write: Any,
    message: str,
    extra: dict[str, Any] | None = None,
    initial: dict[str, Any] | None = None,
) -> HttpResponse:
    """A form page about the case `pk`: a valid post runs `write(user, requirement, data)`, then
    back to the case's enforcement."""
    context = {**_context(request, pk), **(extra or {})}
    user, requirement = staff_user(request), context["case"]
    action = lambda data: write(user, requirement, data)  # noqa: E731 - the page's action on this case
    page = FormPage(form, template, action, message, ("enforcement:case", {"pk": pk}), initial=initial or {})
    return form_page(request, page, context)


@staff_page(RECORD_COURT_OUTCOMES)
def court_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    def write(user: Any, requirement: Any, data: dict[str, Any]) -> Any:
        minutes, pence = (data["extra_hours"] or 0) * 60, (data["fine_pounds"] or 0) * 100
        answers = pick(data, "kind", "hearing_on", "court", "outcome", "extended_until", "notes", "idempotency_key")
        return services.court_outcome_record(
            actor=user, requirement=requirement, extra_minutes=minutes, fine_pence=pence, **answers
        )

    return _case_form(request, pk, CourtOutcomeForm, "enforcement/court_form.html", write, "Court outcome recorded")


@staff_page(DECIDE_FAILURES)
def review(request: HttpRequest, pk: int, point: int) -> HttpResponse:
    """A review at one of the review points: the figures, the suggested action, and what was done."""
    context = _context(request, pk)
    found = next((p for p in context["review_points"] if p.point_months == point), None)
    if found is None:
        raise Http404("No review at that point")
    figures = review_figures(context["case"], book=policy_book(), on=context["today"])
    initial = {"action": figures.projection.action}

    def write(user: Any, requirement: Any, data: dict[str, Any]) -> Any:
        return services.review_complete(
            actor=user, requirement=requirement, point_months=point, **pick(data, "action", "notes", "idempotency_key")
        )

    extra = {"point": found, "figures": figures}
    return _case_form(request, pk, ReviewForm, "enforcement/review.html", write, "Review recorded", extra, initial)


@staff_page(RECORD_COURT_OUTCOMES)
def extension_apply(request: HttpRequest, pk: int) -> HttpResponse:
    def write(user: Any, requirement: Any, data: dict[str, Any]) -> Any:
        return services.extension_apply(
            actor=user, requirement=requirement, **pick(data, "asked_until", "reason", "idempotency_key")
        )

    return _case_form(
        request, pk, ExtensionForm, "enforcement/extension_form.html", write, "Application to extend recorded"
    )


@staff_page(RECORD_COURT_OUTCOMES)
def requirement_add(request: HttpRequest, pk: int) -> HttpResponse:
    def write(user: Any, requirement: Any, data: dict[str, Any]) -> Any:
        concurrent = data["runs"] == "concurrent"
        answers = pick(data, "hours", "idempotency_key")
        return services.requirement_add(actor=user, requirement=requirement, concurrent=concurrent, **answers)

    return _case_form(
        request,
        pk,
        FurtherRequirementForm,
        "enforcement/requirement_form.html",
        write,
        "Requirement added to the order",
    )
