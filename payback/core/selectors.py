"""Reads of shared data: policy in force on a date, audit history."""

from datetime import date
from typing import Any

from django.db.models import QuerySet

from .models import AuditEvent, PolicyVersion
from .policy import PolicyBook


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
