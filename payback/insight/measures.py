"""What each figure means: its name, the one-line definition shown beside it (and in
docs/management-information.md), its unit and how it adds up. Pure data: the counting itself is
in `sources.py`, the keeping in `services.py`.

A flow is counted by day (hours worked on a day) and adds up over any period; a stock is a level
(hours outstanding) counted when the figures are refreshed, and read as it stood at the end of a
period. A rate is one figure over another, read from the two."""

from dataclasses import dataclass

FLOW, STOCK = "flow", "stock"
HOURS, COUNT = "hours", "count"  # hours are kept in minutes


@dataclass(frozen=True)
class Measure:
    code: str
    label: str
    definition: str
    section: str
    kind: str = FLOW
    unit: str = COUNT
    casework: bool = True  # counted for a practitioner's caseload (sessions and incidents are not)


@dataclass(frozen=True)
class Rate:
    code: str
    label: str
    definition: str
    section: str
    numerator: str
    denominator: str
    casework: bool = True


HOURS_S, ORDERS_S, PROGRESS_S, BACKLOG_S = "Hours", "Requirements", "Progress at review", "Backlog"
SESSIONS_S, ATTENDANCE_S, START_S, ENFORCEMENT_S, SAFETY_S, BENEFICIARIES_S = (
    "Sessions",
    "Attendance and placements",
    "Induction and assessment",
    "Enforcement",
    "Incidents",
    "Beneficiaries",
)
SECTIONS = (
    HOURS_S,
    ORDERS_S,
    PROGRESS_S,
    BACKLOG_S,
    SESSIONS_S,
    ATTENDANCE_S,
    START_S,
    ENFORCEMENT_S,
    SAFETY_S,
    BENEFICIARIES_S,
)

STAND_DOWN_REASONS = ("weather", "no_supervisor", "no_vehicle", "site_unavailable", "other")

MEASURES: tuple[Measure, ...] = (
    Measure(
        "ordered_minutes",
        "Hours ordered",
        "Hours ordered by the courts: new requirements by sentence date, plus hours a court added "
        "(less any it took away).",
        HOURS_S,
        unit=HOURS,
    ),
    Measure(
        "offered_minutes",
        "Hours offered",
        "Hours of the sessions people were booked into, by session date (cancelled bookings not counted).",
        HOURS_S,
        unit=HOURS,
    ),
    Measure(
        "worked_minutes",
        "Hours worked",
        "Hours credited for work on sessions and individual placements, by the day worked, net of corrections.",
        HOURS_S,
        unit=HOURS,
    ),
    Measure(
        "outstanding_minutes",
        "Hours outstanding",
        "Hours still to be worked on live requirements: ordered, with court variations, less every credit.",
        HOURS_S,
        kind=STOCK,
        unit=HOURS,
    ),
    Measure(
        "ete_minutes",
        "ETE hours",
        "Hours credited for education, training and employment, by the day they count from, net of corrections.",
        HOURS_S,
        unit=HOURS,
    ),
    Measure(
        "requirements_made",
        "Requirements made",
        "Unpaid work requirements imposed by the courts, by sentence date.",
        ORDERS_S,
    ),
    Measure(
        "requirements_started",
        "Requirements started",
        "Requirements whose first hours of work were worked in the period.",
        ORDERS_S,
    ),
    Measure("completed", "Requirements completed", "Requirements closed as completed in the period.", ORDERS_S),
    Measure(
        "completed_in_time",
        "Completed in time",
        "Of the requirements completed, those completed by their completion date (the window's end, "
        "or as the court extended it); all of them where no window is in force.",
        ORDERS_S,
    ),
    Measure(
        "live_cases", "Live requirements", "Requirements not completed, revoked or transferred out.", ORDERS_S, STOCK
    ),
    Measure(
        "review6_on_track",
        "On track at 6 months",
        "Live requirements past their 6-month review point (and not yet at 9) whose recent rate of work "
        "finishes them by their completion date, as the review projects it.",
        PROGRESS_S,
        STOCK,
    ),
    Measure(
        "review6_at_risk",
        "At risk at 6 months",
        "Live requirements past their 6-month review point (and not yet at 9) whose recent rate of work, "
        "as the review projects it, would not finish them by their completion date.",
        PROGRESS_S,
        STOCK,
    ),
    Measure(
        "review9_on_track",
        "On track at 9 months",
        "Live requirements past their 9-month review point whose recent rate finishes them in time.",
        PROGRESS_S,
        STOCK,
    ),
    Measure(
        "review9_at_risk",
        "At risk at 9 months",
        "Live requirements past their 9-month review point whose recent rate would not finish them in time.",
        PROGRESS_S,
        STOCK,
    ),
    Measure(
        "backlog_cases",
        "Backlog",
        "Live requirements past their completion date with hours still to work.",
        BACKLOG_S,
        STOCK,
    ),
    Measure(
        "backlog_minutes",
        "Backlog hours",
        "Hours still to work on requirements in the backlog.",
        BACKLOG_S,
        STOCK,
        HOURS,
    ),
    Measure(
        "backlog_0_3", "Up to 3 months past", "Backlog requirements up to 3 months past their date.", BACKLOG_S, STOCK
    ),
    Measure(
        "backlog_3_6", "3 to 6 months past", "Backlog requirements 3 to 6 months past their date.", BACKLOG_S, STOCK
    ),
    Measure(
        "backlog_6_12", "6 to 12 months past", "Backlog requirements 6 to 12 months past their date.", BACKLOG_S, STOCK
    ),
    Measure(
        "backlog_12_plus",
        "Over 12 months past",
        "Backlog requirements more than 12 months past their date.",
        BACKLOG_S,
        STOCK,
    ),
    Measure("sessions_planned", "Sessions planned", "Sessions dated in the period.", SESSIONS_S, casework=False),
    Measure(
        "sessions_run", "Sessions run", "Sessions in the period whose register was closed.", SESSIONS_S, casework=False
    ),
    Measure(
        "sessions_stood_down",
        "Sessions stood down",
        "Sessions in the period stood down by the service, for any reason.",
        SESSIONS_S,
        casework=False,
    ),
    *(
        Measure(
            f"stood_down_{reason}",
            f"Stood down: {reason.replace('_', ' ')}",
            f"Sessions in the period stood down for this reason ({reason.replace('_', ' ')}).",
            SESSIONS_S,
            casework=False,
        )
        for reason in STAND_DOWN_REASONS
    ),
    Measure(
        "appointments_due",
        "Appointments due",
        "Bookings on sessions in the period with an outcome recorded, other than rescheduled or stood down by the "
        "service.",
        ATTENDANCE_S,
    ),
    Measure(
        "attended",
        "Attended",
        "Appointments due at which the person arrived to work (including those then sent home).",
        ATTENDANCE_S,
    ),
    Measure(
        "complied",
        "Complied",
        "Appointments due that the person attended and complied with, or missed for an acceptable reason.",
        ATTENDANCE_S,
    ),
    Measure(
        "sent_home", "Sent home", "Appointments at which the person was sent home or sent away late.", ATTENDANCE_S
    ),
    Measure(
        "individual_minutes",
        "Hours in individual placements",
        "Hours worked on individual placements and placements the person found, by the day worked.",
        ATTENDANCE_S,
        unit=HOURS,
    ),
    Measure(
        "inductions_due",
        "Inductions due",
        "Requirements whose induction deadline fell in the period.",
        START_S,
    ),
    Measure(
        "inductions_on_time",
        "Inductions on time",
        "Of those, the requirements with an induction attended on or before its deadline.",
        START_S,
    ),
    Measure(
        "assessments_due",
        "Assessments due",
        "Requirements whose assessment deadline fell in the period.",
        START_S,
    ),
    Measure(
        "assessments_on_time",
        "Assessments on time",
        "Of those, the requirements with an assessment submitted between sentence and the deadline.",
        START_S,
    ),
    Measure("warnings", "Warnings", "Warning letters given for unacceptable failures, by date taken.", ENFORCEMENT_S),
    Measure(
        "breaches", "Breach actions", "Breach actions begun for unacceptable failures, by date taken.", ENFORCEMENT_S
    ),
    Measure(
        "departures",
        "Departures from the rule",
        "Enforcement steps that differ from the step the rules gave, by date taken.",
        ENFORCEMENT_S,
    ),
    Measure(
        "decisions_overdue",
        "Decisions overdue",
        "Failures still awaiting a decision after the day the person's evidence was due.",
        ENFORCEMENT_S,
        STOCK,
    ),
    Measure(
        "incidents",
        "Incidents",
        "Incidents and accidents reported on projects, by the day they happened (near misses apart).",
        SAFETY_S,
        casework=False,
    ),
    Measure(
        "near_misses",
        "Near misses",
        "Near misses reported on projects, by the day they happened.",
        SAFETY_S,
        casework=False,
    ),
    Measure(
        "surveys_answered",
        "Beneficiary surveys answered",
        "Feedback surveys answered by beneficiaries about a project, by the day answered.",
        BENEFICIARIES_S,
        casework=False,
    ),
    Measure(
        "surveys_satisfied",
        "Beneficiaries satisfied",
        "Of the surveys answered, those whose overall answer was satisfied or very satisfied.",
        BENEFICIARIES_S,
        casework=False,
    ),
)

RATES: tuple[Rate, ...] = (
    Rate(
        "completed_in_time_rate",
        "Share completed in time",
        "Requirements completed in time as a share of those completed.",
        ORDERS_S,
        "completed_in_time",
        "completed",
    ),
    Rate(
        "attendance_rate",
        "Attendance rate",
        "Appointments attended as a share of appointments due.",
        ATTENDANCE_S,
        "attended",
        "appointments_due",
    ),
    Rate(
        "compliance_rate",
        "Compliance rate",
        "Appointments complied with (or missed acceptably) as a share of appointments due.",
        ATTENDANCE_S,
        "complied",
        "appointments_due",
    ),
    Rate(
        "individual_share",
        "Individual placement share",
        "Hours in individual placements as a share of hours worked, against the target set for the region.",
        ATTENDANCE_S,
        "individual_minutes",
        "worked_minutes",
    ),
    Rate(
        "inductions_on_time_rate",
        "Share of inductions on time",
        "Inductions attended by their deadline as a share of those due.",
        START_S,
        "inductions_on_time",
        "inductions_due",
    ),
    Rate(
        "assessments_on_time_rate",
        "Share of assessments on time",
        "Assessments submitted by their deadline as a share of those due.",
        START_S,
        "assessments_on_time",
        "assessments_due",
    ),
    Rate(
        "satisfaction_rate",
        "Beneficiary satisfaction",
        "Beneficiaries satisfied or very satisfied as a share of the surveys answered.",
        BENEFICIARIES_S,
        "surveys_satisfied",
        "surveys_answered",
        casework=False,
    ),
)

BY_CODE: dict[str, Measure] = {m.code: m for m in MEASURES}
FLOWS = tuple(m.code for m in MEASURES if m.kind == FLOW)
STOCKS = tuple(m.code for m in MEASURES if m.kind == STOCK)
