"""The practitioner's pages for a failure: what to decide, one failure with its evidence, asking
for evidence, recording it, deciding, and reversing a decision; and the senior's overdue list."""

from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from payback.cases.models import CLOSED_STATUSES
from payback.core.edge import pick, redirect_success, staff_page, staff_user, submit
from payback.core.idempotency import KeyReused
from payback.core.selectors import policy_book
from payback.staff.roles import DECIDE_FAILURES, OVERSEE_DECISIONS, VIEW_CASES

from .. import selectors, services
from ..forms import DecisionForm, EvidenceForm, EvidenceRequestForm, ReverseForm
from ..models import Evidence, ScanStatus, Step, Verdict
from ..review_selectors import reviews_due

KEY_USED = "This form was already used for something else: check the details and submit again"


@staff_page(VIEW_CASES)
def to_decide(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    everyone = request.GET.get("whose") == "all"
    today = timezone.localdate()
    rows = selectors.failures_to_decide(user, mine_only=not everyone)
    return render(request, "enforcement/to_decide.html", {"rows": rows, "everyone": everyone, "today": today})


@staff_page(OVERSEE_DECISIONS)
def overdue_decisions(request: HttpRequest) -> HttpResponse:
    """A senior's view: every decision in their area whose evidence date has passed."""
    user = staff_user(request)
    today = timezone.localdate()
    rows = selectors.failures_to_decide(user, mine_only=False, overdue_on=today)
    reviews = [p for p in reviews_due(user, book=policy_book(), on=today, mine_only=False) if p.due_on < today]
    return render(request, "enforcement/overdue.html", {"rows": rows, "reviews": reviews, "today": today})


@staff_page(DECIDE_FAILURES)
def reviews(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    everyone = request.GET.get("whose") == "all"
    today = timezone.localdate()
    due = reviews_due(user, book=policy_book(), on=today, mine_only=not everyone)
    return render(request, "enforcement/reviews.html", {"reviews": due, "everyone": everyone, "today": today})


def _failure_context(request: HttpRequest, ref: str) -> dict[str, Any]:
    user = staff_user(request)
    source = selectors.failure_source_get(user, ref)
    failure = selectors.failure_of(source)
    decision = selectors.current_decision(failure)
    return {
        "source": source,
        "failure": failure,
        "decision": decision,
        "decisions": list(failure.decisions.select_related("decided_by")) if failure else [],
        "requests": list(failure.evidence_requests.all()) if failure else [],
        "evidence": list(failure.evidence.all()) if failure else [],
        "action": getattr(failure, "action", None) if failure else None,
        "person": source.requirement.person,
        "case": source.requirement,
        "can_decide": user.has_perm(DECIDE_FAILURES),
        "case_closed": source.requirement.status in CLOSED_STATUSES,
        "today": timezone.localdate(),
    }


@staff_page(VIEW_CASES)
def failure_detail(request: HttpRequest, ref: str) -> HttpResponse:
    return render(request, "enforcement/failure.html", _failure_context(request, ref))


def _failure_form(
    request: HttpRequest,
    ref: str,
    form_class: type,
    template: str,
    write: Any,
    message: str,
    *,
    extra: dict[str, Any] | None = None,
    **form_kwargs: Any,
) -> HttpResponse:
    """One failure's form page: post it to `write(user, source, data)` and go back to the failure."""
    context = {**_failure_context(request, ref), **(extra or {})}
    user = staff_user(request)
    files = request.FILES if request.method == "POST" else None
    form = form_class(request.POST if request.method == "POST" else None, files, **form_kwargs)
    try:
        if submit(form, lambda data: write(user, context["source"], data)).ok:
            return redirect_success(request, message, "enforcement:failure", ref=ref)
    except KeyReused:
        form = form.with_new_key()
        form.add_error(None, KEY_USED)
    return render(request, template, {**context, "form": form})


@staff_page(DECIDE_FAILURES)
def evidence_request(request: HttpRequest, ref: str) -> HttpResponse:
    def write(user: Any, source: Any, data: dict[str, Any]) -> Any:
        return services.evidence_request_record(
            actor=user, source=source, **pick(data, "method", "asked_on", "idempotency_key")
        )

    return _failure_form(
        request, ref, EvidenceRequestForm, "enforcement/evidence_request.html", write, "Request for evidence recorded"
    )


@staff_page(DECIDE_FAILURES)
def evidence_add(request: HttpRequest, ref: str) -> HttpResponse:
    def write(user: Any, source: Any, data: dict[str, Any]) -> Any:
        return services.evidence_record(
            actor=user,
            source=source,
            upload=data["file"] or None,
            **pick(data, "description", "received_on", "idempotency_key"),
        )

    return _failure_form(request, ref, EvidenceForm, "enforcement/evidence_form.html", write, "Evidence recorded")


@staff_page(DECIDE_FAILURES)
def decide(request: HttpRequest, ref: str) -> HttpResponse:
    user = staff_user(request)
    source = selectors.failure_source_get(user, ref)
    rule = selectors.rule_step_for(
        source.occurred_on, source.requirement, book=policy_book(), excluding=selectors.failure_of(source)
    )

    def write(user: Any, source: Any, data: dict[str, Any]) -> Any:
        step = data["step"] or None if data["verdict"] == Verdict.UNACCEPTABLE else None
        return services.failure_decide(
            actor=user,
            source=source,
            step=step,
            **pick(data, "verdict", "reason", "departure_reason", "idempotency_key"),
        )

    return _failure_form(
        request,
        ref,
        DecisionForm,
        "enforcement/decide.html",
        write,
        "Decision recorded",
        extra={"rule": rule, "steps": Step},
        rule_step=rule.step,
    )


@staff_page(DECIDE_FAILURES)
def reverse(request: HttpRequest, ref: str) -> HttpResponse:
    def write(user: Any, source: Any, data: dict[str, Any]) -> Any:
        return services.decision_reverse(actor=user, source=source, **pick(data, "reason", "idempotency_key"))

    return _failure_form(request, ref, ReverseForm, "enforcement/reverse.html", write, "Decision reversed")


@staff_page(VIEW_CASES)
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """The file of a piece of evidence, to staff who can see the case: never one found infected."""
    user = staff_user(request)
    evidence = selectors.evidence_get(user, pk)
    if not evidence.file or evidence.scan_status == ScanStatus.INFECTED:
        raise Http404("No file")
    response = FileResponse(evidence.file.open("rb"), content_type=evidence.content_type)
    response["Content-Disposition"] = f'attachment; filename="evidence-{evidence.pk}{_suffix(evidence)}"'
    return response


def _suffix(evidence: Evidence) -> str:
    return {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}.get(evidence.content_type, "")
