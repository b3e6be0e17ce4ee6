"""Recording the Diversity Information Form. The answers are kept apart from the case record; the
audit trail says that the form was recorded, never what it says."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from payback.core.services import audit_record
from payback.staff.models import User

from ..diversity import CHOSEN_FROM, QUESTIONS
from ..models import DiversityInformation, Person


@transaction.atomic
def diversity_record(*, actor: User, person: Person, answers: dict[str, Any]) -> DiversityInformation:
    """Record the person's answers (those not given stay as they were). Recording the same answers
    again changes nothing."""
    errors = {name: "This is not a question on the form" for name in answers if name not in QUESTIONS}
    for name, allowed in CHOSEN_FROM.items():
        if answers.get(name) and answers[name] not in allowed:
            errors[name] = "Select an answer from the list"
    if errors:
        raise ValidationError(errors)
    info, _ = DiversityInformation.objects.select_for_update().get_or_create(person=person)
    for name, value in answers.items():
        setattr(info, name, value)
    info.full_clean(exclude=["person"])
    info.save()
    audit_record(
        actor=actor, action="person.diversity_recorded", obj=person, summary="Diversity Information Form recorded"
    )
    return info
