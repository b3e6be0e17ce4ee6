"""The work of each role, as a registry: for each role, the kinds of work that are theirs, each
with the permission the page where it is done asks for. The home page shows a section for each
role the user holds, in the order the roles are listed, the most urgent work first."""

from collections.abc import Callable
from dataclasses import dataclass

from payback.staff import roles as r
from payback.staff.models import User

from . import figures, work, work_delivery
from .items import Section, Today, WorkItem


@dataclass(frozen=True)
class Kind:
    read: Callable[[Today], WorkItem]
    permission: str  # what the page where the work is done asks for


WORK: dict[str, tuple[Kind, ...]] = {
    r.SUPERVISOR: (
        Kind(work_delivery.sessions_today, r.RUN_SESSIONS),
        Kind(work_delivery.registers_not_closed, r.RUN_SESSIONS),
    ),
    r.PLACEMENT_COORDINATOR: (
        Kind(work_delivery.nominations, r.MANAGE_NOMINATIONS),
        Kind(work_delivery.people_not_placed, r.PLAN_SESSIONS),
        Kind(work_delivery.projects_needing_review, r.VIEW_PROJECTS),
    ),
    r.OPERATIONS_MANAGER: (
        Kind(work_delivery.incident_paperwork, r.INVESTIGATE_INCIDENTS),
        Kind(work_delivery.observations, r.ASSURE_QUALITY),
        Kind(work_delivery.quality_actions, r.ASSURE_QUALITY),
        Kind(work_delivery.stand_downs, r.PLAN_SESSIONS),
    ),
    r.PROBATION_PRACTITIONER: (
        Kind(work.decisions_due, r.DECIDE_FAILURES),
        Kind(work.reviews, r.DECIDE_FAILURES),
        Kind(work.inductions_and_assessments, r.VIEW_CASES),
        Kind(work.risk_concerns, r.ACKNOWLEDGE_CONCERNS),
        Kind(work.bookings_to_fix, r.DECIDE_FAILURES),
    ),
    r.SENIOR_PROBATION_OFFICER: (
        Kind(work.countersigning, r.COUNTERSIGN),
        Kind(work.consultations, r.COUNTERSIGN),
        Kind(work.overdue_decisions, r.OVERSEE_DECISIONS),
        Kind(work.one_to_ones, r.OVERSEE_PRACTICE),
        Kind(work.touch_points, r.OVERSEE_PRACTICE),
    ),
    r.HEAD_OF_UNPAID_WORK: (),
    r.CASE_ADMINISTRATOR: (),
}

# Roles whose section shows the area's headline figures.
FIGURES = {r.HEAD_OF_UNPAID_WORK}


def sections_for(user: User, t: Today) -> list[Section]:
    """A section for each role the user holds, in the roles' order, each with its work most urgent
    first and the kinds with nothing to do apart."""
    held = set(user.role_names)
    sections = []
    for role in r.ROLES:
        if role.name not in held:
            continue
        section = Section(role=role.name)
        found = [kind.read(t) for kind in WORK.get(role.name, ()) if user.has_perm(kind.permission)]
        section.items = sorted((item for item in found if item.count), key=lambda item: item.sort_key)
        section.clear = [item for item in found if not item.count]
        if role.name in FIGURES and user.has_perm(r.VIEW_FIGURES):
            section.headlines = figures.headlines(t)
        sections.append(section)
    return sections
