"""Planning pages for operations managers and placement coordinators: sessions by week, planning
one session or a weekly series, supervisor absence and cover, booking and cancelling, stand-downs
and the list of people to rebook, the stand-down report, and individual placement timesheets."""

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from payback.core.edge import (
    apply_errors,
    bound,
    found,
    pick,
    redirect_success,
    scoped,
    staff_page,
    staff_user,
    submit,
)
from payback.core.formatting import format_minutes
from payback.core.registers import read_filters
from payback.core.selectors import policy_book
from payback.projects.selectors import projects_for

from .. import selectors, services, timing
from ..forms import (
    AbsenceForm,
    BookForm,
    CancelForm,
    SeriesForm,
    SessionFilterForm,
    SessionForm,
    StandDownForm,
    StandDownReportForm,
    SupervisorForm,
    TimesheetForm,
)
from .common import PLAN, RUN, TIMESHEETS, back_to_session

SERIES_SKIPPED = "delivery.series_skipped"
# What a session and a weekly series are planned with, under the same names on the form and the service.
SESSION_FIELDS = (
    "project",
    "start_time",
    "end_time",
    "capacity",
    "supervisor",
    "vehicle",
    "pick_up_point",
    "pick_up_time",
)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _week_of(value: str | None, default: date) -> date:
    try:
        return _monday(date.fromisoformat(value)) if value else _monday(default)
    except ValueError:
        return _monday(default)


@staff_page(PLAN)
def session_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    today = timezone.localdate()
    week = _week_of(request.GET.get("week"), today)
    form, data = read_filters(request, SessionFilterForm, projects=projects_for(user).order_by("name"))
    sessions = selectors.sessions_in_week(
        user, week, project_id=data.get("project"), cover_only=data.get("cover") == "1"
    )
    keep = {k: v for k, v in request.GET.items() if k != "week" and v}
    days = []
    listed = list(sessions)
    for offset in range(7):
        day = week + timedelta(days=offset)
        days.append({"date": day, "sessions": [s for s in listed if s.date == day]})
    return render(
        request,
        "delivery/session_list.html",
        {
            "form": form,
            "week": week,
            "week_end": week + timedelta(days=6),
            "days": days,
            "count": len(listed),
            "previous": "?" + urlencode({**keep, "week": (week - timedelta(days=7)).isoformat()}),
            "next": "?" + urlencode({**keep, "week": (week + timedelta(days=7)).isoformat()}),
            "this_week": "?" + urlencode(keep) if keep else "?",
            "needing_cover": selectors.sessions_needing_cover(user, today=today).count(),
            "today": today,
            "can_timesheet": user.has_perm(TIMESHEETS),
        },
    )


def _session_form_kwargs(request: HttpRequest) -> dict[str, Any]:
    user = staff_user(request)
    return {
        "projects": selectors.active_projects(user),
        "supervisors": selectors.staff_who_can(user, RUN),
        "vehicles": selectors.vehicles_in_scope(user),
    }


@staff_page(PLAN)
def session_create(request: HttpRequest) -> HttpResponse:
    form = bound(request, SessionForm, **_session_form_kwargs(request))
    done = submit(
        form,
        lambda data: services.session_create(actor=staff_user(request), **pick(data, "session_date", *SESSION_FIELDS)),
    )
    if done.ok and (session := done.value) is not None:
        return back_to_session(request, session.pk, f"Session planned: {session}")
    return render(request, "delivery/session_form.html", {"form": form})


@staff_page(PLAN)
def series_create(request: HttpRequest) -> HttpResponse:
    form = bound(request, SeriesForm, initial={"weeks_ahead": 8}, **_session_form_kwargs(request))
    done = submit(
        form,
        lambda data: services.session_series_create(
            actor=staff_user(request), **pick(data, "weekday", "starts_on", "weeks_ahead", *SESSION_FIELDS)
        ),
    )
    if done.ok and (result := done.value) is not None:
        series, created, skipped = result
        request.session[SERIES_SKIPPED] = {"series": series.pk, "skipped": skipped}
        message = f"{len(created)} weekly session{'s' if len(created) != 1 else ''} planned"
        return redirect_success(request, message, "delivery:series", pk=series.pk)
    return render(request, "delivery/series_form.html", {"form": form})


@staff_page(PLAN)
def series_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    sessions = selectors.series_sessions(user, pk)
    if not sessions:
        raise Http404("No such series")
    flash = request.session.pop(SERIES_SKIPPED, None)
    skipped = flash["skipped"] if isinstance(flash, dict) and flash.get("series") == pk else []
    return render(
        request,
        "delivery/series_detail.html",
        {"series": sessions[0].series, "sessions": sessions, "skipped": skipped},
    )


@staff_page(PLAN)
def absence_create(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = bound(request, AbsenceForm, supervisors=selectors.staff_who_can(user, RUN))
    done = submit(
        form,
        lambda data: services.supervisor_absence_record(
            actor=user, **pick(data, "supervisor", "starts_on", "ends_on", "reason")
        ),
    )
    if done.ok and (result := done.value) is not None:
        absence, affected = result
        count = len(affected)
        message = (
            f"Absence recorded: {count} session{'s' if count != 1 else ''} flagged for cover"
            if count
            else "Absence recorded: no planned sessions are affected"
        )
        return redirect_success(request, message, "delivery:absence", pk=absence.pk)
    return render(request, "delivery/absence_form.html", {"form": form})


@staff_page(PLAN)
def absence_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user, absence = scoped(request, selectors.absence_get, pk)
    sessions = selectors.sessions_in_absence(user, absence)
    return render(request, "delivery/absence_detail.html", {"absence": absence, "sessions": sessions})


@staff_page(PLAN)
def supervisor_change(request: HttpRequest, pk: int) -> HttpResponse:
    user, session = scoped(request, selectors.session_get, pk)
    form = bound(
        request,
        SupervisorForm,
        supervisors=selectors.staff_who_can(user, RUN),
        initial={"supervisor": session.supervisor_id},
    )

    def assign(data: dict[str, Any]) -> None:
        services.session_assign_supervisor(actor=user, session=session, supervisor=data["supervisor"])

    if submit(form, assign, rename={"session": "supervisor"}).ok:
        return back_to_session(request, pk, f"{form.cleaned_data['supervisor']} will supervise the session")
    return render(request, "delivery/supervisor_form.html", {"session": session, "form": form})


@staff_page(PLAN)
def appointment_book(request: HttpRequest, pk: int) -> HttpResponse:
    user, session = scoped(request, selectors.session_get, pk)
    form = bound(request, BookForm)
    if request.method == "POST" and form.is_valid():
        requirement = selectors.open_requirement(user, form.cleaned_data["crn"])
        if requirement is None:
            form.add_error("crn", "No open case with this CRN in your area")
        else:
            try:
                appointment = services.appointment_book(actor=user, session=session, requirement=requirement)
            except ValidationError as error:
                # Every reason, one to a line: the service checks them all, not only the first.
                reasons = selectors.appointment_check(session, requirement, book=policy_book())
                for message in reasons or error.messages:
                    form.add_error("crn", f"{requirement.person.full_name}: {message[:1].lower()}{message[1:]}")
            else:
                return back_to_session(request, pk, f"{appointment.person.full_name} booked on the session")
    return render(request, "delivery/book_form.html", {"session": session, "form": form})


@staff_page(PLAN)
def appointment_cancel(request: HttpRequest, aid: int) -> HttpResponse:
    user, appointment = scoped(request, selectors.appointment_get, aid)
    session = selectors.session_get(user, appointment.session_id)
    if appointment.cancelled_at is not None:
        return back_to_session(request, session.pk, "The appointment is already cancelled", refused=True)
    form = bound(request, CancelForm)

    def cancel(data: dict[str, Any]) -> None:
        services.appointment_cancel(actor=user, appointment=appointment, reason=data["reason"])

    if submit(form, cancel, rename={"appointment": "reason"}).ok:
        return back_to_session(request, session.pk, f"Appointment for {appointment.person.full_name} cancelled")
    return render(
        request, "delivery/appointment_cancel.html", {"session": session, "appointment": appointment, "form": form}
    )


@staff_page(PLAN)
def stand_down(request: HttpRequest, pk: int) -> HttpResponse:
    user, session = scoped(request, selectors.session_get, pk)
    form = bound(request, StandDownForm)
    book = policy_book()
    allowance = book.value("stand_down_credit_minutes", session.date)
    # Nothing is credited before it happens: a future session's credit posts on its date.
    credited_when = (
        ""
        if timing.stand_down_credit_is_due(session_date=session.date, today=timezone.localdate())
        else f" on {timing.long_date(session.date)}, the day of the session,"
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.session_stand_down(
                actor=user,
                session=session,
                reason=form.cleaned_data["reason"],
                detail=form.cleaned_data["detail"],
                book=book,
            )
        except ValidationError as error:
            apply_errors(form, error, rename={"session": "reason"})
        else:
            message = (
                f"Session stood down: everyone booked is credited {format_minutes(allowance)}{credited_when} "
                "and is on the list to rebook"
            )
            return back_to_session(request, pk, message)
    return render(
        request,
        "delivery/stand_down_form.html",
        {
            "session": session,
            "form": form,
            "allowance": allowance,
            "credited_when": credited_when,
            "rows": selectors.register_rows(session),
        },
    )


@staff_page(PLAN)
def to_rebook(request: HttpRequest) -> HttpResponse:
    return render(request, "delivery/to_rebook.html", {"appointments": selectors.to_rebook(staff_user(request))})


@staff_page(PLAN)
@require_POST
def mark_rebooked(request: HttpRequest, aid: int) -> HttpResponse:
    user = staff_user(request)
    appointment = found(selectors.to_rebook(user).filter(pk=aid).first(), "No such appointment to rebook")
    try:
        services.appointment_mark_rebooked(actor=user, appointment=appointment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{appointment.person.full_name} marked as rebooked")
    return redirect("delivery:to-rebook")


# ---------------------------------------------------------------------------------------------
# The stand-down report


CHART_WIDTH = 320
CHART_LABEL = 64
CHART_BAR = 210
CHART_ROW = 26


def _chart(weeks: list[tuple[date, int]]) -> dict[str, Any]:
    """Horizontal bars, one a week, worked out here so the template only draws them. Horizontal
    bars keep their labels readable on a phone however many weeks are shown."""
    highest = max([count for _, count in weeks] + [1])
    bars = []
    for index, (week, count) in enumerate(weeks):
        top = 4 + index * CHART_ROW
        width = round(CHART_BAR * count / highest)
        bars.append(
            {
                "week": week,
                "count": count,
                "y": top + 4,
                "height": CHART_ROW - 8,
                "width": width,
                "text_y": top + CHART_ROW / 2 + 5,
                "count_x": CHART_LABEL + width + 6,
            }
        )
    summary = "; ".join(f"week of {week:%-d %B}: {count}" for week, count in weeks)
    return {
        "bars": bars,
        "width": CHART_WIDTH,
        "height": 8 + len(weeks) * CHART_ROW,
        "label_x": CHART_LABEL - 6,
        "bar_x": CHART_LABEL,
        "summary": f"Bar chart of sessions stood down by week. {summary}." if weeks else "No weeks in the period",
    }


@staff_page(PLAN)
def stand_down_report(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    today = timezone.localdate()
    # By default the last twelve weeks and the next four: sessions are often stood down ahead.
    default_start, default_end = _monday(today) - timedelta(weeks=11), _monday(today) + timedelta(weeks=5, days=-1)
    form = StandDownReportForm(request.GET or None)
    start, end = default_start, default_end
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    elif not form.is_bound:
        form = StandDownReportForm(initial={"start": default_start, "end": default_end})
    report = selectors.stand_down_report(user, start=start, end=end)
    counted = dict(report.by_week)
    weeks = []
    week = _monday(start)
    while week <= end:
        weeks.append((week, counted.get(week, 0)))
        week += timedelta(days=7)
    return render(
        request,
        "delivery/stand_down_report.html",
        {"form": form, "report": report, "weeks": weeks, "chart": _chart(weeks), "start": start, "end": end},
    )


# ---------------------------------------------------------------------------------------------
# Individual placements


@staff_page(TIMESHEETS)
def timesheet_create(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = bound(request, TimesheetForm, projects=selectors.active_projects(user, individual=True))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        requirement = selectors.open_requirement(user, data["crn"])
        if requirement is None:
            form.add_error("crn", "No open case with this CRN in your area")
        else:
            try:
                line = services.timesheet_record(
                    actor=user,
                    requirement=requirement,
                    **pick(data, "project", "worked_on", "minutes", "beneficiary_supervisor"),
                )
            except ValidationError as error:
                apply_errors(form, error, rename={"requirement": "crn"})
            else:
                credited = line.credited_entry.minutes if line.credited_entry else 0
                message = (
                    f"{format_minutes(credited)} credited to {requirement.person.full_name} "
                    f"for {data['worked_on']:%-d %B %Y}"
                )
                return redirect_success(request, message, "delivery:timesheet")
    return render(request, "delivery/timesheet_form.html", {"form": form})
