"""Pages for practitioners (bookings that break a rule, risk concerns) and for operations managers
(incidents and the fleet). Possible failures to comply are decided in enforcement."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from payback.core.edge import apply_errors, bound, pick, redirect_success, scoped, staff_page, staff_user, submit

from .. import conflicts, learning, selectors, services
from ..forms import AcknowledgeForm, ClearDefectForm, DriverForm, IncidentUpdateForm, MileageInForm, VehicleCheckForm
from ..models import IncidentStatus
from .common import ACKNOWLEDGE, DECIDE, INVESTIGATE, MANAGE_VEHICLES, PLAN, RUN, back_to_session

# ---------------------------------------------------------------------------------------------
# Practitioners


@staff_page(DECIDE, PLAN)
def bookings_to_fix(request: HttpRequest) -> HttpResponse:
    """Future bookings that now break a placement rule: a coordinator's area, a practitioner's caseload."""
    today = timezone.localdate()
    return render(
        request,
        "delivery/bookings_to_fix.html",
        {
            "appointments": conflicts.bookings_to_fix(staff_user(request), today=today),
            "can_plan": staff_user(request).has_perm(PLAN),
        },
    )


@staff_page(ACKNOWLEDGE)
def concern_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    show_all = request.GET.get("show") == "all"
    concerns = selectors.concerns_for_practitioner(user, open_only=not show_all)
    return render(request, "delivery/concern_list.html", {"concerns": concerns, "show_all": show_all})


@staff_page(ACKNOWLEDGE)
def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user, concern = scoped(request, selectors.concern_get, pk)
    form = bound(request, AcknowledgeForm)
    if request.method == "POST" and concern.acknowledged_at is None and form.is_valid():
        try:
            services.risk_concern_acknowledge(
                actor=user, concern=concern, action_taken=form.cleaned_data["action_taken"]
            )
        except ValidationError as error:
            apply_errors(form, error, rename={"concern": "action_taken"})
        else:
            return redirect_success(
                request, f"Concern about {concern.person.full_name} acknowledged", "delivery:concerns"
            )
    return render(request, "delivery/concern_detail.html", {"concern": concern, "form": form})


# ---------------------------------------------------------------------------------------------
# Incidents


@staff_page(INVESTIGATE)
def incident_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    show_all = request.GET.get("show") == "all"
    incidents = selectors.incidents_for(user) if show_all else selectors.open_incidents(user)
    return render(
        request,
        "delivery/incident_list.html",
        {"incidents": incidents, "show_all": show_all, "now": timezone.now()},
    )


@staff_page(INVESTIGATE)
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user, incident = scoped(request, selectors.incident_get, pk)
    initial = {
        "paperwork_complete": incident.paperwork_completed_at is not None,
        "investigation": incident.investigation,
        "outcome": incident.outcome,
        "learning": incident.learning,
    }
    form = bound(request, IncidentUpdateForm, initial=initial)
    if incident.review_raised_at is not None:
        # The review is raised once: the page says so instead of asking again.
        del form.fields["review_needed"], form.fields["review_finding"]
    if request.method == "POST" and incident.status != IncidentStatus.CLOSED and form.is_valid():
        data = form.cleaned_data
        close = request.POST.get("action") == "close"
        try:
            services.incident_update(
                actor=user,
                incident=incident,
                close=close,
                review_needed=bool(data.get("review_needed")),
                review_finding=data.get("review_finding", ""),
                **pick(data, "paperwork_complete", "investigation", "outcome", "learning"),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect_success(
                request, "Incident closed" if close else "Incident updated", "delivery:incident", pk=pk
            )
    context = {
        "incident": incident,
        "form": form,
        "now": timezone.now(),
        "review_done_at": learning.review_done_at(incident),
        "shared": learning.learning_shared(incident),
    }
    return render(request, "delivery/incident_detail.html", context)


# ---------------------------------------------------------------------------------------------
# Vehicles


@staff_page(MANAGE_VEHICLES, RUN)
def vehicle_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    return render(
        request,
        "delivery/vehicle_list.html",
        {
            "vehicles": selectors.vehicles_in_scope(user),
            "drivers": selectors.drivers_in_scope(user),
            "today": timezone.localdate(),
            "can_manage": user.has_perm(MANAGE_VEHICLES),
        },
    )


@staff_page(MANAGE_VEHICLES, RUN)
def vehicle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user, vehicle = scoped(request, selectors.vehicle_get, pk)
    return render(
        request,
        "delivery/vehicle_detail.html",
        {
            "vehicle": vehicle,
            "checks": selectors.vehicle_checks(vehicle),
            "can_manage": user.has_perm(MANAGE_VEHICLES),
            "upcoming": selectors.vehicle_upcoming(vehicle, today=timezone.localdate()),
        },
    )


@staff_page(MANAGE_VEHICLES, RUN)
def vehicle_check(request: HttpRequest, pk: int) -> HttpResponse:
    user, vehicle = scoped(request, selectors.vehicle_get, pk)
    session = None
    session_id = request.GET.get("session", "")
    if session_id.isascii() and session_id.isdigit():
        session = selectors.session_get(user, int(session_id))
        if session.vehicle_id != vehicle.pk:
            raise Http404("The session does not use this vehicle")
    form = bound(request, VehicleCheckForm, initial={"mileage_out": vehicle.mileage or ""})
    done = submit(
        form,
        lambda data: services.vehicle_check_out(
            actor=user,
            vehicle=vehicle,
            roadworthy=data["roadworthy"] == "yes",
            session=session,
            **pick(data, "defects", "mileage_out"),
        ),
        rename={"vehicle": "roadworthy"},
    )
    if done.ok and (check := done.value) is not None:
        message = (
            f"{vehicle.registration} checked: roadworthy"
            if check.roadworthy
            else f"{vehicle.registration} is off the road until the defect is cleared"
        )
        if session is not None:
            return back_to_session(request, session.pk, message)
        return redirect_success(request, message, "delivery:vehicle", pk=pk)
    return render(request, "delivery/vehicle_check.html", {"vehicle": vehicle, "session": session, "form": form})


@staff_page(MANAGE_VEHICLES, RUN)
def mileage_in(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    user, vehicle = scoped(request, selectors.vehicle_get, pk)
    check = selectors.vehicle_check_get(vehicle, cid)
    form = bound(request, MileageInForm)
    done = submit(
        form,
        lambda data: services.vehicle_check_in(actor=user, check=check, mileage_in=form.cleaned_data["mileage_in"]),
    )
    if done.ok:
        return redirect_success(request, f"Mileage in recorded for {vehicle.registration}", "delivery:vehicle", pk=pk)
    return render(request, "delivery/mileage_in.html", {"vehicle": vehicle, "check": check, "form": form})


@staff_page(MANAGE_VEHICLES)
def clear_defect(request: HttpRequest, pk: int) -> HttpResponse:
    user, vehicle = scoped(request, selectors.vehicle_get, pk)
    form = bound(request, ClearDefectForm)

    def clear(data: dict[str, Any]) -> None:
        services.vehicle_clear_defect(actor=user, vehicle=vehicle, note=data["note"])

    if submit(form, clear, rename={"vehicle": "note"}).ok:
        return redirect_success(request, f"{vehicle.registration} is back on the road", "delivery:vehicle", pk=pk)
    return render(request, "delivery/clear_defect.html", {"vehicle": vehicle, "form": form})


@staff_page(MANAGE_VEHICLES)
def driver_authorise(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = bound(request, DriverForm, staff=selectors.staff_who_can(user, RUN))

    def authorise(data: dict[str, Any]) -> None:
        services.driver_authorise(actor=user, **pick(data, "driver", "licence_checked_on", "valid_until"))

    if submit(form, authorise).ok:
        data = form.cleaned_data
        message = f"{data['driver']} is authorised to drive until {data['valid_until']:%-d %B %Y}"
        return redirect_success(request, message, "delivery:vehicles")
    return render(request, "delivery/driver_form.html", {"form": form})
