"""How the audit trail names what a delivery event is about."""

from ..models import Session


def session_subject(session: Session) -> str:
    return f"session:{session.pk}"


def person_subject(person_id: int) -> str:
    return f"person:{person_id}"
