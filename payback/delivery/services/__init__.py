"""Every write about sessions and the supervisor's day, one module per aggregate. Each service runs
in one transaction and writes an audit event; credits go to the case ledger in the same
transaction as the register.

- `sessions`: planning, weekly series, supervisors' absences and cover
- `bookings`: booking, cancelling, rebooking after a stand-down
- `tools`: before-work checks and tools counted out and back in
- `register`: saving and closing the register, and correcting an outcome afterwards
- `stand_downs`: the service standing a session down
- `incidents`: incidents and risk concerns
- `learning`: the learning from closed incidents shared at team meetings
- `repeatable`: a submit from the supervisor's day made once, however often it arrives
- `vehicles`: drivers and vehicle checks
- `timesheets`: individual placement timesheets

The reads they check before writing (`appointment_check`, `driver_is_authorised`) are in
`payback.delivery.selectors`."""

from .bookings import appointment_book, appointment_cancel, appointment_mark_rebooked, appointment_said_cannot_come
from .incidents import (
    INCIDENT_PAPERWORK_HOURS,
    incident_report,
    incident_update,
    risk_concern_acknowledge,
    risk_concern_raise,
)
from .learning import learning_share
from .register import (
    RegisterConflict,
    RegisterLine,
    RegisterResult,
    appointment_correct_outcome,
    register_close,
    register_save,
    register_submit,
)
from .repeatable import submit_once
from .sessions import session_assign_supervisor, session_create, session_series_create, supervisor_absence_record
from .stand_downs import session_stand_down
from .timesheets import timesheet_record
from .tools import session_count_tools_in, session_record_checks
from .vehicles import driver_authorise, vehicle_check_in, vehicle_check_out, vehicle_clear_defect

__all__ = [
    "INCIDENT_PAPERWORK_HOURS",
    "RegisterConflict",
    "RegisterLine",
    "RegisterResult",
    "appointment_book",
    "appointment_cancel",
    "appointment_correct_outcome",
    "appointment_mark_rebooked",
    "appointment_said_cannot_come",
    "driver_authorise",
    "incident_report",
    "incident_update",
    "learning_share",
    "register_close",
    "register_save",
    "register_submit",
    "risk_concern_acknowledge",
    "risk_concern_raise",
    "session_assign_supervisor",
    "session_count_tools_in",
    "session_create",
    "session_record_checks",
    "session_series_create",
    "session_stand_down",
    "submit_once",
    "supervisor_absence_record",
    "timesheet_record",
    "vehicle_check_in",
    "vehicle_check_out",
    "vehicle_clear_defect",
]
