"""Signals between apps that must not import each other.

`placement_facts_changed` is sent (inside the transaction that changed them) when a fact the
placement rules read has changed: a person's assessment, risk flags or non-associations
(`person_ids`), or a project's restrictions (`project_ids`). Delivery listens and checks the
future bookings concerned again."""

from django.dispatch import Signal

placement_facts_changed = Signal()  # kwargs: person_ids: list[int], project_ids: list[int]
