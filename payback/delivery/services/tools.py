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


NOT_COUNTED_OUT_YET = "No tools were counted out for this session: record the before-work checks with the tools first"


@transaction.atomic
def session_count_tools_in_lines(
    *, actor: User, session: Session, back: dict[str, int], damaged: dict[str, int], note: str
) -> Session:
    """Tools counted back in as written on the copy kept on the phone (a tool and how many on each
    line), matched against the tools counted out, whatever the case of their names: every tool
    counted out is named, and then the rules of `session_count_tools_in` apply, the note going with
    each tool missing or damaged."""
    out = {t.tool.lower(): t for t in ToolCount.objects.select_for_update().filter(session=session)}
    if not out:
        refuse_any({"tools_in": NOT_COUNTED_OUT_YET})
    named = {tool.lower(): tool for tool in [*back, *damaged]}
    unknown = [tool for key, tool in named.items() if key not in out]
    if unknown:
        refuse_any({"tools_in": f"{unknown[0]} was not counted out"})
    unnamed = [t.tool for key, t in out.items() if key not in {k.lower() for k in back}]
    if unnamed:
        refuse_any({"tools_in": f"Say how many of {unnamed[0]} came back"})
    counts: dict[str, tuple[int, int, str]] = {}
    for tool, counted_in in back.items():
        record = out[tool.lower()]
        hurt = next((n for name, n in damaged.items() if name.lower() == tool.lower()), 0)
        problem = counted_in < record.counted_out or hurt
        counts[record.tool] = (counted_in, hurt, note if problem else "")
    session_count_tools_in(actor=actor, session=session, counts=counts)
    return session
