"""The practitioner's pages for a failure: what to decide, one failure with its evidence, asking
for evidence, recording it, deciding, and reversing a decision; and the senior's overdue list."""

from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from payback.cases.models import CLOSED_STATUSES
from payback.core.edge import pick, staff_page, staff_user
from payback.core.selectors import policy_book
from payback.staff.roles import DECIDE_FAILURES, OVERSEE_DECISIONS, VIEW_CASES

from .. import selectors, services
from ..forms import DecisionForm, EvidenceForm, EvidenceRequestForm, ReverseForm
from ..models import Evidence, ScanStatus, Verdict
from ..review_selectors import reviews_due
from .common import FormPage, form_page


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


def _failure_page(
    request: HttpRequest, ref: str, form: type, template: str, message: str, write: Any, **extra: Any
) -> HttpResponse:
    """A form page about the failure `ref`: a valid post runs `write(user, source, data)`, then
    back to the failure. `extra` goes to the template; `rule_step` to the form too."""
    user = staff_user(request)
    source = selectors.failure_source_get(user, ref)
    kwargs = {"rule_step": extra["rule"].step} if "rule" in extra else {}
    done = ("enforcement:failure", {"ref": ref})
    page = FormPage(form, template, lambda data: write(user, source, data), message, done, form_kwargs=kwargs)
    return form_page(request, page, {**_failure_context(request, ref), **extra})


@staff_page(DECIDE_FAILURES)
def evidence_request(request: HttpRequest, ref: str) -> HttpResponse:
    def write(user: Any, source: Any, data: dict[str, Any]) -> Any:
        answers = pick(data, "method", "asked_on", "idempotency_key")
        return services.evidence_request_record(actor=user, source=source, **answers)

    template = "enforcement/evidence_request.html"
    return _failure_page(request, ref, EvidenceRequestForm, template, "Request for evidence recorded", write)


@staff_page(DECIDE_FAILURES)
def evidence_add(request: HttpRequest, ref: str) -> HttpResponse:
    def write(user: Any, source: Any, data: dict[str, Any]) -> Any:
        answers = pick(data, "description", "received_on", "idempotency_key")
        return services.evidence_record(actor=user, source=source, upload=data["file"] or None, **answers)

    return _failure_page(request, ref, EvidenceForm, "enforcement/evidence_form.html", "Evidence recorded", write)


@staff_page(DECIDE_FAILURES)
def decide(request: HttpRequest, ref: str) -> HttpResponse:
    """The decision, with the step the rules would give if it is unacceptable shown beforehand."""
    source = selectors.failure_source_get(staff_user(request), ref)
    failure = selectors.failure_of(source)
    rule = selectors.rule_step_for(source.occurred_on, source.requirement, book=policy_book(), excluding=failure)

    def write(user: Any, source: Any, data: dict[str, Any]) -> Any:
        step = data["step"] or None if data["verdict"] == Verdict.UNACCEPTABLE else None
        answers = pick(data, "verdict", "reason", "departure_reason", "idempotency_key")
        return services.failure_decide(actor=user, source=source, step=step, **answers)

    return _failure_page(request, ref, DecisionForm, "enforcement/decide.html", "Decision recorded", write, rule=rule)


@staff_page(DECIDE_FAILURES)
def reverse(request: HttpRequest, ref: str) -> HttpResponse:
    def write(user: Any, source: Any, data: dict[str, Any]) -> Any:
        return services.decision_reverse(actor=user, source=source, **pick(data, "reason", "idempotency_key"))

    return _failure_page(request, ref, ReverseForm, "enforcement/reverse.html", "Decision reversed", write)


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
