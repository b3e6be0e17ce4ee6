"""The caseload's rows, each formatted once in Python: what every cell shows, ready to print. What is
the same on every row (the link's pattern, the months' names, the statuses' labels) is worked out
once for the page, not once a row."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.template.defaultfilters import date as format_date
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from payback.core.templatetags.payback import hours_short

from .models import CaseStatus, Requirement
from .selectors import CaseFlags

TAG = '<strong class="govuk-tag govuk-tag--{}">{}</strong>'
STATUS_LABELS = dict(CaseStatus.choices)
PK_MARK = "2147483647"  # stands for a case's id in its link's pattern


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


class RowFormat:
    """Formats the rows of one page of the caseload, in the language of the page."""

    def __init__(self) -> None:
        self.summary = reverse("cases:summary", args=[PK_MARK])
        # "M" of the `date` filter: the month's abbreviated name.
        self.months = [format_date(date(2000, month, 1), "M") for month in range(1, 13)]

    def day_month(self, day: date) -> str:
        """As the filter `date:"j M"` shows it."""
        return f"{day.day} {self.months[day.month - 1]}"

    def day_month_year(self, day: date) -> str:
        """As the filter `date:"j M Y"` shows it."""
        return f"{self.day_month(day)} {day.year}"

    def row(self, case: Requirement, flags: CaseFlags) -> CaseloadRow:
        person = case.person
        ordered = case.ordered_minutes + case.variation_minutes
        return CaseloadRow(
            case=case,
            flags=flags,
            href=self.summary.replace(PK_MARK, str(case.pk)),
            name=f"{person.last_name}, {person.first_name}",
            crn=person.crn,
            sentenced=self.day_month_year(case.order.sentence_date),
            hours=f"{hours_short(flags.remaining)} of {hours_short(ordered)}",
            completion=self.day_month_year(flags.completion) if flags.completion else "No limit",
            status=STATUS_LABELS.get(case.status, case.status),
            tags=self.tags(case, flags),
        )

    def tags(self, case: Requirement, flags: CaseFlags) -> SafeString:
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
            if state == "overdue":
                tags.append(("red", f"{label} overdue"))
            elif state == "due":
                tags.append(("blue", f"{label} due {self.day_month(due)}"))
        return format_html_join("\n", TAG, tags) if tags else format_html("")


def caseload_rows(cases: Iterable[tuple[Requirement, CaseFlags]]) -> list[CaseloadRow]:
    """The rows of one page of the caseload, each case with its flags."""
    formatter = RowFormat()
    return [formatter.row(case, flags) for case, flags in cases]
