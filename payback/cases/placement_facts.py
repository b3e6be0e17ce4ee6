"""What the placement rules (`payback.placement`) need to know about people: availability,
risk flags, placement preference and non-associations, read from the current assessment."""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q

from payback import placement

from .assessment import rules as assessment_rules
from .models import Assessment, AssessmentStatus, NonAssociation, Person


def availability_of(assessment: Assessment | None) -> dict[int, frozenset[str]]:
    """Parts of the day free, by weekday (0 is Monday), from the assessment."""
    if assessment is None:
        return {}
    cannot = set(assessment.days_cannot_work or [])
    found: dict[int, frozenset[str]] = {}
    for index, day in enumerate(assessment_rules.DAYS):
        parts = (assessment.availability or {}).get(day) or []
        if parts and day not in cannot:
            found[index] = frozenset(parts)
    return found


def group_unsuitable(assessment: Assessment | None) -> bool:
    """Assessed as unsuitable for group work, or suitable only for placement types that are not groups."""
    if assessment is None:
        return False
    types = list(assessment.suitable_placement_types or [])
    return bool(assessment.group_work_unsuitable or (types and "group" not in types))


def non_associations_among(person_ids: Iterable[int]) -> dict[int, set[int]]:
    """Everyone each person must not be placed with (current records, read both ways)."""
    ids = list(person_ids)
    enemies: dict[int, set[int]] = defaultdict(set)
    for a, b in NonAssociation.objects.filter(
        Q(person_id__in=ids) | Q(other_id__in=ids), ended_at__isnull=True
    ).values_list("person_id", "other_id"):
        enemies[a].add(b)
        enemies[b].add(a)
    return enemies


def placement_facts(person_ids: Iterable[int]) -> dict[int, placement.Person]:
    """The placement facts of each person, by id."""
    ids = sorted(set(person_ids))
    sexes = dict(Person.objects.filter(pk__in=ids).values_list("pk", "sex"))
    assessments = {
        a.person_id: a
        for a in Assessment.objects.filter(person_id__in=ids, status=AssessmentStatus.CURRENT).prefetch_related(
            "risk_flags"
        )
    }
    enemies = non_associations_among(ids)
    found = {}
    for pid in ids:
        assessment = assessments.get(pid)
        found[pid] = placement.Person(
            id=pid,
            female=sexes.get(pid) == "female",
            flags=frozenset(f.code for f in assessment.risk_flags.all()) if assessment else frozenset(),
            preference=(assessment.placement_preference or "") if assessment else "",
            group_unsuitable=group_unsuitable(assessment),
            availability=availability_of(assessment),
            non_associations=frozenset(enemies.get(pid, set())),
        )
    return found
