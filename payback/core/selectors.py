"""Reads of shared data: policy in force on a date, audit history."""

from datetime import date
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

from .models import AuditEvent, PolicyVersion
from .policy import PolicyBook

_M = TypeVar("_M", bound=Model)


def found_or_404(records: QuerySet[_M], what: str, **lookup: Any) -> _M:
    """The one record that matches among those the user may see: any other is "No such ..." (404),
    so a record outside the user's area cannot be told from one that does not exist."""
    record = records.filter(**lookup).first()
    if record is None:
        raise Http404(f"No such {what}")
    return record


def policy_book() -> PolicyBook:
    book = PolicyBook()
    for key, effective_from, value in PolicyVersion.objects.order_by("key", "effective_from").values_list(
        "key", "effective_from", "value"
    ):
        book.versions.setdefault(key, []).append((effective_from, value))
    return book


def policy_value(key: str, *, on: date) -> Any:
    return policy_book().value(key, on)


def policy_versions(key: str) -> QuerySet[PolicyVersion]:
    return PolicyVersion.objects.filter(key=key).select_related("created_by").order_by("-effective_from")


def audit_events_for(subject: str) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(subject=subject).order_by("-occurred_at", "-id")
