"""Pages for induction, the UPW assessment question flow, countersigning and what a supervisor
needs to know. Thin: shape of input, one service, GOV.UK errors."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from payback.core.edge import bound, found, pick, redirect_error, redirect_success, staff_page, staff_user, submit
from payback.core.forms import apply_service_errors
from payback.core.selectors import policy_book

from .. import selectors
from ..lookup_selectors import session_needs_person_get
from ..models import Assessment, AssessmentStatus, Person
from ..views import case_context
from . import selectors as aselectors
from . import services as aservices
from .display import answers
from .forms import (
    AvailabilityPage,
    CountersignForm,
    InductionBookForm,
    InductionOutcomeForm,
    NonAssociationForm,
    pages_for,
)
from .rules import DAY_NAMES, PARTS


def _editable(request: HttpRequest, pk: int, aid: int) -> tuple[dict[str, Any], Assessment]:
    context = case_context(request, pk, "assessment")
    assessment = aselectors.assessment_get(staff_user(request), aid)
    if assessment.person_id != context["person"].pk:
        raise Http404("No such assessment for this case")
    return context, assessment


def _to_assessment_tab(request: HttpRequest, pk: int, message: str) -> HttpResponse:
    """The case's assessment tab again, saying what was done."""
    return redirect_success(request, message, "cases:assessment", pk=pk)


@staff_page("cases.view_requirement")
def assessment_tab(request: HttpRequest, pk: int) -> HttpResponse:
    context = case_context(request, pk, "assessment")
    person, requirement = context["person"], context["case"]
    current = aselectors.current_assessment(person)
    context.update(
        {
            "current": current,
            "open": aselectors.open_assessment(person),
            "versions": aselectors.assessment_versions(person),
            "inductions": aselectors.inductions_for(requirement),
            "inducted": aselectors.is_inducted(requirement),
            "placeability": aselectors.requirement_placeability(
                requirement, book=policy_book(), today=context["today"]
            ),
            "non_associations": aselectors.non_associations_of(person),
            "can_assess": staff_user(request).has_perm("cases.add_assessment"),
            "days": DAY_NAMES,
            "parts": PARTS,
        }
    )
    return render(request, "cases/assessment_tab.html", context)


@staff_page("cases.add_assessment")
def assessment_start(request: HttpRequest, pk: int) -> HttpResponse:
    context = case_context(request, pk, "assessment")
    if request.method != "POST":
        return redirect("cases:assessment", pk=pk)
    try:
        draft = aservices.assessment_start(actor=staff_user(request), person=context["person"])
    except ValidationError as error:
        return redirect_error(request, " ".join(error.messages), "cases:assessment", pk=pk)
    return redirect("cases:assessment-page", pk=pk, aid=draft.pk, page=pages_for(draft)[0].slug)


@staff_page("cases.add_assessment")
def assessment_page(request: HttpRequest, pk: int, aid: int, page: str) -> HttpResponse:
    context, assessment = _editable(request, pk, aid)
    if assessment.status not in (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED):
        return redirect("cases:assessment", pk=pk)
    pages = pages_for(assessment)
    slugs = [p.slug for p in pages]
    if page not in slugs:
        raise Http404("No such page")
    index = slugs.index(page)
    form_class = pages[index]
    form = bound(request, form_class, assessment=assessment)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        if not form.errors:
            try:
                aservices.assessment_update(
                    actor=staff_user(request), assessment=assessment, values=values, risk_flags=form.risk_flags()
                )
            except ValidationError as error:
                apply_service_errors(form, error)
        if not form.errors:
            if request.POST.get("action") == "later":
                message = "Your answers are saved. You can come back to the assessment later"
                return _to_assessment_tab(request, pk, message)
            if request.GET.get("return") == "check" or index == len(pages) - 1:
                return redirect("cases:assessment-check", pk=pk, aid=aid)
            return redirect("cases:assessment-page", pk=pk, aid=aid, page=slugs[index + 1])
    back = slugs[index - 1] if index else None
    context.update(
        {
            "form": form,
            "assessment": assessment,
            "page_title": form_class.title,
            "step": index + 1,
            "steps": len(pages),
            "back_slug": back,
            "is_availability": form_class is AvailabilityPage,
        }
    )
    return render(request, "cases/assessment_page.html", context)


@staff_page("cases.add_assessment")
def assessment_check(request: HttpRequest, pk: int, aid: int) -> HttpResponse:
    context, assessment = _editable(request, pk, aid)
    if request.method == "POST":
        try:
            assessment = aservices.assessment_submit(actor=staff_user(request), assessment=assessment)
        except ValidationError as error:
            context["errors"] = [
                {"field": field, "message": message, "page": _page_of(field, assessment)}
                for field, messages_ in error.message_dict.items()
                for message in messages_
            ]
        else:
            message = (
                "Assessment submitted: it needs a senior probation officer's countersignature"
                if assessment.status == AssessmentStatus.AWAITING_COUNTERSIGNATURE
                else "Assessment completed"
            )
            return _to_assessment_tab(request, pk, message)
    context.update(
        {
            "assessment": assessment,
            "sections": _sections(assessment),
            "non_associations": aselectors.non_associations_of(context["person"]),
            "editable": assessment.status in (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED),
        }
    )
    return render(request, "cases/assessment_check.html", context)


def _page_of(field: str, assessment: Assessment) -> str:
    for page in pages_for(assessment):
        names = set(page.base_fields)
        if field in names or (page is AvailabilityPage and field in {"availability", "commitments"}):
            return page.slug
        if field == "risk_flags" and "flags" in names:
            return page.slug
    return pages_for(assessment)[0].slug


def _sections(assessment: Assessment) -> list[dict[str, Any]]:
    """Questions and answers, page by page, for the check-your-answers page and the summary."""
    return answers(assessment)


@staff_page("cases.add_assessment")
def non_association_add(request: HttpRequest, pk: int) -> HttpResponse:
    context = case_context(request, pk, "assessment")
    form = bound(request, NonAssociationForm)

    def add(data: dict[str, Any]) -> Person:
        other = selectors.people_for(staff_user(request)).filter(crn=data["crn"].strip().upper()).first()
        if other is None:
            raise ValidationError({"crn": "No person with that CRN was found in your area"})
        aservices.non_association_add(
            actor=staff_user(request), person=context["person"], other=other, reason=data["reason"]
        )
        return other

    if (done := submit(form, add, rename={"other": "crn"})).ok and done.value is not None:
        return _to_assessment_tab(request, pk, f"Non-association with {done.value.full_name} recorded")
    return render(request, "cases/non_association_form.html", {**context, "form": form})


@staff_page("cases.add_assessment")
def induction_book(request: HttpRequest, pk: int) -> HttpResponse:
    context = case_context(request, pk, "assessment")
    form = bound(request, InductionBookForm)

    def book(data: dict[str, Any]) -> datetime:
        starts_at = timezone.make_aware(datetime.combine(data["day"], data["time"]))
        aservices.induction_book(
            actor=staff_user(request),
            requirement=context["case"],
            starts_at=starts_at,
            **pick(data, "location", "late_reason"),
        )
        return starts_at

    if (done := submit(form, book, rename={"starts_at": "day"})).ok and done.value is not None:
        return _to_assessment_tab(request, pk, f"Induction booked for {done.value:%-d %B %Y at %H:%M}")
    return render(request, "cases/induction_book.html", {**context, "form": form})


@staff_page("cases.add_assessment")
def induction_outcome(request: HttpRequest, pk: int, iid: int) -> HttpResponse:
    context = case_context(request, pk, "assessment")
    induction = found(context["case"].inductions.filter(pk=iid).first(), "No such induction")
    form = bound(request, InductionOutcomeForm)
    record = submit(
        form,
        lambda data: aservices.induction_record_outcome(
            actor=staff_user(request), induction=induction, **pick(data, "outcome", "reason", "minutes_attended")
        ),
    )
    if record.ok:
        return _to_assessment_tab(request, pk, "Induction outcome recorded")
    context.update({"form": form, "induction": induction})
    return render(request, "cases/induction_outcome.html", context)


@staff_page("cases.countersign_assessment")
def countersign_list(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/countersign_list.html", {"queue": aselectors.countersign_queue(staff_user(request))})


@staff_page("cases.countersign_assessment")
def countersign(request: HttpRequest, aid: int) -> HttpResponse:
    assessment = aselectors.assessment_get(staff_user(request), aid)
    form = bound(request, CountersignForm)
    decision = submit(
        form,
        lambda data: aservices.assessment_countersign(
            actor=staff_user(request),
            assessment=assessment,
            approve=data["decision"] == "approve",
            comment=data["comment"],
        ),
    )
    if decision.ok:
        done = "countersigned" if form.cleaned_data["decision"] == "approve" else "returned"
        return redirect_success(
            request, f"Assessment for {assessment.person.full_name} {done}", "cases:countersign-list"
        )
    requirement = assessment.person.requirements.order_by("-id").first()
    return render(
        request,
        "cases/countersign.html",
        {
            "assessment": assessment,
            "form": form,
            "sections": _sections(assessment),
            "requirement": requirement,
            "non_associations": aselectors.non_associations_of(assessment.person),
        },
    )


@staff_page("cases.view_session_needs")
def session_needs(request: HttpRequest, crn: str) -> HttpResponse:
    person: Person = session_needs_person_get(staff_user(request), crn)
    return render(request, "cases/session_needs.html", {"needs": aselectors.session_needs(person)})
