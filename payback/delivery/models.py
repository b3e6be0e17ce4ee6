from django.conf import settings
from django.db import models

from payback.cases.models import LedgerEntry, Person, Requirement
from payback.core.models import RepeatableRequest, staff_member
from payback.projects.models import Project
from payback.staff.models import Pdu, User


class Vehicle(models.Model):
    registration = models.CharField(max_length=10, unique=True)
    description = models.CharField(max_length=100)
    seats = models.PositiveSmallIntegerField()
    pdu = models.ForeignKey(Pdu, on_delete=models.PROTECT, related_name="vehicles")
    off_road = models.BooleanField(default=False)
    off_road_reason = models.CharField(max_length=300, blank=True)
    mileage = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["registration"]

    def __str__(self) -> str:
        return f"{self.registration} ({self.description})"


class DriverAuthorisation(models.Model):
    """A member of staff allowed to drive Community Payback vehicles, once their licence is checked."""

    driver = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="driver_authorisation"
    )
    licence_checked_on = models.DateField()
    authorised_by = staff_member()
    valid_until = models.DateField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.driver} authorised to drive until {self.valid_until}"


class VehicleCheck(models.Model):
    """A pre-use check with mileage out, and mileage in when the vehicle comes back."""

    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="checks")
    session = models.ForeignKey(
        "Session", null=True, blank=True, on_delete=models.PROTECT, related_name="vehicle_checks"
    )
    checked_by = staff_member()
    checked_at = models.DateTimeField(auto_now_add=True)
    defects = models.TextField(blank=True)
    roadworthy = models.BooleanField()
    mileage_out = models.PositiveIntegerField()
    mileage_in = models.PositiveIntegerField(null=True, blank=True)
    cleared_by = staff_member(optional=True)
    cleared_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Check of {self.vehicle} at {self.checked_at:%Y-%m-%d %H:%M}"


class SessionSeries(models.Model):
    """A weekly repeating session; sessions are generated from it some weeks ahead."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="session_series")
    weekday = models.PositiveSmallIntegerField()  # 0 Monday … 6 Sunday
    start_time = models.TimeField()
    end_time = models.TimeField()
    supervisor = staff_member(optional=True)
    capacity = models.PositiveSmallIntegerField()
    vehicle = models.ForeignKey(Vehicle, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    pick_up_point = models.CharField(max_length=200, blank=True)
    pick_up_time = models.TimeField(null=True, blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    created_by = staff_member()

    def __str__(self) -> str:
        return f"Weekly session on {self.project}"


class SessionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    STOOD_DOWN = "stood_down", "Stood down"
    CLOSED = "closed", "Closed"


class StandDownReason(models.TextChoices):
    WEATHER = "weather", "Weather"
    NO_SUPERVISOR = "no_supervisor", "No supervisor"
    NO_VEHICLE = "no_vehicle", "No vehicle"
    SITE_UNAVAILABLE = "site_unavailable", "Site unavailable"
    OTHER = "other", "Other"


class Session(models.Model):
    """A work party: a project on a date, with a supervisor, capacity, vehicle and pick-up."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="sessions")
    series = models.ForeignKey(SessionSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions")
    date = models.DateField(db_index=True)
    start_time = models.TimeField()
    end_time = models.TimeField()
    supervisor = staff_member(optional=True, related_name="supervised_sessions")
    needs_cover = models.BooleanField(default=False)
    capacity = models.PositiveSmallIntegerField()
    vehicle = models.ForeignKey(Vehicle, null=True, blank=True, on_delete=models.PROTECT, related_name="sessions")
    pick_up_point = models.CharField(max_length=200, blank=True)
    pick_up_time = models.TimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=SessionStatus.choices, default=SessionStatus.PLANNED)
    # Before work
    toolbox_talk_given = models.BooleanField(default=False)
    site_induction_given = models.BooleanField(default=False)
    hazards_seen = models.TextField(blank=True)
    controls = models.TextField(blank=True)
    go_decision = models.BooleanField(null=True, blank=True)
    checks_recorded_at = models.DateTimeField(null=True, blank=True)
    # Stand-down by the service
    stand_down_reason = models.CharField(max_length=20, choices=StandDownReason.choices, blank=True)
    stand_down_detail = models.CharField(max_length=500, blank=True)
    stood_down_at = models.DateTimeField(null=True, blank=True)
    stood_down_by = staff_member(optional=True)
    # The register: every accepted change increments the version (concurrent edits are detected).
    register_version = models.PositiveIntegerField(default=0)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = staff_member(optional=True)

    class Meta:
        ordering = ["date", "start_time", "id"]
        indexes = [models.Index(fields=["supervisor", "date"])]
        permissions = [("run_session", "Can run a session: checks, register, tools")]

    def __str__(self) -> str:
        return f"{self.project} on {self.date:%a %d %b %Y}"


class SupervisorAbsence(models.Model):
    supervisor = staff_member(related_name="absences")
    starts_on = models.DateField()
    ends_on = models.DateField()
    reason = models.CharField(max_length=200)
    recorded_by = staff_member()
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.supervisor} absent {self.starts_on} to {self.ends_on}"


class Outcome(models.TextChoices):
    ATTENDED_COMPLIED = "attended_complied", "Attended – complied"
    ATTENDED_FAILED_TO_COMPLY = "attended_failed_to_comply", "Attended – failed to comply"
    SENT_HOME_BEHAVIOUR = "sent_home_behaviour", "Sent home – behaviour"
    SENT_HOME_REFUSED_PPE = "sent_home_refused_ppe", "Sent home – refused PPE or instruction"
    SENT_HOME_UNFIT = "sent_home_unfit", "Sent home – unfit through drink or drugs"
    SENT_HOME_SERVICE = "sent_home_service", "Sent home – service reasons"
    LATE_SENT_AWAY = "late_sent_away", "Arrived late – sent away"
    UNACCEPTABLE_ABSENCE = "unacceptable_absence", "Unacceptable absence"
    ACCEPTABLE_ABSENCE = "acceptable_absence", "Acceptable absence"
    STOOD_DOWN = "stood_down", "Stood down by the service"
    RESCHEDULED = "rescheduled", "Rescheduled"


class AbsenceReason(models.TextChoices):
    MEDICAL = "medical", "Medical"
    EMPLOYMENT = "employment", "Employment"
    FAMILY = "family", "Family or childcare"
    COURT = "court", "Court"
    OTHER = "other", "Other"


class Rating(models.TextChoices):
    EXCELLENT = "excellent", "Excellent"
    GOOD = "good", "Good"
    SATISFACTORY = "satisfactory", "Satisfactory"
    UNSATISFACTORY = "unsatisfactory", "Unsatisfactory"
    POOR = "poor", "Poor"


class Appointment(models.Model):
    """A person booked into a session, and what happened. Credits go to the case ledger."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="appointments")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="appointments")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="appointments")
    date = models.DateField()  # the session's date: one appointment per person per day
    booked_by = staff_member()
    booked_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=40, choices=Outcome.choices, blank=True)
    absence_reason = models.CharField(max_length=20, choices=AbsenceReason.choices, blank=True)
    arrived_at = models.TimeField(null=True, blank=True)
    left_at = models.TimeField(null=True, blank=True)
    penalty_minutes = models.PositiveSmallIntegerField(default=0)
    work_quality = models.CharField(max_length=20, choices=Rating.choices, blank=True)
    behaviour = models.CharField(max_length=20, choices=Rating.choices, blank=True)
    note = models.CharField(max_length=1000, blank=True)
    evidence_due = models.DateField(null=True, blank=True)
    credited_entry = models.ForeignKey(LedgerEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # Why the credit is less than was worked, if it is ("capped at 3 hours of the 8 hours: ..."),
    # or why nothing was credited: kept from the register's close and any correction.
    credit_note = models.TextField(blank=True)
    rebooked = models.BooleanField(default=False)
    outcome_recorded_by = staff_member(optional=True)
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    # The placement rules this booking now breaks, in words (empty if none): kept current by
    # `conflicts.bookings_recheck` whenever the facts change. Such a booking cannot be worked.
    conflict = models.TextField(blank=True)
    conflict_found_at = models.DateTimeField(null=True, blank=True)
    # The person told us (online) before the session that they cannot come, and why: the register
    # shows it beside their name. What they sent is for their practitioner, in their service.
    said_cannot_come_at = models.DateTimeField(null=True, blank=True)
    said_cannot_come_because = models.CharField(max_length=20, choices=AbsenceReason.choices, blank=True)

    class Meta:
        ordering = ["session", "person__last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "date"], condition=models.Q(cancelled_at__isnull=True), name="one_session_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} at {self.session}"


class ToolCount(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="tool_counts")
    tool = models.CharField(max_length=100)
    counted_out = models.PositiveSmallIntegerField()
    counted_in = models.PositiveSmallIntegerField(null=True, blank=True)
    damaged = models.PositiveSmallIntegerField(default=0)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "tool"], name="tool_once_per_session")]

    def __str__(self) -> str:
        return f"{self.tool}: {self.counted_out} out"

    @property
    def missing(self) -> int:
        if self.counted_in is None:
            return 0
        return max(0, self.counted_out - self.counted_in)


class IncidentStatus(models.TextChoices):
    REPORTED = "reported", "Reported"
    PAPERWORK_COMPLETE = "paperwork_complete", "Paperwork complete"
    UNDER_INVESTIGATION = "under_investigation", "Under investigation"
    CLOSED = "closed", "Closed"


def reporter_name(staff: User, online: str) -> str:
    """Who reported something, as staff read it: the member of staff, or someone outside the service
    who reported it online, with the member of staff it was passed to."""
    if online:
        return f"{online} (online, passed to {staff.get_full_name() or staff.username})"
    return staff.get_full_name() or staff.username


class Incident(models.Model):
    """An incident or accident on a session: reaches the operations manager at once."""

    session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="incidents")
    occurred_at = models.DateTimeField()
    location = models.CharField(max_length=300)
    what_happened = models.TextField()
    people_involved = models.TextField(blank=True)
    witnesses = models.TextField(blank=True)
    injuries = models.TextField(blank=True)
    damage = models.TextField(blank=True)
    emergency_services_called = models.BooleanField(default=False)
    immediate_action = models.TextField(blank=True)
    near_miss = models.BooleanField(default=False)
    reported_by = staff_member()
    # Reported online by someone outside the service (a beneficiary's named contact, with their
    # organisation): `reported_by` is then the member of staff it was passed to, who can be asked.
    reported_online_by = models.CharField(max_length=300, blank=True)
    reported_at = models.DateTimeField(auto_now_add=True)
    paperwork_due_at = models.DateTimeField()
    paperwork_completed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=30, choices=IncidentStatus.choices, default=IncidentStatus.REPORTED)
    investigation = models.TextField(blank=True)
    outcome = models.TextField(blank=True)
    learning = models.TextField(blank=True)
    closed_by = staff_member(optional=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The investigation found that the project's risk assessment must be reviewed: the review it
    # raised on the project (`project.review_raised_at` at the time), and what it must look at. The
    # review is done once an assessment recommended since then is approved.
    review_raised_at = models.DateTimeField(null=True, blank=True)
    review_finding = models.CharField(max_length=400, blank=True)

    class Meta:
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return f"Incident at {self.project} on {self.occurred_at:%Y-%m-%d}"

    @property
    def reporter(self) -> str:
        return reporter_name(self.reported_by, self.reported_online_by)


class LearningShared(models.Model):
    """The learning from a closed incident, shared at a team meeting: once for each meeting."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="shared_at")
    meeting_on = models.DateField()
    notes = models.CharField(max_length=1000, blank=True)
    shared_by = staff_member()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["incident", "meeting_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "meeting_on"],
                name="learning_shared_once_a_meeting",
                violation_error_message="This learning is already recorded as shared at that meeting",
            )
        ]

    def __str__(self) -> str:
        return f"Learning from {self.incident} shared on {self.meeting_on}"


class ConcernCategory(models.TextChoices):
    DRUGS_ALCOHOL = "drugs_alcohol", "Drugs or alcohol"
    WELLBEING = "wellbeing", "Emotional wellbeing"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    COUNTY_LINES = "county_lines", "County lines"
    MODERN_SLAVERY = "modern_slavery", "Modern slavery"
    OTHER = "other", "Other"


class RiskConcern(models.Model):
    """Something a supervisor noticed about a person, for their probation practitioner."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="risk_concerns")
    session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.PROTECT, related_name="risk_concerns")
    category = models.CharField(max_length=20, choices=ConcernCategory.choices)
    details = models.TextField()
    raised_by = staff_member()
    # As an incident's `reported_online_by`: `raised_by` is then the member of staff it was passed to.
    reported_online_by = models.CharField(max_length=300, blank=True)
    raised_at = models.DateTimeField(auto_now_add=True)
    acknowledged_by = staff_member(optional=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    action_taken = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_at"]

    def __str__(self) -> str:
        return f"{self.get_category_display()} concern about {self.person}"

    @property
    def reporter(self) -> str:
        return reporter_name(self.raised_by, self.reported_online_by)


class IdempotentRequest(RepeatableRequest):
    """The answer given to a submit from the field."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")


class IndividualPlacementTimesheet(models.Model):
    """Hours worked on an individual placement, supervised by the beneficiary, from a timesheet: typed
    in by staff from paper (`entered_by`, one a day), or signed online by the beneficiary's named
    contact (`signed_at`, with the times, breaks and tasks; several a day whose times do not overlap)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="timesheets")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="timesheets")
    worked_on = models.DateField()
    minutes = models.PositiveIntegerField()
    beneficiary_supervisor = models.CharField(max_length=200)
    entered_by = staff_member(optional=True)  # empty: signed online by the beneficiary's contact
    entered_at = models.DateTimeField(auto_now_add=True)
    credited_entry = models.ForeignKey(LedgerEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    started_at = models.TimeField(null=True, blank=True)
    ended_at = models.TimeField(null=True, blank=True)
    break_minutes = models.PositiveSmallIntegerField(default=0)
    tasks = models.TextField(blank=True)
    note = models.TextField(blank=True)
    signed_by_email = models.EmailField(blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["requirement", "worked_on", "project"],
                condition=models.Q(started_at__isnull=True),
                name="one_timesheet_line_a_day",
            ),
            models.CheckConstraint(
                condition=models.Q(started_at__isnull=True) | models.Q(ended_at__gt=models.F("started_at")),
                name="timesheet_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.minutes} min on {self.worked_on} at {self.project}"
