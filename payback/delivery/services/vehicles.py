"""Drivers, vehicle checks before use, mileage back in, and defects put right."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from payback.core.services import audit_record
from payback.staff.models import User

from ..models import DriverAuthorisation, Session, Vehicle, VehicleCheck
from ..selectors import driver_is_authorised
from .common import refuse_any, refuse_if


@transaction.atomic
def driver_authorise(*, actor: User, driver: User, licence_checked_on: date, valid_until: date) -> DriverAuthorisation:
    """Authorise a member of staff to drive the service's vehicles until a date, after their
    licence is checked. An earlier authorisation is replaced."""
    errors = {}
    if licence_checked_on > timezone.localdate():
        errors["licence_checked_on"] = "The licence check must be today or in the past"
    if valid_until <= licence_checked_on:
        errors["valid_until"] = "The authorisation must end after the licence check"
    refuse_any(errors)
    authorisation, _ = DriverAuthorisation.objects.update_or_create(
        driver=driver,
        defaults={
            "licence_checked_on": licence_checked_on,
            "valid_until": valid_until,
            "authorised_by": actor,
            "revoked_at": None,
        },
    )
    summary = (
        f"{driver} authorised to drive until {valid_until:%-d %B %Y} (licence checked {licence_checked_on:%-d %B %Y})"
    )
    audit_record(actor=actor, action="driver.authorised", obj=authorisation, summary=summary)
    return authorisation


@transaction.atomic
def vehicle_check_out(
    *, actor: User, vehicle: Vehicle, roadworthy: bool, defects: str, mileage_out: int, session: Session | None = None
) -> VehicleCheck:
    """The pre-use check. A defect takes the vehicle off the road until it is cleared."""
    vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    defects = defects.strip()
    errors = {}
    if vehicle.off_road:
        errors["vehicle"] = f"{vehicle.registration} is off the road: {vehicle.off_road_reason}"
    if not driver_is_authorised(actor, on=timezone.localdate()):
        errors["vehicle"] = "You are not an authorised driver with a checked licence"
    if mileage_out < vehicle.mileage:
        errors["mileage_out"] = f"The mileage cannot be less than the last recorded, {vehicle.mileage}"
    if not roadworthy and not defects:
        errors["defects"] = "Describe the defect"
    refuse_any(errors)
    check = VehicleCheck.objects.create(
        vehicle=vehicle,
        session=session,
        checked_by=actor,
        roadworthy=roadworthy,
        defects=defects,
        mileage_out=mileage_out,
    )
    vehicle.mileage = mileage_out
    if not roadworthy:
        vehicle.off_road = True
        vehicle.off_road_reason = defects[:300]
    vehicle.save()
    state = "roadworthy" if roadworthy else f"off the road ({defects})"
    summary = f"{vehicle.registration} checked: {state}"
    audit_record(actor=actor, action="vehicle.checked", obj=check, summary=summary)
    return check


@transaction.atomic
def vehicle_check_in(*, actor: User, check: VehicleCheck, mileage_in: int) -> VehicleCheck:
    """The vehicle back in: its mileage is recorded once, and never below the mileage out."""
    check = VehicleCheck.objects.select_for_update().select_related("vehicle").get(pk=check.pk)
    refuse_if(check.mileage_in is not None, "mileage_in", "The mileage in is already recorded")
    refuse_if(
        mileage_in < check.mileage_out,
        "mileage_in",
        f"The mileage in cannot be less than the mileage out, {check.mileage_out}",
    )
    check.mileage_in = mileage_in
    check.save(update_fields=["mileage_in"])
    Vehicle.objects.filter(pk=check.vehicle_id).update(mileage=mileage_in)
    summary = f"{check.vehicle.registration} returned: {mileage_in - check.mileage_out} miles"
    audit_record(actor=actor, action="vehicle.returned", obj=check, summary=summary)
    return check


@transaction.atomic
def vehicle_clear_defect(*, actor: User, vehicle: Vehicle, note: str) -> Vehicle:
    """Put a vehicle back on the road once its defect is put right; its open defects are marked cleared."""
    vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    refuse_if(not vehicle.off_road, "vehicle", "The vehicle is not off the road")
    refuse_if(not note.strip(), "note", "Say how the defect was put right")
    reason = vehicle.off_road_reason
    vehicle.off_road = False
    vehicle.off_road_reason = ""
    vehicle.save()
    VehicleCheck.objects.filter(vehicle=vehicle, roadworthy=False, cleared_at__isnull=True).update(
        cleared_by=actor, cleared_at=timezone.now()
    )
    summary = f"{vehicle.registration} back on the road: {reason} — {note.strip()}"
    audit_record(actor=actor, action="vehicle.cleared", obj=vehicle, summary=summary)
    return vehicle
