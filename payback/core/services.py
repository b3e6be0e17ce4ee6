"""Writes shared by every app: the audit trail, the steps every write takes (checking the names
of the details changed, saving and auditing), assessments drafted in versions and signed off by a
second person, and policy versions."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from .context import current_origin
from .models import AuditEvent, PolicyVersion
from .policy import RULES, PolicyValueError, validate_policy_value
from .trace import current_request_id


def _actor_name(actor: Any) -> str:
    if actor is None:
        return "Payback (system)"
    full_name = getattr(actor, "get_full_name", lambda: "")()
    return full_name or getattr(actor, "username", "unknown")


# The history each audited record's events are filed under: the kind of history, and the
# attribute of the record that holds its id. A case's events are on the person's history, a
# project's assessments on the project's, a member of staff's tokens on theirs.
AUDIT_SUBJECTS: dict[str, tuple[str, str]] = {
    "staff.user": ("staff", "pk"),
    "staff.apitoken": ("staff", "user_id"),
    "cases.person": ("person", "pk"),
    "cases.requirement": ("person", "person_id"),
    "cases.assessment": ("person", "person_id"),
    "cases.induction": ("person", "requirement.person_id"),
    "cases.ledgerentry": ("person", "requirement.person_id"),
    "projects.beneficiary": ("beneficiary", "pk"),
    "projects.project": ("project", "pk"),
    "projects.projectassessment": ("project", "project_id"),
    "projects.nomination": ("nomination", "pk"),
    "projects.riskassessmentauditsample": ("region", "region_id"),
    "delivery.session": ("session", "pk"),
    "delivery.appointment": ("person", "person_id"),
    "delivery.riskconcern": ("person", "person_id"),
    "delivery.incident": ("project", "project_id"),
    "delivery.vehicle": ("vehicle", "pk"),
    "delivery.vehiclecheck": ("vehicle", "vehicle_id"),
    "delivery.driverauthorisation": ("staff", "driver_id"),
    "allocation.allocationrun": ("allocation", "pk"),
    "core.policyversion": ("policy", "key"),
}


def audit_subject_of(obj: models.Model) -> str:
    """The history `obj`'s audit events are filed under, like "person:12"; empty for a record
    that has none of its own."""
    filed = AUDIT_SUBJECTS.get(obj._meta.label_lower)
    if filed is None:
        return ""
    kind, path = filed
    value: Any = obj
    for name in path.split("."):
        value = getattr(value, name)
    return f"{kind}:{value}"


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    summary: str,
    subject: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event. Call inside the transaction of the change it describes.

    The event is filed under `subject` when given, otherwise under the history of `obj`
    (see `AUDIT_SUBJECTS`)."""
    origin = current_origin()
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=_actor_name(actor),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        summary=summary[:500],
        before=before,
        after=after,
        subject=audit_subject_of(obj) if subject is None else subject,
        channel=origin.channel,
        ip_address=origin.ip_address,
        request_id=current_request_id(),
    )


M = TypeVar("M", bound=models.Model)


def values_check_known(values: Mapping[str, Any], fields: Iterable[str], message: str) -> None:
    """Refuse details that are not among `fields`: the first unknown name is told `message`."""
    unknown = set(values) - set(fields)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: message})


def save_audited(
    obj: M,
    *,
    actor: Any,
    action: str,
    summary: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> M:
    """Check a new or changed record against its model's rules, save it and audit the write."""
    obj.full_clean()
    obj.save()
    audit_record(actor=actor, action=action, obj=obj, summary=summary, before=before, after=after)
    return obj


def field_change_audited(obj: models.Model, field: str, value: Any, *, actor: Any, action: str, summary: str) -> None:
    """Change one field of a record, save only that field, and audit the change with the value
    before and after."""
    before = getattr(obj, field)
    setattr(obj, field, value)
    obj.save(update_fields=[field])
    audit_record(actor=actor, action=action, obj=obj, summary=summary, before={field: before}, after={field: value})


@dataclass(frozen=True)
class Drafts:
    """An assessment written in versions. A new version starts as a draft carrying over the answers
    and risk flags of the latest; a draft, or a version returned for changes, takes answers page by
    page; while a version waits for a decision no new one can start."""

    fields: tuple[str, ...]
    flags: str
    open_statuses: tuple[str, ...]
    waiting_status: str
    waiting: str
    not_an_answer: str

    def open_draft(self, versions: QuerySet[M]) -> M | None:
        """The version still being written, if any; refused while one waits for a decision."""
        draft = versions.filter(status__in=self.open_statuses).first()
        if draft is None and versions.filter(status=self.waiting_status).exists():
            raise ValidationError({"assessment": self.waiting})
        return draft

    def carry_over(self, draft: M, latest: M | None) -> M:
        """Save a new draft holding the answers and risk flags of the latest version, if there is one."""
        if latest is not None:
            for name in self.fields:
                setattr(draft, name, getattr(latest, name))
        draft.save()
        if latest is not None:
            getattr(draft, self.flags).set(getattr(latest, self.flags).all())
        return draft

    def require_open(self, version: Any, message: str) -> None:
        """Refuse to change a version that is no longer being written."""
        if version.status not in self.open_statuses:
            raise ValidationError({"assessment": message})

    def check_answers(self, draft: Any, values: Mapping[str, Any], *, not_open: str) -> None:
        """Refuse answers to a version no longer being written, or to questions it does not ask."""
        self.require_open(draft, not_open)
        values_check_known(values, self.fields, self.not_an_answer)

    def save_answers(
        self, draft: models.Model, values: Mapping[str, Any], *, flags: Iterable[Any] | None, exclude: list[str]
    ) -> None:
        """Save checked answers to a draft, and replace its risk flags when given. `exclude` names
        the fields the model's own checks leave out while it is a draft."""
        for name, value in values.items():
            setattr(draft, name, value)
        draft.full_clean(exclude=exclude)
        draft.save()
        if flags is not None:
            getattr(draft, self.flags).set(flags)


@dataclass(frozen=True)
class SignOff:
    """An assessment that someone other than its author approves, or returns with a comment: the
    permission needed, and what each refusal says."""

    permission: str
    not_permitted: str
    own_work: str
    not_waiting: str
    comment_needed: str

    def check(self, *, actor: Any, author_id: int | None, waiting: bool, approve: bool, comment: str) -> None:
        """Refuse a decision by someone without the permission, by the author, on an assessment not
        waiting for one, or a return without a comment."""
        errors: dict[str, str] = {}
        if not actor.has_perm(self.permission):
            errors["assessment"] = self.not_permitted
        elif author_id == actor.pk:
            errors["assessment"] = self.own_work
        elif not waiting:
            errors["assessment"] = self.not_waiting
        if not approve and not comment.strip():
            errors["comment"] = self.comment_needed
        if errors:
            raise ValidationError(errors)


NATIONAL_SCOPE = "national"


def _policy_errors(
    *, key: str, effective_from: date, value: Any, reason: str, confirm_backdating: bool, backdating_reason: str
) -> tuple[dict[str, str], Any]:
    errors: dict[str, str] = {}
    if key not in RULES:
        errors["key"] = "Choose a rule from the list"
    else:
        try:
            value = validate_policy_value(key, value)
        except PolicyValueError as exc:
            errors["value"] = str(exc)
        if PolicyVersion.objects.filter(key=key, effective_from=effective_from).exists():
            errors["effective_from"] = "A version of this rule already starts on that date: choose another date"
    if not reason.strip():
        errors["reason"] = "Enter why the rule changes"
    days_back = (timezone.localdate() - effective_from).days
    if days_back > 0 and "effective_from" not in errors:
        if not confirm_backdating:
            errors["effective_from"] = (
                f"The date is {days_back} days in the past: cases already judged under the old value would change. "
                "Choose today or a later date, or confirm the backdating and say why"
            )
        elif not backdating_reason.strip():
            errors["backdating_reason"] = "Say why this change must apply to dates already past"
    return errors, value


@transaction.atomic
def policy_version_add(
    *,
    actor: Any,
    key: str,
    effective_from: date,
    value: Any,
    reason: str,
    confirm_backdating: bool = False,
    backdating_reason: str = "",
) -> PolicyVersion:
    """Add a version of a rule. Earlier versions are kept: history is never rewritten.

    Rules apply to the whole country, so only national staff change them. A version that takes
    effect before today needs an explicit confirmation and its own reason, both audited."""
    if actor is not None and getattr(actor, "scope", None) != NATIONAL_SCOPE:
        raise PermissionDenied("Policy rules apply to the whole country: only national staff may change them")
    errors, value = _policy_errors(
        key=key,
        effective_from=effective_from,
        value=value,
        reason=reason,
        confirm_backdating=confirm_backdating,
        backdating_reason=backdating_reason,
    )
    if errors:
        raise ValidationError(errors)
    backdated = effective_from < timezone.localdate()
    version = PolicyVersion.objects.create(
        key=key,
        effective_from=effective_from,
        value=value,
        reason=reason.strip(),
        backdating_reason=backdating_reason.strip() if backdated else "",
        created_by=actor,
    )
    after: dict[str, Any] = {"key": key, "effective_from": effective_from.isoformat(), "value": value}
    summary = f"{RULES[key].title} set to {value!r} from {effective_from:%d %B %Y}"
    if backdated:
        after["backdated_days"] = (timezone.localdate() - effective_from).days
        after["backdating_reason"] = version.backdating_reason
        summary += f", backdated {after['backdated_days']} days: {version.backdating_reason}"
    audit_record(actor=actor, action="policy.version_added", obj=version, summary=summary, after=after)
    return version
