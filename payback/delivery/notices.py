"""Who delivery tells, and what: a risk concern reaches the case's practitioner (an urgent one the
duty senior probation officer of the case's PDU too), an incident the operations managers of the
project's region, and a booking that now breaks a rule the case's practitioner and the placement
coordinators of the case's PDU. Each is told once for each event, on their home page and by email.

The texts name a person by first name and CRN only: never what was written about them."""

import hashlib

from django.urls import reverse
from django.utils import timezone

from payback.notifications.models import Category
from payback.notifications.selectors import duty_seniors, staff_of_pdu, staff_of_region
from payback.notifications.services import notify
from payback.staff.roles import OPERATIONS_MANAGER, PLACEMENT_COORDINATOR

from .models import Appointment, ConcernCategory, Incident, RiskConcern

# Concerns about a risk of self-harm or of harm to others are urgent: the duty senior is told too.
# The supervisor's categories have neither by name; the nearest are emotional wellbeing (self-harm)
# and domestic abuse (harm to others).
URGENT_CONCERNS = frozenset({ConcernCategory.WELLBEING, ConcernCategory.DOMESTIC_ABUSE})


def concern_is_urgent(category: str) -> bool:
    return category in URGENT_CONCERNS


def risk_concern_raised(concern: RiskConcern) -> None:
    """Tell the case's practitioner of a new concern; an urgent one, the PDU's duty senior too (who
    is also told of any concern about a case with no practitioner, or one who has left)."""
    person = concern.person
    urgent = concern_is_urgent(concern.category)
    unowned = person.practitioner is None or not person.practitioner.is_active
    seniors = duty_seniors(person.pdu, timezone.localdate()) if urgent or unowned else []
    label = ConcernCategory(concern.category).label.lower()
    notify(
        [person.practitioner, *seniors],
        category=Category.RISK_CONCERN,
        key=f"risk_concern:{concern.pk}",
        subject=f"Risk concern ({label}) about {person.first_name} ({person.crn})",
        body=(
            f"{concern.reporter} raised a concern ({label}) about {person.first_name} "
            f"({person.crn}) on {timezone.localtime(concern.raised_at):%-d %B %Y at %H:%M}. "
            "Read it and record what you have done."
        ),
        link=reverse("delivery:concern", args=[concern.pk]),
        urgent=urgent,
    )


def incident_reported(incident: Incident) -> None:
    """Tell the operations managers of the project's region of a new incident or near miss."""
    kind = "Near miss" if incident.near_miss else "Incident"
    project = incident.project
    notify(
        staff_of_region(project.pdu.region_id, role=OPERATIONS_MANAGER),
        category=Category.INCIDENT,
        key=f"incident:{incident.pk}",
        subject=f"{kind} reported at {project.name}",
        body=(
            f"{kind} reported by {incident.reporter} at {incident.location} on "
            f"{timezone.localtime(incident.occurred_at):%-d %B %Y at %H:%M}. "
            f"Emergency services called: {'yes' if incident.emergency_services_called else 'no'}. "
            f"Paperwork due by {timezone.localtime(incident.paperwork_due_at):%-d %B %Y at %H:%M}."
        ),
        link=reverse("delivery:incident", args=[incident.pk]),
    )


def booking_conflict_found(appointment: Appointment) -> None:
    """Tell the case's practitioner and the PDU's placement coordinators that a booking now breaks a
    placement rule (once for each booking and what it breaks)."""
    person, project = appointment.person, appointment.session.project
    breaks = hashlib.sha256(appointment.conflict.encode()).hexdigest()[:16]
    notify(
        [person.practitioner, *staff_of_pdu(person.pdu, role=PLACEMENT_COORDINATOR)],
        category=Category.BOOKING_CONFLICT,
        key=f"booking_conflict:{appointment.pk}:{breaks}",
        subject=f"A booking of {person.first_name} ({person.crn}) now breaks a placement rule",
        body=(
            f"The booking of {person.first_name} ({person.crn}) on {project.name} on "
            f"{appointment.date:%-d %B %Y} now breaks a placement rule and cannot be worked until it is "
            "moved or cancelled."
        ),
        link=reverse("delivery:bookings-to-fix"),
    )
