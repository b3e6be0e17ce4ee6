"""The demo's beneficiary contact: a named person at the organisation behind the demo coordinator's
busiest individual placement, who signs in at /partners/ with their email address. Without a GOV.UK
Notify key the code is written to the messages folder (`var/messages/`), like every email."""

from datetime import date, timedelta

from django.db.models import Count, Q

from payback.partners.models import BeneficiaryContact
from payback.projects.models import Project, ProjectStatus, ProjectType
from payback.staff.models import User

DEMO_COORDINATOR = "coordinator"
DEMO_CONTACT_NAME = "Robin Hale"
DEMO_CONTACT_EMAIL = "robin.hale@beneficiary.example"


def seed_demo_partner(*, today: date) -> BeneficiaryContact | None:
    """Invite the demo contact (once) for the individual placement in the coordinator's PDU with the
    most bookings around today; None when there is no such placement."""
    coordinator = User.objects.filter(username=DEMO_COORDINATOR).first()
    if coordinator is None:
        return None
    around = Q(sessions__date__range=(today - timedelta(days=14), today + timedelta(days=14)))
    busiest = (
        Project.objects.filter(project_type=ProjectType.INDIVIDUAL, status=ProjectStatus.ACTIVE, pdu=coordinator.pdu)
        .annotate(booked=Count("sessions__appointments", filter=around))
        .order_by("-booked", "pk")
        .first()
    )
    if busiest is None:
        return None
    contact, _ = BeneficiaryContact.objects.get_or_create(
        email=DEMO_CONTACT_EMAIL,
        removed_at=None,
        defaults={"beneficiary": busiest.beneficiary, "name": DEMO_CONTACT_NAME, "invited_by": coordinator},
    )
    return contact


def demo_contact() -> BeneficiaryContact | None:
    return (
        BeneficiaryContact.objects.filter(email=DEMO_CONTACT_EMAIL, removed_at=None)
        .select_related("beneficiary")
        .first()
    )
