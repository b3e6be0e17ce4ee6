"""The learning from incidents for a region (SPEC §9): closed incidents' learning, the reviews of
projects' risk assessments their investigations asked for, and the team meetings it was shared at.
Operations managers and heads of unpaid work read it; operations managers record it shared."""

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse

from payback.core.edge import bound, pick, staff_page, staff_user, submit
from payback.staff.models import Scope, User

from .. import learning, selectors, services
from ..forms import LearningFilterForm, LearningSharedForm
from ..models import IncidentStatus
from .common import INVESTIGATE


def _reader(request: HttpRequest) -> User:
    user = staff_user(request)
    if not learning.may_read_learning(user):
        raise PermissionDenied
    return user


def _with_default_period(query: QueryDict) -> dict[str, Any]:
    """The filters asked for, with the last twelve months when no period is given."""
    data: dict[str, Any] = {"region": query.get("region", "")}
    if any(f"{name}_{i}" in query for name in ("start", "end") for i in range(3)):
        return {**data, **{key: query.get(key, "") for key in query}}
    start, end = learning.default_period()
    for name, day in (("start", start), ("end", end)):
        data.update({f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)})
    return data


@staff_page()
def learning_list(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    national = user.scope == Scope.NATIONAL
    form = LearningFilterForm(
        _with_default_period(request.GET), regions=learning.learning_regions(user) if national else None
    )
    region, incidents = None, None
    if form.is_valid():
        chosen = form.cleaned_data.get("region")
        region = learning.learning_region(user, chosen.pk if chosen else None)
        if region is not None:
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
            incidents = list(learning.learning_in(user, region, start=start, end=end))
    linkable: set[int] = set()
    if incidents and user.has_perm(INVESTIGATE):
        ids = [incident.pk for incident in incidents]
        linkable = set(selectors.incidents_for(user).filter(pk__in=ids).values_list("pk", flat=True))
    context = {
        "form": form,
        "national": national,
        "region": region,
        "incidents": incidents,
        "linkable": linkable,
        "can_share": user.has_perm(INVESTIGATE),
    }
    return render(request, "delivery/learning_list.html", context)


def _back_to_learning(region_id: int) -> str:
    return f"{reverse('delivery:learning')}?region={region_id}"


@staff_page(INVESTIGATE)
def learning_share(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    incident = learning.learning_get(user, pk)
    form = bound(request, LearningSharedForm)
    closed = incident.status == IncidentStatus.CLOSED
    if (
        closed
        and submit(
            form,
            lambda data: services.learning_share(actor=user, incident=incident, **pick(data, "meeting_on", "notes")),
        ).ok
    ):
        meeting: date = form.cleaned_data["meeting_on"]
        messages.success(request, f"Learning recorded as shared at the team meeting on {meeting:%-d %B %Y}")
        return redirect(_back_to_learning(incident.project.pdu.region_id))
    context = {
        "incident": incident,
        "form": form,
        "closed": closed,
        "shared": learning.learning_shared(incident),
        "back": _back_to_learning(incident.project.pdu.region_id),
    }
    return render(request, "delivery/learning_share.html", context)
