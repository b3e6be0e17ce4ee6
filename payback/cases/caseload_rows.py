"""The caseload's rows, each formatted once in Python: what every cell shows, ready to print. The page
lists up to 50 cases, and formatting them here costs a fraction of filtering every cell in the
template."""

from dataclasses import dataclass
from datetime import date

from django.template.defaultfilters import date as format_date
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from payback.core.templatetags.payback import hours_short

from .models import Requirement
from .selectors import CaseFlags

TAG = '<strong class="govuk-tag govuk-tag--{}">{}</strong>'


@dataclass(frozen=True)
class CaseloadRow:
    """One case on the caseload (`case` and `flags` as read; the rest as shown)."""

    case: Requirement
    flags: CaseFlags
    href: str
    name: str
    crn: str
    sentenced: str
    hours: str
    completion: str
    status: str
    tags: SafeString

    def __getitem__(self, key: str) -> object:
        return getattr(self, key)


def caseload_row(case: Requirement, flags: CaseFlags) -> CaseloadRow:
    person = case.person
    ordered = case.ordered_minutes + getattr(case, "variation_minutes", 0)
    return CaseloadRow(
        case=case,
        flags=flags,
        href=reverse("cases:summary", args=[case.pk]),
        name=f"{person.last_name}, {person.first_name}",
        crn=person.crn,
        sentenced=format_date(case.order.sentence_date, "j M Y"),
        hours=f"{hours_short(flags.remaining)} of {hours_short(ordered)}",
        completion=format_date(flags.completion, "j M Y") if flags.completion else "No limit",
        status=case.get_status_display(),
        tags=_tags(case, flags),
    )


def _tags(case: Requirement, flags: CaseFlags) -> SafeString:
    """The case's flags as GOV.UK tags: backlog or at risk, then the induction and the assessment."""
    tags: list[tuple[str, str]] = []
    if flags.backlog:
        tags.append(("red", "Backlog"))
    elif flags.at_risk:
        tags.append(("orange", "At risk"))
    for label, state, due in (
        ("Induction", flags.induction, case.induction_due),
        ("Assessment", flags.assessment, case.assessment_due),
    ):
        if tag := _due_tag(label, state, due):
            tags.append(tag)
    return format_html_join("\n", TAG, tags) if tags else format_html("")


def _due_tag(label: str, state: str, due: date) -> tuple[str, str] | None:
    if state == "overdue":
        return ("red", f"{label} overdue")
    if state == "due":
        return ("blue", f"{label} due {format_date(due, 'j M')}")
    return None
