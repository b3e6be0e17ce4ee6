"""The assessment as questions and answers, for people to read on one screen."""

from typing import Any

from ..models import Assessment, PlacementPreference, PlacementType, RoshLevel, Transport
from . import rules as arules
from .forms import pages_for


def _availability(assessment: Assessment) -> str:
    lines = []
    reasons = {item["day"]: item["reason"] for item in assessment.commitments}
    for day in arules.DAYS:
        parts = assessment.availability.get(day, [])
        text = ", ".join(parts) if parts else "not available"
        reason = reasons.get(day)
        if reason:
            text += f" (otherwise: {arules.COMMITMENT_REASONS[reason].lower()})"
        lines.append(f"{arules.DAY_NAMES[day]}: {text}")
    return "\n".join(lines)


def _label(choices: Any, value: str) -> str:
    return str(choices(value).label) if value else "Not answered"


def _the_person(assessment: Assessment) -> dict[str, list[tuple[str, str]]]:
    """Answers about the person: availability, health, language, religion and preference."""
    return {
        "availability": [("Availability", _availability(assessment))],
        "health": [
            ("Health and physical limitations", assessment.health_limitations or "None recorded"),
            ("Adjustments for disabilities", assessment.disability_adjustments or "None recorded"),
            ("Adjustments for neurodiversity", assessment.neurodiversity_adjustments or "None recorded"),
        ],
        "language": [
            ("First language", assessment.first_language or "Not answered"),
            (
                "Interpreter",
                f"Needed ({assessment.interpreter_language})" if assessment.interpreter_required else "Not needed",
            ),
        ],
        "religion": [
            ("Prayer times", assessment.prayer_times or "None recorded"),
            (
                "Days that cannot be worked",
                ", ".join(arules.DAY_NAMES[d] for d in assessment.days_cannot_work) or "None",
            ),
            ("Other observance", assessment.religious_observance_notes or "None recorded"),
        ],
        "preference": [("Placement preference", _label(PlacementPreference, assessment.placement_preference))],
    }


def _the_placement(assessment: Assessment) -> dict[str, list[tuple[str, str]]]:
    """Answers about placing the person: travel, skills, suitable placements and risk."""
    return {
        "travel": [
            ("Travel", _label(Transport, assessment.transport)),
            (
                "Longest journey",
                f"{assessment.max_travel_minutes} minutes" if assessment.max_travel_minutes else "Not answered",
            ),
        ],
        "skills": [
            ("Skills", assessment.skills or "None recorded"),
            ("Experience", assessment.experience or "None recorded"),
            ("Clothing and boot size", f"{assessment.clothing_size or '–'} / {assessment.boot_size or '–'}"),
        ],
        "placements": [
            (
                "Group work",
                f"Unsuitable: {assessment.group_work_unsuitable_reason}"
                if assessment.group_work_unsuitable
                else "Suitable",
            ),
            (
                "Suitable placements",
                ", ".join(PlacementType(t).label for t in assessment.suitable_placement_types) or "Not answered",
            ),
        ],
        "risk": [
            ("Risk of serious harm", _label(RoshLevel, assessment.rosh_level)),
            (
                "Risk flags",
                ", ".join(flag.label for flag in assessment.risk_flags.all()) if assessment.pk else "None",
            ),
            (
                "Risk assessed on",
                f"{assessment.risk_assessed_on:%-d %B %Y}" if assessment.risk_assessed_on else "Not answered",
            ),
            ("Notes on risk", assessment.risk_notes or "None recorded"),
        ],
    }


def answers(assessment: Assessment) -> list[dict[str, Any]]:
    """The assessment's questions and answers, page by page."""
    rows = {**_the_person(assessment), **_the_placement(assessment)}
    return [
        {"title": page.title, "slug": page.slug, "rows": [{"key": k, "value": v} for k, v in rows[page.slug]]}
        for page in pages_for(assessment)
    ]
