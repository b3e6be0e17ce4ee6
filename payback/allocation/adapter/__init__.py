"""The thin layer between the database and the pure engine: it reads one PDU's week into an
`Instance` (plain dataclasses) and writes a plan back as appointments.

Reading uses the same selectors and rules as the rest of the service, so the engine sees what a
coordinator booking by hand would see: who is placeable (inducted, assessed, not in backlog, hours
still owed), their availability, flags, preference and non-associations from the current UPW
assessment; the planned sessions of active projects with their supervisor, vehicle and the
restrictions of the project's approved assessment; and the goal weights in force that week.

`week` composes the readers: `sessions` (and the supervisors' absences), the bookings already
made, and `people`; `places` holds the locations (from the postcode directory: see its note),
weights and urgency; `publishing` books a plan and tells the supervisors."""

from .people import CONSIDERED
from .places import homes_of, monday_of, project_locations, urgency_of, weights_for
from .publishing import PublishConflict, book_plan, email_supervisors
from .sessions import PLACED_ON
from .shapes import NoSessions, Week
from .week import final_reasons, read_week

__all__ = [
    "CONSIDERED",
    "PLACED_ON",
    "NoSessions",
    "PublishConflict",
    "Week",
    "book_plan",
    "email_supervisors",
    "final_reasons",
    "homes_of",
    "monday_of",
    "project_locations",
    "read_week",
    "urgency_of",
    "weights_for",
]
