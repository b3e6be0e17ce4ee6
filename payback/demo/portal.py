"""The demo's person doing unpaid work: one of the demo practitioner's cases with a mobile number and
a session booked, who signs in at /my/ with their case number and date of birth. Without a GOV.UK
Notify key the code is written to the messages folder (`var/messages/`), like every text."""

from datetime import date

from payback.cases.models import Person
from payback.delivery.models import Appointment, SessionStatus

DEMO_PRACTITIONER = "practitioner"


def demo_person(*, today: date) -> Person | None:
    """The demo practitioner's case, with a mobile number, whose next booked session is soonest."""
    booked = Appointment.objects.filter(
        date__gte=today,
        outcome="",
        cancelled_at__isnull=True,
        session__status=SessionStatus.PLANNED,
        person__practitioner__username=DEMO_PRACTITIONER,
    ).exclude(person__phone="")
    first = booked.order_by("date", "person__crn").values_list("person_id", flat=True).first()
    return Person.objects.filter(pk=first).first() if first else None
