"""The nominations register as a spreadsheet (CSV), with the register's own filters.

The file is streamed a few hundred rows at a time rather than built in memory, and one download
holds at most ``MAX_ROWS`` nominations: a longer list is refused with a message asking for a
narrower one. Nothing typed by the public can start a spreadsheet formula."""

import csv
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from payback.staff.models import User
from payback.staff.roles import MANAGE_NOMINATIONS

from . import selectors
from .forms import NominationFilterForm
from .models import Nomination, NominationStatus

MAX_ROWS = 10_000
CHUNK = 500

COLUMNS = [
    "Reference",
    "Received",
    "Area",
    "Nominator",
    "Email",
    "What",
    "Where",
    "Postcode",
    "Who benefits",
    "Heard about",
    "Means of referral",
    "Status",
    "Acknowledge by",
    "Acknowledged at",
    "Decision",
    "Rejection reason",
    "Rejection detail",
    "Beneficiary",
    "Project",
]


def register_filters(request: HttpRequest) -> tuple[NominationFilterForm, selectors.NominationFilters]:
    """The register's filters from the query string (a filter that does not make sense is ignored)."""
    form = NominationFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.NominationFilters(
        status=data.get("status") or "", overdue=bool(data.get("overdue")), q=data.get("q") or ""
    )
    return form, filters


def csv_cell(value: Any) -> str:
    """Text as it was typed, except that nothing from the public can start a spreadsheet formula."""
    text = "" if value is None else str(value)
    if text[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + text
    return text


def _row(n: Nomination) -> list[str]:
    decided = n.status in (NominationStatus.ACCEPTED, NominationStatus.REJECTED)
    row = [
        n.reference,
        f"{timezone.localtime(n.submitted_at):%Y-%m-%d %H:%M}",
        n.pdu.name,
        n.nominator_name,
        n.nominator_email,
        n.work_description,
        n.location,
        n.postcode,
        n.who_benefits,
        n.get_heard_about_display(),
        n.get_referral_means_display(),
        n.get_status_display(),
        f"{n.acknowledge_by:%Y-%m-%d}",
        f"{timezone.localtime(n.acknowledged_at):%Y-%m-%d %H:%M}" if n.acknowledged_at else "",
        f"{n.get_status_display()} {timezone.localtime(n.decided_at):%Y-%m-%d}" if decided and n.decided_at else "",
        n.get_rejection_reason_display() if n.rejection_reason else "",
        n.rejection_detail,
        n.beneficiary.name if n.beneficiary else "",
        n.project.name if n.project else "",
    ]
    return [csv_cell(cell) for cell in row]


class _Echo:
    """csv.writer writes each line here and gets it straight back, to be streamed."""

    def write(self, value: str) -> str:
        return value


def _lines(nominations: Iterator[Nomination]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    for nomination in nominations:
        yield writer.writerow(_row(nomination))


@login_required
@permission_required(MANAGE_NOMINATIONS, raise_exception=True)
def nomination_csv(request: HttpRequest) -> HttpResponseBase:
    assert isinstance(request.user, User)
    _form, filters = register_filters(request)
    today = timezone.localdate()
    register = selectors.nomination_register(request.user, filters, today=today)
    count = register.count()
    if count > MAX_ROWS:
        messages.error(
            request,
            f"There are {count:,} nominations in this list, and one download holds at most {MAX_ROWS:,}. "
            "Narrow the list by status or search, then download it again.",
        )
        query = {k: v for k, v in request.GET.items() if v}
        return redirect(reverse("projects:nominations") + (f"?{urlencode(query)}" if query else ""))
    response = StreamingHttpResponse(
        _lines(register.iterator(chunk_size=CHUNK)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="nominations-{today:%Y-%m-%d}.csv"'
    return response
