"""Telling the practitioner, once, that the person has told us something online: that they cannot
come to a session (with its evidence, if they sent any), or new contact details to confirm. The
notification names the person by first name and case number only and links to what they told us,
where the practitioner's own access applies. A case with no practitioner (or one who has left) goes
to the PDU's duty senior probation officer."""

from django.urls import reverse
from django.utils import timezone

from payback.cases.models import Person
from payback.notifications.models import Category
from payback.notifications.selectors import duty_seniors
from payback.notifications.services import notify
from payback.staff.models import User

from .models import AbsenceReport, ContactChange


def _who_to_tell(person: Person) -> list[User | None]:
    practitioner = person.practitioner
    if practitioner is not None and practitioner.is_active:
        return [practitioner]
    return list(duty_seniors(person.pdu, timezone.localdate()))


def _tell(person: Person, *, key: str, subject: str, body: str) -> None:
    notify(
        _who_to_tell(person),
        category=Category.TOLD_US_ONLINE,
        key=key,
        subject=f"{subject}: {person.first_name} ({person.crn})",
        body=body,
        link=reverse("portal:staff-told-us", args=[person.crn]),
    )


def absence_report_sent(report: AbsenceReport) -> None:
    person = report.person
    day = f"{report.appointment.date:%-d %B %Y}"
    evidence = " They sent a photo or PDF with it." if report.file else ""
    body = (
        f"{person.first_name} ({person.crn}) told us online that they cannot come on {day}: "
        f"{report.get_reason_display().lower()}.{evidence} Read what they said; once the register records "
        "the absence, add it to the evidence for your decision."
    )
    _tell(person, key=f"absence_report:{report.pk}", subject="Cannot come to a session", body=body)


def contact_change_sent(change: ContactChange) -> None:
    person = change.person
    body = (
        f"{person.first_name} ({person.crn}) sent new contact details online. "
        "Check them with the person and confirm them, or say why not."
    )
    _tell(person, key=f"contact_change:{change.pk}", subject="New contact details to check", body=body)
