"""Before and after work: the toolbox talk, the dynamic risk assessment, and tools counted out
and back in."""

from django.db import transaction
from django.utils import timezone

from payback.core.services import audit_record
from payback.staff.models import User

from .. import timing
from ..models import Session, SessionStatus, ToolCount
from .common import refuse_any


@transaction.atomic
def session_record_checks(
    *,
    actor: User,
    session: Session,
    toolbox_talk_given: bool,
    site_induction_given: bool,
    hazards_seen: str,
    controls: str,
    go: bool,
    tools_out: dict[str, int],
) -> Session:
    """The toolbox talk and site induction, the dynamic risk assessment, and tools counted out:
    on the session's day only (UK time)."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    errors: dict[str, str] = {}
    if session.status != SessionStatus.PLANNED:
        errors["session"] = f"The session is {session.get_status_display().lower()}"
    elif too_soon := timing.checks_refusal(session_date=session.date, today=timing.london_now().day):
        errors["session"] = too_soon
    if not toolbox_talk_given:
        errors["toolbox_talk_given"] = "Give the toolbox talk before work starts"
    if hazards_seen.strip() and not controls.strip():
        errors["controls"] = "Describe how the hazards seen are controlled"
    for tool, count in tools_out.items():
        if not tool.strip() or not isinstance(count, int) or count < 0 or count > 500:
            errors["tools_out"] = f"Enter a count between 0 and 500 for {tool or 'each tool'}"
    refuse_any(errors)
    session.toolbox_talk_given = toolbox_talk_given
    session.site_induction_given = site_induction_given
    session.hazards_seen = hazards_seen.strip()
    session.controls = controls.strip()
    session.go_decision = go
    session.checks_recorded_at = timezone.now()
    session.save()
    for tool, count in tools_out.items():
        ToolCount.objects.update_or_create(session=session, tool=tool.strip(), defaults={"counted_out": count})
    checks = f"dynamic risk assessment: {'go' if go else 'no go'}; {sum(tools_out.values())} tools counted out"
    audit_record(actor=actor, action="session.checks", obj=session, summary=f"Toolbox talk given; {checks}")
    return session


@transaction.atomic
def session_count_tools_in(
    *, actor: User, session: Session, counts: dict[str, tuple[int, int, str]]
) -> list[ToolCount]:
    """Tools counted back in: (count in, damaged, note) for each tool counted out."""
    tools = {t.tool: t for t in ToolCount.objects.select_for_update().filter(session=session)}
    errors: dict[str, str] = {}
    for tool, (counted_in, damaged, note) in counts.items():
        record = tools.get(tool)
        if record is None:
            errors["tools_in"] = f"{tool} was not counted out"
        elif not 0 <= counted_in <= record.counted_out:
            errors["tools_in"] = f"Between 0 and {record.counted_out} of {tool} can come back"
        elif not 0 <= damaged <= counted_in:
            errors["tools_in"] = f"Damaged {tool} must be among those counted in"
        elif (counted_in < record.counted_out or damaged) and not note.strip():
            errors["tools_in"] = f"Say what happened to the missing or damaged {tool}"
    refuse_any(errors)
    problems = []
    for tool, (counted_in, damaged, note) in counts.items():
        record = tools[tool]
        record.counted_in, record.damaged, record.note = counted_in, damaged, note.strip()
        record.save()
        if record.missing or damaged:
            problems.append(f"{tool}: {record.missing} missing, {damaged} damaged ({note.strip()})")
    reported = f"; reported: {'; '.join(problems)}" if problems else ", all present"
    audit_record(actor=actor, action="session.tools_in", obj=session, summary=f"Tools counted in{reported}")
    return list(tools.values())
