"""A letter from its template: the words in plain English (what happened, what the person must do
and by when), as HTML for the PDF and as text kept with the letter."""

import re
from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.utils.html import strip_tags
from weasyprint import HTML

TEMPLATES = {
    "warning": "enforcement/letters/warning.html",
    "breach": "enforcement/letters/breach.html",
    "appointment": "enforcement/letters/appointment.html",
    "completion": "enforcement/letters/completion.html",
}


def letter_html(kind: str, context: dict[str, Any]) -> str:
    return render_to_string(TEMPLATES[kind], context)


def letter_text(html: str) -> str:
    """The words of the letter without the markup, one paragraph a line."""
    body = html.split("<body>", 1)[-1]
    body = re.sub(r"</(p|h1|h2|li|address)>", "\n", body)
    lines = (re.sub(r"\s+", " ", line).strip() for line in strip_tags(body).splitlines())
    return "\n".join(line for line in lines if line)


def letter_pdf(html: str) -> bytes:
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def sample_context(kind: str, today: date) -> dict[str, Any]:
    """Made-up details to show a template with (on the page that lists the templates)."""
    return {
        "person": {"full_name": "Alex Sample", "address": "1 Example Street, Newcastle", "postcode": "NE1 1AA"},
        "reference": "SAMPLE",
        "today": today,
        "failure": {"outcome_label": "Unacceptable absence", "occurred_on": today, "where": "Towpath clearance"},
        "window_months": 12,
        "warning_until": today.replace(year=today.year + 1) if not (today.month == 2 and today.day == 29) else today,
        "hours_ordered": "100 hours",
        "hours_remaining": "42 hours",
        "session": {"date": today, "start_time": "09:00", "project": "Towpath clearance", "meeting_point": "Haymarket"},
        "practitioner": "Pat Practitioner",
        "court": "Newcastle Magistrates' Court",
    }
