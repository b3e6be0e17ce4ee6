"""Signals between apps that must not import each other.

`placement_facts_changed` is sent (inside the transaction that changed them) when a fact the
placement rules read has changed: a person's assessment, risk flags or non-associations
(`person_ids`), or a project's restrictions (`project_ids`). Delivery listens and checks the
future bookings concerned again.

`case_closed` is sent (inside the transaction) when a case ends: completed, revoked or transferred
out. Enforcement listens and sends the completion letter."""

from django.dispatch import Signal

placement_facts_changed = Signal()  # kwargs: person_ids: list[int], project_ids: list[int]
case_closed = Signal()  # kwargs: requirement: Requirement, status: str
