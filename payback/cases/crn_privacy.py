"""A CRN recorded outside the user's area is never confirmed to them.

Recording a new case refuses a CRN that is already recorded. Staff who can see that person are told
so (and can open the case); anyone else gets the answer a new CRN would get: only the other
problems with the form, and when there are none, a neutral refusal that does not say whether the
CRN exists. Each such attempt is audited on the person's history, where the staff who hold the case
can see it."""

from django.core.exceptions import ValidationError
from django.db import transaction

from payback.core.services import audit_record
from payback.staff.models import User

from .models import Person
from .selectors import people_for

NEUTRAL_REFUSAL = (
    "A case cannot be recorded with this CRN. Check the CRN against nDelius; if it is right, "
    "ask your senior probation officer about the case"
)


def case_create_refusal_for(user: User, error: ValidationError, *, crn: str) -> ValidationError:
    """The refusal of `case_create` as this user may see it."""
    if not hasattr(error, "error_dict") or "crn" not in error.error_dict:
        return error
    held = Person.objects.filter(crn=crn.strip().upper()).select_related("pdu").first()
    if held is None or people_for(user).filter(pk=held.pk).exists():
        return error
    _record_attempt(user, held)
    others = {field: messages for field, messages in error.error_dict.items() if field != "crn"}
    return ValidationError(others or {"crn": NEUTRAL_REFUSAL})


def _record_attempt(user: User, held: Person) -> None:
    area = user.pdu or user.region or "national"
    with transaction.atomic():
        audit_record(
            actor=user,
            action="case.crn_outside_area",
            obj=held,
            summary=f"{user.get_full_name() or user.username} ({area}) tried to record a new case with this "
            f"person's CRN; they were not told it is recorded in {held.pdu}",
        )
