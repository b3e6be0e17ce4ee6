"""Signals between apps that must not import each other.

`placement_facts_changed` is sent (inside the transaction that changed them) when a fact the
placement rules read has changed: a person's assessment, risk flags or non-associations
(`person_ids`), or a project's restrictions (`project_ids`). Delivery listens and checks the
future bookings concerned again.

`case_closed` is sent (inside the transaction) when a case ends: completed, revoked or transferred
out. Enforcement listens and sends the completion letter.

`appointments_called_off` is sent (inside the transaction) when booked appointments will not go
ahead: their session stood down (`why="stood_down"`) or the booking cancelled, as when the person is
moved to another session (`why="cancelled"`). The service for people doing unpaid work listens and
tells each person by text or email."""

from django.dispatch import Signal

placement_facts_changed = Signal()  # kwargs: person_ids: list[int], project_ids: list[int]
case_closed = Signal()  # kwargs: requirement: Requirement, status: str
appointments_called_off = Signal()  # kwargs: appointment_ids: list[int], why: "stood_down" | "cancelled"
