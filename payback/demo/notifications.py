"""Demo notifications, raised through the services as they would have been: the demo senior is on
duty today, the demo supervisor raises two concerns about the demo practitioner's cases (one about
emotional wellbeing, so urgent), and the seniors hear of every countersignature overdue."""

from datetime import date

from django.db import transaction

from payback.cases.models import CLOSED_STATUSES, Person
from payback.cases.notices import countersignature_overdue, countersignatures_overdue
from payback.core.commands import as_command
from payback.core.selectors import policy_book
from payback.delivery.models import ConcernCategory
from payback.delivery.services import risk_concern_raise
from payback.notifications.models import Notification
from payback.notifications.services import duty_senior_set
from payback.staff.models import User

CONCERNS = (
    (ConcernCategory.WELLBEING, "Very low today; said they had been thinking about hurting themselves."),
    (ConcernCategory.DRUGS_ALCOHOL, "Smelt of alcohol on arrival and was unsteady on the bank."),
)


def seed_demo_notifications(*, today: date) -> int:
    """Raise the demo's notifications; how many there are now."""
    accounts = {u.username: u for u in User.objects.filter(username__in=["spo", "supervisor", "practitioner"])}
    spo, supervisor, practitioner = (accounts.get(name) for name in ("spo", "supervisor", "practitioner"))
    with transaction.atomic(), as_command():
        if spo is not None and spo.pdu is not None:
            duty_senior_set(actor=spo, pdu=spo.pdu, on=today, user=spo)
        if supervisor is not None and practitioner is not None:
            people = Person.objects.filter(practitioner=practitioner).exclude(requirements__status__in=CLOSED_STATUSES)
            for person, (category, details) in zip(people.order_by("crn")[: len(CONCERNS)], CONCERNS, strict=False):
                risk_concern_raise(actor=supervisor, person=person, category=category, details=details)
        for item in countersignatures_overdue(today=today, book=policy_book()):
            countersignature_overdue(item)
    return Notification.objects.count()
