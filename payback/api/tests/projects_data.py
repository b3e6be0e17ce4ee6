"""Checks shared by the tests of the projects, beneficiaries and nominations API (the records are
built by `payback.testing.builders`)."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core import mail

from payback.core.models import AuditEvent
from payback.projects.models import Beneficiary, Project

from .client import Response


def counts() -> list[int]:
    # Making a client's token is audited too: only the projects' records count here.
    events = AuditEvent.objects.exclude(action__startswith="staff.")
    return [Beneficiary.objects.count(), Project.objects.count(), events.count(), len(mail.outbox)]


@contextmanager
def nothing_saved() -> Iterator[None]:
    before = counts()
    yield
    assert counts() == before


def fields(response: Response) -> list[str | None]:
    return [error["field"] for error in response.json()["errors"]]
