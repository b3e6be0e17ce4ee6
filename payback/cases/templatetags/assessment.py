from typing import Any

from django import template

from payback.cases.assessment.display import answers
from payback.cases.models import Assessment

register = template.Library()


@register.filter
def assessment_answers(assessment: Assessment) -> list[dict[str, Any]]:
    return answers(assessment)
