"""Case pages. Thin: check the shape of input, call one service, show GOV.UK errors."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from payback.core.edge import bound, staff_user, submit
from payback.core.forms import apply_service_errors
from payback.core.idempotency import KeyReused
from payback.core.selectors import policy_book
from payback.staff.selectors import pdus_for

from . import selectors, services
from .crn_privacy import case_create_refusal_for
from .forms import AdjustmentForm, CaseCreateForm, CaseloadFilterForm, CorrectionForm, StatusForm
from .models import CaseStatus, LedgerKind
from .rules import format_minutes

PAGE_SIZE = 50


@login_required
@permission_required("cases.view_requirement", raise_exception=True)
def caseload(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    pdus = list(pdus_for(user))
    form = CaseloadFilterForm(request.GET or None, pdus=pdus, flags=selectors.FLAGS)
    data = form.cleaned_data if form.is_valid() else {}
    sort = request.GET.get("sort", "completion")
    descending = request.GET.get("order") == "desc"
    filters = selectors.CaseloadFilters(
        status=data.get("status") or "",
        pdu=data.get("pdu"),
        flag=data.get("flag") or "",
        q=data.get("q") or "",
        mine=data.get("mine") == "1",
        sort=sort if sort in selectors.SORTS else "completion",
        descending=descending,
    )
    today = timezone.localdate()
    book = policy_book()
    page = Paginator(selectors.caseload(user, filters, today=today, book=book), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [{"case": r, "flags": selectors.case_flags(r, book=book, today=today)} for r in page.object_list]
    base_query = {k: v for k, v in request.GET.items() if k not in {"page", "sort", "order"} and v}
    columns = []
    for key, label in [
        ("name", "Name"),
        ("crn", "CRN"),
        ("sentenced", "Sentenced"),
        ("remaining", "Hours remaining"),
        ("completion", "Complete by"),
        ("status", "Status"),
    ]:
        active = filters.sort == key
        next_order = "asc" if active and descending else ("desc" if active else "asc")
        columns.append(
            {
                "label": label,
                "aria_sort": ("descending" if descending else "ascending") if active else "none",
                "href": "?" + urlencode({**base_query, "sort": key, "order": next_order}),
            }
        )
    page_query = urlencode({**base_query, "sort": filters.sort, "order": "desc" if descending else "asc"})
    return render(
        request,
        "cases/caseload.html",
        {"form": form, "page": page, "rows": rows, "columns": columns, "page_query": page_query, "today": today},
    )


def case_context(request: HttpRequest, pk: int, tab: str) -> dict[str, Any]:
    """What every tab of a case shows: the case in the user's area, its balance, flags and key dates."""
    user = staff_user(request)
    requirement = selectors.requirement_get(user, pk)
    today = timezone.localdate()
    book = policy_book()
    balance = selectors.requirement_balance(requirement)
    flags = selectors.case_flags(requirement, book=book, today=today)
    return {
        "case": requirement,
        "person": requirement.person,
        "order": requirement.order,
        "balance": balance,
        "flags": flags,
        "reviews": selectors.review_dates(requirement, book=book),
        "tab": tab,
        "today": today,
        "can_adjust": user.has_perm("cases.add_ledgerentry") and requirement.status not in services.ENDINGS,
        "can_correct": user.has_perm("cases.correct_ledgerentry"),
        "can_change_status": user.has_perm("cases.change_requirement"),
        "fmt": format_minutes,
    }


@login_required
@permission_required("cases.view_requirement", raise_exception=True)
def case_summary(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "cases/case_summary.html", case_context(request, pk, "summary"))


@login_required
@permission_required("cases.view_requirement", raise_exception=True)
def case_hours(request: HttpRequest, pk: int) -> HttpResponse:
    context = case_context(request, pk, "hours")
    context["entries"] = selectors.ledger_for(context["case"])
    return render(request, "cases/case_hours.html", context)


@login_required
@permission_required("cases.view_requirement", raise_exception=True)
def case_order(request: HttpRequest, pk: int) -> HttpResponse:
    context = case_context(request, pk, "order")
    context["status_changes"] = context["case"].status_changes.select_related("changed_by")
    context["other_requirements"] = context["person"].requirements.exclude(pk=pk).select_related("order")
    return render(request, "cases/case_order.html", context)


@login_required
@permission_required("cases.view_requirement", raise_exception=True)
def case_history(request: HttpRequest, pk: int) -> HttpResponse:
    context = case_context(request, pk, "history")
    paginator = Paginator(selectors.case_history(context["case"]), 100)
    context["events"] = paginator.get_page(request.GET.get("page"))
    return render(request, "cases/case_history.html", context)


@login_required
@permission_required("cases.add_person", raise_exception=True)
def case_create(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    pdus = pdus_for(user)
    initial = {"pdu": user.pdu_id} if user.pdu_id else {}
    form = CaseCreateForm(request.POST if request.method == "POST" else None, pdus=pdus, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            requirement = services.case_create(
                actor=user,
                crn=data["crn"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                date_of_birth=data["date_of_birth"],
                sex=data["sex"],
                pdu=data["pdu"],
                order_type=data["order_type"],
                operational_period_months=data["operational_period_months"],
                sentence_date=data["sentence_date"],
                court=data["court"],
                hours=data["hours"],
                phone=data["phone"],
                email=data["email"],
                address=data["address"],
                postcode=data["postcode"],
                practitioner=user if user.groups.filter(name="Probation practitioner").exists() else None,
            )
        except ValidationError as error:
            apply_service_errors(form, case_create_refusal_for(user, error, crn=data["crn"]))
        else:
            messages.success(request, f"Case recorded for {requirement.person.full_name}")
            return redirect("cases:summary", pk=requirement.pk)
    return render(request, "cases/case_create.html", {"form": form})


KEY_USED = "This form was already used for a different entry: check the hours, then save again to record this one"


def _recorded_message(write: services.LedgerWrite) -> str:
    entry = write.entry
    text = f"{LedgerKind(entry.kind).label} of {format_minutes(entry.minutes)} recorded"
    if write.note:
        text += f": {write.note}"
    return text + (" (it had already been saved)" if write.replayed else "")


@login_required
@permission_required("cases.add_ledgerentry", raise_exception=True)
def adjustment_create(request: HttpRequest, pk: int) -> HttpResponse:
    context = case_context(request, pk, "hours")
    requirement = context["case"]
    kind = request.GET.get("kind")
    form = bound(request, AdjustmentForm, initial={"kind": kind} if kind in {"travel", "ete"} else {})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            write = services.ledger_record_adjustment(
                actor=staff_user(request),
                requirement=requirement,
                kind=data["kind"],
                minutes=data["minutes"],
                occurred_on=data["occurred_on"],
                reason=data["reason"],
                idempotency_key=data["idempotency_key"],
            )
        except KeyReused:
            form = form.with_new_key()
            form.add_error(None, KEY_USED)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _recorded_message(write))
            return redirect("cases:hours", pk=requirement.pk)
    book = policy_book()
    context["form"] = form
    context["travel_cap"] = format_minutes(book.value("travel_adjustment_cap_minutes", context["today"]))
    context["ete_cap_percent"] = book.value("ete_cap_percent", context["today"])
    return render(request, "cases/adjustment_form.html", context)


@login_required
@permission_required("cases.correct_ledgerentry", raise_exception=True)
def entry_correct(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    context = case_context(request, pk, "hours")
    entry = selectors.ledger_entry_get(staff_user(request), entry_pk)
    if entry.requirement_id != context["case"].pk:
        raise Http404("No such entry on this case")
    form = bound(request, CorrectionForm)
    if request.method == "POST" and form.is_valid():
        try:
            write = services.ledger_correct_entry(
                actor=staff_user(request),
                entry=entry,
                reason=form.cleaned_data["reason"],
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except KeyReused:
            form = form.with_new_key()
            form.add_error(None, KEY_USED)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            already = " (it had already been saved)" if write.replayed else ""
            messages.success(request, f"Entry corrected: a reversal has been added to the ledger{already}")
            return redirect("cases:hours", pk=pk)
    context.update({"form": form, "entry": entry})
    return render(request, "cases/entry_correct.html", context)


@login_required
@permission_required("cases.change_requirement", raise_exception=True)
def status_change(request: HttpRequest, pk: int) -> HttpResponse:
    context = case_context(request, pk, "order")
    requirement = context["case"]
    allowed = [
        (s, CaseStatus(s).label) for s in CaseStatus.values if s in services.STATUS_TRANSITIONS[requirement.status]
    ]
    form = bound(request, StatusForm, allowed=allowed)

    def change(data: dict[str, Any]) -> None:
        with transaction.atomic():
            services.requirement_change_status(
                actor=staff_user(request), requirement=requirement, to_status=data["to_status"], reason=data["reason"]
            )

    if submit(form, change).ok:
        messages.success(request, f"Status changed to {CaseStatus(form.cleaned_data['to_status']).label.lower()}")
        return redirect(reverse("cases:order", kwargs={"pk": pk}))
    context.update({"form": form, "allowed": allowed})
    return render(request, "cases/status_form.html", context)
