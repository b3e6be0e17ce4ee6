"""The supervisor's day, on a phone: today's sessions, the session page, before-work checks, the
register, risk concerns and incident reports (tools counted back in: `tools.py`)."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from payback.cases.assessment.selectors import SessionNeeds
from payback.core.edge import bound, pick, scoped, staff_page, staff_user, submit
from payback.core.formatting import format_minutes
from payback.staff.models import User

from .. import rules, selectors, services, timing
from ..forms import ChecksForm, ConcernForm, IncidentForm, SubmitKeyForm, tools_text
from ..models import Appointment, Incident, Outcome, Session, SessionStatus
from ..register_forms import RegisterLineForm, RegisterMetaForm, register_initial
from .common import KEPT_COPY, PLAN, RAISE_CONCERNS, REPORT_INCIDENTS, RUN, back_to_session, once_per_key

CLEAR_DRAFT = "delivery.clear_register_draft"
# The before-work checks, under the same names on the session, the form and the service.
CHECKS = ("toolbox_talk_given", "site_induction_given", "hazards_seen", "controls")
CONFLICT = "Someone else has changed this register: your entries are below, check them against the latest"


@staff_page(RUN)
def today(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    day = timezone.localdate()
    return render(
        request,
        "delivery/today.html",
        {
            "today": day,
            "sessions": selectors.my_sessions(user, on=day),
            "coming": selectors.my_sessions_between(user, day + timedelta(days=1), day + timedelta(days=14)),
        },
    )


def _hours_earned(session: Session, rows: list[selectors.RegisterRow]) -> list[dict[str, Any]]:
    """What each person earned, from the ledger entries the register posted, with the note kept on
    the appointment on why someone got less than they worked."""
    credit_to_come = session.status == SessionStatus.STOOD_DOWN and not timing.stand_down_credit_is_due(
        session_date=session.date, today=timezone.localdate()
    )
    earned = []
    for row in rows:
        appointment = row.appointment
        entry = appointment.credited_entry
        note = appointment.credit_note
        if credit_to_come and appointment.outcome == Outcome.STOOD_DOWN:
            note = f"the stand-down credit posts on {timing.long_date(session.date)}, the day of the session"
        earned.append({"appointment": appointment, "minutes": entry.minutes if entry is not None else 0, "note": note})
    return earned


@staff_page(RUN, PLAN)
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user, session = scoped(request, selectors.session_get, pk)
    rows = selectors.register_rows(session)
    clear_draft = request.session.pop(CLEAR_DRAFT, None) == session.pk
    return render(
        request,
        "delivery/session_detail.html",
        {
            "session": session,
            "rows": rows,
            "tools": selectors.tool_counts(session),
            "earned": _hours_earned(session, rows) if session.status != SessionStatus.PLANNED else [],
            "incidents": selectors.session_incidents(session),
            "can_run": user.has_perm(RUN),
            "can_plan": user.has_perm(PLAN),
            "can_report": user.has_perm(REPORT_INCIDENTS),
            "can_raise": user.has_perm(RAISE_CONCERNS),
            "clear_draft": clear_draft,
            "today": timezone.localdate(),
            "checks_not_yet": timing.checks_refusal(session_date=session.date, today=timing.london_now().day),
            "register_not_yet": _register_not_yet(session),
        },
    )


def _register_not_yet(session: Session) -> str:
    """When the register of a session not yet started can be completed ('' once it can)."""
    return timing.register_refusal(session_date=session.date, start_time=session.start_time, now=timing.london_now())


@staff_page(RUN)
def session_checks(request: HttpRequest, pk: int) -> HttpResponse:
    user, session = scoped(request, selectors.session_get, pk)
    if session.status != SessionStatus.PLANNED:
        return back_to_session(request, pk, f"The session is {session.get_status_display().lower()}", refused=True)
    not_today = timing.checks_refusal(session_date=session.date, today=timing.london_now().day)
    if not_today and request.method != "POST":
        return back_to_session(request, pk, not_today, refused=True)
    initial: dict[str, Any] = {name: getattr(session, name) for name in CHECKS}
    initial["tools_out"] = tools_text(selectors.tool_counts(session))
    if session.go_decision is not None:
        initial["go"] = "go" if session.go_decision else "no_go"
    form = bound(request, ChecksForm, initial=initial)
    keys = bound(request, SubmitKeyForm)
    done = submit(
        form,
        lambda data: once_per_key(
            user,
            session,
            keys,
            "session.checks",
            data,
            lambda: services.session_record_checks(
                actor=user, session=session, go=data["go"] == "go", **pick(data, *CHECKS, "tools_out")
            ),
        ),
    )
    if done.ok:
        go = form.cleaned_data["go"] == "go"
        message = "Before-work checks recorded" if go else "No go recorded: tell your operations manager"
        return back_to_session(request, pk, message)
    return render(request, "delivery/session_checks.html", {"session": session, "form": form, "keys": SubmitKeyForm()})


# ---------------------------------------------------------------------------------------------
# The register


@dataclass
class RegisterRowView:
    """One person's part of the register: their form, what the session needs to know, and what
    is saved for them now (to compare after a conflict)."""

    form: RegisterLineForm
    appointment: Appointment | None
    needs: SessionNeeds | None
    saved: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.form.person

    @property
    def key(self) -> str:
        return f"a{self.form.appointment_id}"

    @property
    def saved_summary(self) -> str:
        if self.appointment is None or not self.appointment.outcome:
            return "Nothing saved yet"
        a = self.appointment
        parts = [Outcome(a.outcome).label]
        if a.arrived_at:
            parts.append(f"started {a.arrived_at:%H:%M}")
        if a.left_at:
            parts.append(f"finished {a.left_at:%H:%M}")
        if a.penalty_minutes:
            parts.append(f"{a.penalty_minutes} penalty minutes")
        return ", ".join(parts)


def _posted_ids(data: Any) -> list[int]:
    ids: list[int] = []
    for value in data.getlist("appointment"):
        if str(value).isascii() and str(value).isdigit() and int(value) not in ids:
            ids.append(int(value))
    return ids


def _register_rows(session: Session, data: Any | None) -> list[RegisterRowView]:
    """Everyone booked now, with what was typed for them; and anyone typed for who is no longer
    booked, so that the refusal can be shown beside their name."""
    booked = selectors.register_rows(session)
    by_id = {row.appointment.pk: row for row in booked}
    posted = _posted_ids(data) if data is not None else []
    views: list[RegisterRowView] = []
    for appointment_id in [*posted, *[pk for pk in by_id if pk not in posted]]:
        row = by_id.get(appointment_id)
        if row is not None:
            appointment: Appointment | None = row.appointment
            needs: SessionNeeds | None = row.needs
        else:
            appointment = selectors.appointment_on_session(session, appointment_id)
            needs = None
        person = appointment.person.full_name if appointment is not None else "Someone not booked on this session"
        bound = data if appointment_id in posted else None
        form = RegisterLineForm(
            bound,
            appointment_id=appointment_id,
            person=person,
            initial=register_initial(appointment) if appointment is not None and bound is None else None,
        )
        views.append(RegisterRowView(form=form, appointment=appointment, needs=needs))
    return views


def _meta(version: int) -> RegisterMetaForm:
    return RegisterMetaForm(initial={"idempotency_key": uuid.uuid4().hex, "version": version})


def _result_message(result: services.RegisterResult) -> str:
    if not result.closed:
        return "Register saved"
    credited = sum(line["credited_minutes"] for line in result.lines)
    return f"Register closed: {format_minutes(credited)} credited in all"


@staff_page(RUN)
def register(request: HttpRequest, pk: int) -> HttpResponse:
    user, session = scoped(request, selectors.session_get, pk)
    errors: list[str] = []
    confirm_errors: list[str] = []
    conflict = False
    if request.method != "POST":
        if session.status != SessionStatus.PLANNED:
            message = f"The register cannot be changed: the session is {session.get_status_display().lower()}"
            return back_to_session(request, pk, message, refused=True)
        rows = _register_rows(session, None)
        meta = _meta(session.register_version)
    else:
        rows = _register_rows(session, request.POST)
        submitted = RegisterMetaForm(request.POST)
        checked = [row.form.is_valid() for row in rows if row.form.is_bound]  # every row, to show every error
        rows_ok = all(checked)
        submitted.is_valid()
        confirm_errors = [str(message) for message in submitted.errors.get("confirm", [])]
        if any(name != "confirm" for name in submitted.errors):
            version = session.register_version
            errors.append("The page was incomplete: your entries are below, check them and submit again")
        else:
            version = submitted.cleaned_data["version"]
        if rows_ok and submitted.is_valid():
            posted = [row for row in rows if row.form.has_entries()]
            write = services.register_close if submitted.cleaned_data["action"] == "close" else services.register_save
            try:
                result = write(
                    actor=user,
                    session=session,
                    expected_version=submitted.cleaned_data["version"],
                    idempotency_key=submitted.cleaned_data["idempotency_key"],
                    lines=[row.form.line() for row in posted],
                )
            except services.RegisterConflict as stale:
                conflict = True
                errors.append(CONFLICT)
                version = stale.current_version
                rows = _register_rows(session, request.POST)
            except ValidationError as error:
                _apply_register_errors(error, posted, errors)
            else:
                request.session[CLEAR_DRAFT] = session.pk
                return back_to_session(request, pk, _result_message(result))
        for row in rows:
            row.form.name_errors()
        meta = _meta(version)
    return _register_page(request, session, rows, meta, errors=errors, confirm_errors=confirm_errors, conflict=conflict)


def _register_page(
    request: HttpRequest,
    session: Session,
    rows: list[RegisterRowView],
    meta: RegisterMetaForm,
    *,
    errors: list[str],
    confirm_errors: list[str],
    conflict: bool,
) -> HttpResponse:
    """The register with every message beside the person and field it is about."""
    field_errors = [
        (f"id_{row.form.prefix}-{name}" + ("-0" if name == "outcome" else ""), message)
        for row in rows
        for name, messages_ in row.form.errors.items()
        for message in messages_
    ]
    field_errors += [("id_confirm", message) for message in confirm_errors]
    return render(
        request,
        "delivery/register.html",
        {
            "session": session,
            "rows": rows,
            "meta": meta,
            "errors": errors,
            "field_errors": field_errors,
            "confirm_errors": confirm_errors,
            "has_errors": bool(errors or field_errors),
            "conflict": conflict,
            "attended": sorted(rules.ATTENDED),
            "not_yet": _register_not_yet(session),
            # The copy the phone keeps for the day (see views/offline.py) holds the register, to
            # open for recording at the start time, in how many seconds.
            "kept_copy": request.GET.get(KEPT_COPY[0]) == KEPT_COPY[1],
            "opens_in": max(
                0, int((timing.register_opens(session.date, session.start_time) - timezone.now()).total_seconds())
            ),
        },
    )


def _index(text: str) -> int:
    """A line's index in a service's error key; past every line when it is not a plain number."""
    return int(text) if text.isascii() and text.isdigit() else 1 << 31


def _apply_register_errors(error: ValidationError, posted: list[RegisterRowView], errors: list[str]) -> None:
    """Each message of the register service beside the person and field it is about."""
    if not hasattr(error, "error_dict"):
        errors.extend(error.messages)
        return
    for key, messages_ in error.message_dict.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "lines" and _index(parts[1]) < len(posted):
            form = posted[int(parts[1])].form
            name = "outcome" if parts[2] == "appointment_id" else parts[2]
            for message in messages_:
                form.add_error(name if name in form.fields else "outcome", message)
        else:
            errors.extend(messages_)


# ---------------------------------------------------------------------------------------------
# ---------------------------------------------------------------------------------------------
# Risk concerns and incidents from the session


@staff_page(RAISE_CONCERNS)
def concern_raise(request: HttpRequest, pk: int, aid: int) -> HttpResponse:
    user, session = scoped(request, selectors.session_get, pk)
    appointment = selectors.appointment_on_session(session, aid)
    if appointment is None:
        raise Http404("No such person on this session")
    form = bound(request, ConcernForm)
    keys = bound(request, SubmitKeyForm)
    answers = {"appointment": appointment.pk}
    done = submit(
        form,
        lambda data: once_per_key(
            user,
            session,
            keys,
            "risk_concern.raise",
            answers | data,
            lambda: services.risk_concern_raise(
                actor=user, person=appointment.person, session=session, **pick(data, "category", "details")
            ),
        ),
    )
    if done.ok:
        practitioner = appointment.person.practitioner
        told = str(practitioner) if practitioner else "their probation practitioner"
        return back_to_session(request, pk, f"Concern about {appointment.person.full_name} sent to {told}")
    context = {"session": session, "appointment": appointment, "form": form, "keys": SubmitKeyForm()}
    return render(request, "delivery/concern_form.html", context)


@staff_page(REPORT_INCIDENTS)
def incident_report(request: HttpRequest, pk: int) -> HttpResponse:
    user, session = scoped(request, selectors.session_get, pk)
    now = timezone.localtime()
    project = session.project
    initial = {
        "occurred_on": now.date(),
        "occurred_time": f"{now:%H:%M}",
        "location": ", ".join(x for x in (project.address, project.postcode) if x),
    }
    form = bound(request, IncidentForm, initial=initial)
    keys = bound(request, SubmitKeyForm)

    def report(data: dict[str, Any]) -> int:
        return once_per_key(user, session, keys, "incident.report", data, lambda: _report(user, session, data))

    done = submit(form, report, rename={"occurred_at": "occurred_on"})
    if done.ok and (incident := selectors.session_incidents(session).filter(pk=done.value or 0).first()) is not None:
        message = (
            f"{'Near miss' if incident.near_miss else 'Incident'} reported: the operations manager has been told. "
            f"The full paperwork is due by {timezone.localtime(incident.paperwork_due_at):%-d %B %Y %H:%M}"
        )
        return back_to_session(request, pk, message)
    return render(request, "delivery/incident_form.html", {"session": session, "form": form, "keys": SubmitKeyForm()})


def _report(user: User, session: Session, data: dict[str, Any]) -> Incident:
    """The incident as reported from the session's page."""
    return services.incident_report(
        actor=user,
        project=session.project,
        session=session,
        occurred_at=timezone.make_aware(datetime.combine(data["occurred_on"], data["occurred_time"])),
        emergency_services_called=data["emergency_services_called"] == "yes",
        near_miss=data["near_miss"] == "yes",
        **pick(
            data, "location", "what_happened", "people_involved", "witnesses", "injuries", "damage", "immediate_action"
        ),
    )
