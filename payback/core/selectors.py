"""Reads of shared data: policy in force on a date, audit history."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet

from .models import AuditEvent, PolicyVersion
from .policy import RULES


@dataclass
class PolicyBook:
    """All versions of every rule, loaded once; answers 'what was the rule on this date'."""

    versions: dict[str, list[tuple[date, Any]]] = field(default_factory=dict)

    def value(self, key: str, on: date) -> Any:
        if key not in RULES:
            raise KeyError(key)
        in_force = None
        found = False
        for effective_from, value in self.versions.get(key, []):
            if effective_from <= on:
                in_force, found = value, True
            else:
                break
        if not found:
            return RULES[key].initial
        return in_force

    def first_date_with_value(self, key: str) -> date | None:
        for effective_from, value in self.versions.get(key, []):
            if value is not None:
                return effective_from
        return None


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
