"""Case pages. Thin: check the shape of input, call one service, show GOV.UK errors."""

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from payback.core.edge import bound, pick, redirect_success, staff_page, staff_user, submit
from payback.core.forms import apply_service_errors
from payback.core.idempotency import KeyReused
from payback.core.registers import page_query, paginate, read_filters
from payback.core.selectors import policy_book
from payback.staff.models import Scope, User
from payback.staff.roles import ASSESS, COUNTERSIGN, PROBATION_PRACTITIONER
from payback.staff.selectors import pdus_for

from . import sbar_selectors, selectors, services
from .caseload_rows import caseload_rows
from .crn_privacy import case_create_refusal_for
from .forms import (
    EVERYONE,
    MINE,
    TEAM,
    AdjustmentForm,
    CaseCreateForm,
    CaseloadFilterForm,
    CorrectionForm,
    IdempotentForm,
    StatusForm,
)
from .models import CaseStatus, LedgerKind
from .rules import format_minutes


@staff_page("cases.view_requirement")
def caseload(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    pdus = _reader_pdus(user)
    default = MINE if PROBATION_PRACTITIONER in user.role_names else EVERYONE
    with_team = user.team_id is not None or user.teams_led.exists()
    form, data = read_filters(
        request, CaseloadFilterForm, pdus=pdus, flags=selectors.FLAGS, whose_default=default, with_team=with_team
    )
    whose = data.get("mine") or default
    sort = request.GET.get("sort", "completion")
    descending = request.GET.get("order") == "desc"
    filters = selectors.CaseloadFilters(
        status=data.get("status") or "",
        pdu=data.get("pdu"),
        flag=data.get("flag") or "",
        q=data.get("q") or "",
        mine=whose == MINE,
        team=whose == TEAM,
        sort=sort if sort in selectors.SORTS else "completion",
        descending=descending,
    )
    today = timezone.localdate()
    book = policy_book()
    page = paginate(request, selectors.caseload_listed(user, filters, today=today, book=book))
    listed = list(page.object_list)
    rows = caseload_rows(zip(listed, selectors.case_flags_of(listed, book=book, today=today), strict=True))
    base_query = page_query(request, drop=("page", "sort", "order"))
    paging = urlencode({**base_query, "sort": filters.sort, "order": "desc" if descending else "asc"})
    return render(
        request,
        "cases/caseload.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "columns": _sort_columns(base_query, filters.sort, descending),
            "page_query": paging,
            "today": today,
        },
    )


def _reader_pdus(user: User) -> list[tuple[int, str]]:
    """The PDUs the user may filter the caseload by, as (id, name). What the page's header says of the
    user (their roles; a PDU's member of staff, their PDU and region) is read along with them, not
    again by the header."""
    prefetch_related_objects([user], "groups")
    if user.scope != Scope.PDU:
        return list(pdus_for(user).values_list("pk", "name"))
    pdus = list(pdus_for(user))
    own = next((pdu for pdu in pdus if pdu.pk == user.pdu_id), None)
    if own is not None:
        user.pdu = own
        if user.region_id == own.region_id:
            user.region = own.region
    return [(pdu.pk, pdu.name) for pdu in pdus]


CASELOAD_COLUMNS = [
    ("name", "Name"),
    ("crn", "CRN"),
    ("sentenced", "Sentenced"),
    ("remaining", "Hours remaining"),
    ("completion", "Complete by"),
    ("status", "Status"),
]


def _sort_columns(base_query: dict[str, Any], sort: str, descending: bool) -> list[dict[str, str]]:
    """The caseload's column headings: each a link that sorts by it (the other way round when it
    is the column sorted by now)."""
    columns = []
    for key, label in CASELOAD_COLUMNS:
        active = sort == key
        next_order = "asc" if active and descending else ("desc" if active else "asc")
        columns.append(
            {
                "label": label,
                "aria_sort": ("descending" if descending else "ascending") if active else "none",
                "href": "?" + urlencode({**base_query, "sort": key, "order": next_order}),
            }
        )
    return columns


def case_context(
    request: HttpRequest, pk: int, tab: str, *, related: tuple[str, ...] = (), marks: dict[str, Exists] | None = None
) -> dict[str, Any]:
    """What every tab of a case shows: the case in the user's area, its balance, flags and key dates
    (with `related` and `marks` read along with the case)."""
    user = staff_user(request)
    requirement = selectors.requirement_get(user, pk, related=related, marks=marks)
    today = timezone.localdate()
    book = policy_book()
    balance = selectors.requirement_balance(requirement)
    flags = selectors.case_flags(requirement, book=book, today=today, remaining=balance.remaining_minutes)
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


# What the summary shows of the person beyond the case: their diversity information, and their
# practitioner's team (whether the reader leads it).
SUMMARY_RELATED = ("person__diversity", "person__practitioner__team")


@staff_page("cases.view_requirement")
def case_summary(request: HttpRequest, pk: int) -> HttpResponse:
    context = case_context(request, pk, "summary", related=SUMMARY_RELATED, marks=selectors.summary_marks())
    case = context["case"]
    context["allocations"] = selectors.allocations_of(context["person"]) if case.has_allocations else []
    context["consultations"] = sbar_selectors.consultations_of(case) if case.has_consultations else []
    context["can_raise_sbar"] = request.user.has_perm(ASSESS)
    context["can_answer_sbar"] = request.user.has_perm(COUNTERSIGN)
    return render(request, "cases/case_summary.html", context)


@staff_page("cases.view_requirement")
def case_hours(request: HttpRequest, pk: int) -> HttpResponse:
    context = case_context(request, pk, "hours")
    context["entries"] = selectors.ledger_for(context["case"])
    return render(request, "cases/case_hours.html", context)


@staff_page("cases.view_requirement")
def case_order(request: HttpRequest, pk: int) -> HttpResponse:
    context = case_context(request, pk, "order")
    context["status_changes"] = context["case"].status_changes.select_related("changed_by")
    context["other_requirements"] = context["person"].requirements.exclude(pk=pk).select_related("order")
    return render(request, "cases/case_order.html", context)


@staff_page("cases.view_requirement")
def case_history(request: HttpRequest, pk: int) -> HttpResponse:
    context = case_context(request, pk, "history")
    context["events"] = paginate(request, selectors.case_history(context["case"]), per_page=100)
    return render(request, "cases/case_history.html", context)


# A new case's person, order and requirement, under the same names on the form and the service.
CASE_FIELDS = (
    "crn",
    "first_name",
    "last_name",
    "date_of_birth",
    "sex",
    "pdu",
    "order_type",
    "operational_period_months",
    "sentence_date",
    "court",
    "hours",
    "phone",
    "email",
    "address",
    "postcode",
)


@staff_page("cases.add_person")
def case_create(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    pdus = pdus_for(user)
    initial = {"pdu": user.pdu_id} if user.pdu_id else {}
    form = bound(request, CaseCreateForm, pdus=pdus, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            requirement = services.case_create(
                actor=user,
                practitioner=user if user.groups.filter(name="Probation practitioner").exists() else None,
                **pick(data, *CASE_FIELDS),
            )
        except ValidationError as error:
            apply_service_errors(form, case_create_refusal_for(user, error, crn=data["crn"]))
        else:
            message = f"Case recorded for {requirement.person.full_name}"
            return redirect_success(request, message, "cases:summary", pk=requirement.pk)
    return render(request, "cases/case_create.html", {"form": form})


F = TypeVar("F", bound=IdempotentForm)
KEY_USED = "This form was already used for a different entry: check the hours, then save again to record this one"


def _ledger_write(form: F, write: Callable[[], services.LedgerWrite]) -> tuple[F, services.LedgerWrite | None]:
    """Record an entry in the hours ledger from a form that carries a key. A key already used for
    a different entry gives the form back with a fresh key and says so; the service's other
    refusals go on the form's fields."""
    try:
        return form, write()
    except KeyReused:
        form = form.with_new_key()
        form.add_error(None, KEY_USED)
    except ValidationError as error:
        apply_service_errors(form, error)
    return form, None


def _recorded_message(write: services.LedgerWrite) -> str:
    entry = write.entry
    text = f"{LedgerKind(entry.kind).label} of {format_minutes(entry.minutes)} recorded"
    if write.note:
        text += f": {write.note}"
    return text + (" (it had already been saved)" if write.replayed else "")


@staff_page("cases.add_ledgerentry")
def adjustment_create(request: HttpRequest, pk: int) -> HttpResponse:
    context = case_context(request, pk, "hours")
    requirement = context["case"]
    kind = request.GET.get("kind")
    form = bound(request, AdjustmentForm, initial={"kind": kind} if kind in {"travel", "ete"} else {})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        form, write = _ledger_write(
            form,
            lambda: services.ledger_record_adjustment(
                actor=staff_user(request),
                requirement=requirement,
                **pick(data, "kind", "minutes", "occurred_on", "reason", "idempotency_key"),
            ),
        )
        if write is not None:
            return redirect_success(request, _recorded_message(write), "cases:hours", pk=requirement.pk)
    book = policy_book()
    context["form"] = form
    context["travel_cap"] = format_minutes(book.value("travel_adjustment_cap_minutes", context["today"]))
    context["ete_cap_percent"] = book.value("ete_cap_percent", context["today"])
    return render(request, "cases/adjustment_form.html", context)


@staff_page("cases.correct_ledgerentry")
def entry_correct(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    context = case_context(request, pk, "hours")
    entry = selectors.ledger_entry_get(staff_user(request), entry_pk)
    if entry.requirement_id != context["case"].pk:
        raise Http404("No such entry on this case")
    form = bound(request, CorrectionForm)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        form, write = _ledger_write(
            form,
            lambda: services.ledger_correct_entry(
                actor=staff_user(request), entry=entry, **pick(data, "reason", "idempotency_key")
            ),
        )
        if write is not None:
            already = " (it had already been saved)" if write.replayed else ""
            message = f"Entry corrected: a reversal has been added to the ledger{already}"
            return redirect_success(request, message, "cases:hours", pk=pk)
    context.update({"form": form, "entry": entry})
    return render(request, "cases/entry_correct.html", context)


@staff_page("cases.change_requirement")
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
        message = f"Status changed to {CaseStatus(form.cleaned_data['to_status']).label.lower()}"
        return redirect_success(request, message, "cases:order", pk=pk)
    context.update({"form": form, "allowed": allowed})
    return render(request, "cases/status_form.html", context)
