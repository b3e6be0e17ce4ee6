"""The work on sessions and projects: a supervisor's sessions today and registers not closed; a
placement coordinator's nominations, people the week's plan did not place and projects whose risk
assessment needs review; an operations manager's incident paperwork, quality assurance due and
the week's stand-downs. Each reads the selectors behind the page where the work is done."""

from datetime import date, timedelta
from urllib.parse import urlencode

from django.utils import timezone

from payback.allocation.models import AllocationRun, RunStatus
from payback.allocation.selectors import recent_runs, review, runs_for
from payback.delivery.models import SessionStatus
from payback.delivery.selectors import my_sessions, open_incidents, sessions_for, stand_down_report
from payback.projects.models import NominationStatus
from payback.projects.selectors import NominationFilters, ProjectFilters, nomination_register, project_list
from payback.quality import rules as quality_rules
from payback.quality.selectors import QualityDue, quality_due

from .items import Record, Today, WorkItem, first_few, local_day, record, url, waiting, work
from .rules import Urgency, urgency_of, within_horizon

# ---------------------------------------------------------------------------------------------
# A supervisor


def sessions_today(t: Today) -> WorkItem:
    records = [
        Record(f"{s.project.name}, {s.start_time:%H:%M}", url("delivery:session", s.pk), t.today, "On", Urgency.TODAY)
        for s in my_sessions(t.user, on=t.today).filter(status=SessionStatus.PLANNED)
    ]
    return work("sessions_today", "Sessions today", url("delivery:today"), records, noun="session")


def registers_not_closed(t: Today) -> WorkItem:
    """The supervisor's own sessions on days gone by whose register is still open."""
    past = sessions_for(t.user).filter(supervisor=t.user, status=SessionStatus.PLANNED, date__lt=t.today)
    records = [
        record(s.project.name, url("delivery:register", s.pk), s.date, t.today, when_label="Session on")
        for s in past.order_by("date", "start_time", "pk")
    ]
    href = records[0].href if records else url("delivery:today")
    return work("registers", "Registers not closed", href, records, noun="register")


# ---------------------------------------------------------------------------------------------
# A placement coordinator


def nominations(t: Today) -> WorkItem:
    """New nominations not yet acknowledged, the soonest acknowledgement date first."""
    new = nomination_register(t.user, NominationFilters(status=NominationStatus.NEW), today=t.today)
    first, count = first_few(new.order_by("acknowledge_by", "submitted_at", "pk"))
    records = [
        record(n.reference, url("projects:nomination", n.pk), n.acknowledge_by, t.today, when_label="Acknowledge by")
        for n in first
    ]
    overdue = new.filter(acknowledge_by__lt=t.today).count() if records else 0
    href = url("projects:nominations", query=f"status=new{'&overdue=yes' if overdue else ''}")
    return work(
        "nominations", "Nominations to acknowledge", href, records, count=count, overdue=overdue, noun="nomination"
    )


def _latest_plans(t: Today) -> list[AllocationRun]:
    """For each PDU, the newest plan ready or published for the soonest week from this one on."""
    monday = t.today - timedelta(days=t.today.weekday())
    chosen: dict[int, AllocationRun] = {}
    for run in recent_runs(t.user).defer("instance", "plan"):
        if run.status not in (RunStatus.DONE, RunStatus.PUBLISHED) or run.week_start < monday:
            continue
        best = chosen.get(run.pdu_id)
        if best is None or run.week_start < best.week_start:
            chosen[run.pdu_id] = run
    if not chosen:
        return []
    # The plans themselves, read once for the runs chosen.
    plans = runs_for(t.user).filter(pk__in=[run.pk for run in chosen.values()])
    return sorted(plans, key=lambda run: (run.week_start, run.pdu.name))


def people_not_placed(t: Today) -> WorkItem:
    """Everyone the latest plan of each PDU (this week's, or the next planned) left without a session."""
    records = []
    for run in _latest_plans(t):
        for row in review(run).people:
            if not row.sessions:
                label = f"{row.name} ({row.crn})"
                records.append(
                    record(label, url("allocation:run", run.pk), run.week_start, t.today, when_label="Week of")
                )
    href = records[0].href if records else url("allocation:index")
    return work("not_placed", "People not placed", href, records, noun="person")


def projects_needing_review(t: Today) -> WorkItem:
    projects = project_list(t.user, ProjectFilters(review_needed=True)).order_by("review_raised_at", "pk")
    first, count = first_few(projects)
    records = [waiting(p.name, url("projects:project", p.pk), local_day(p.review_raised_at)) for p in first]
    href = url("projects:list", query="review_needed=yes")
    return work(
        "project_reviews", "Projects needing a risk assessment review", href, records, count=count, noun="project"
    )


# ---------------------------------------------------------------------------------------------
# An operations manager


def incident_paperwork(t: Today) -> WorkItem:
    records = []
    for incident in open_incidents(t.user).filter(paperwork_completed_at__isnull=True):
        due = timezone.localdate(incident.paperwork_due_at)
        # Paperwork is due within hours of the incident: overdue from the moment it was due.
        urgency = Urgency.OVERDUE if incident.paperwork_due_at < t.now else urgency_of(due, t.today)
        label = f"{incident.project.name}, {timezone.localdate(incident.occurred_at):%-d %B}"
        records.append(Record(label, url("delivery:incident", incident.pk), due, "Paperwork due", urgency))
    return work("incidents", "Incident paperwork due", url("delivery:incidents"), records, noun="incident")


def _quality(t: Today) -> QualityDue:
    return t.memo("quality", lambda: quality_due(t.user, today=t.today, book=t.book))


def _due_records(items: list[quality_rules.Due], link: str, t: Today) -> list[Record]:
    return [record(d.subject, url(link, d.subject_id), d.due, t.today) for d in items if within_horizon(d.due, t.today)]


def observations(t: Today) -> WorkItem:
    records = _due_records(_quality(t).observations, "quality:observation", t)
    return work("observations", "Observations of supervisors due", url("quality:index"), records, noun="supervisor")


def quality_actions(t: Today) -> WorkItem:
    """Reflective supervision of new staff and audit actions, overdue or due this week."""
    due = _quality(t)
    records = _due_records(due.supervisions, "quality:reflective-supervision", t)
    records += _due_records(due.audit_actions, "quality:action-done", t)
    label = "Reflective supervision and audit actions due"
    return work("quality", label, url("quality:index"), records, noun="item")


def stand_downs(t: Today) -> WorkItem:
    monday = t.today - timedelta(days=t.today.weekday())
    sunday = monday + timedelta(days=6)
    report = stand_down_report(t.user, start=monday, end=sunday)
    days = {
        f"{name}_{i}": part for name, day in (("start", monday), ("end", sunday)) for i, part in enumerate(_parts(day))
    }
    query = urlencode(days)
    return WorkItem(
        key="stand_downs",
        label="Sessions stood down this week",
        count=report.total,
        href=url("delivery:stand-downs", query=query),
        urgency=Urgency.INFORMATION,
        noun="session",
    )


def _parts(day: date) -> tuple[int, int, int]:
    return day.day, day.month, day.year
