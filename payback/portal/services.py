"""What the person tells us, and what their practitioner does with it: how they like to be contacted
(theirs to set), a new phone number, email or address (made on the case once the practitioner
confirms it), and that they cannot come to a booked session, with a photo or PDF as evidence (which
the practitioner adds to the evidence for the decision once the register has recorded the absence).

Each write is one transaction with its audit event on the person's history; a form or API call
carries an idempotency key, so a repeated submit changes nothing."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from payback.cases.models import Person
from payback.core.idempotency import key_check
from payback.core.services import audit_record
from payback.delivery import rules as delivery_rules
from payback.delivery.models import AbsenceReason, Appointment
from payback.delivery.services import appointment_said_cannot_come
from payback.enforcement import services as enforcement
from payback.enforcement.models import Evidence
from payback.enforcement.selectors import failure_source_get
from payback.enforcement.services.evidence import scan
from payback.projects.forms.common import PHONE_RE, normalise_postcode
from payback.staff.models import User

from . import notices
from .models import AbsenceReport, ChangeStatus, Channel, ContactChange, ContactPreference
from .selectors import explainable
from .signin import audit_by_person

REPLAYED = "You have already sent this"


def _key(idempotency_key: Any) -> str:
    try:
        return key_check(idempotency_key)
    except ValidationError:
        raise ValidationError({"idempotency_key": "This form has expired. Go back and fill it in again."}) from None


# ---------------------------------------------------------------------------------------------
# How the person likes to be contacted


@transaction.atomic
def contact_preference_set(*, person: Person, channel: str) -> ContactPreference:
    """Texts or emails: the person's own choice, for a detail we have."""
    if channel not in Channel.values:
        raise ValidationError({"channel": "Select how you want us to contact you"})
    if channel == Channel.TEXT and not person.phone:
        raise ValidationError({"channel": "We do not have a phone number for you. Send us your phone number first."})
    if channel == Channel.EMAIL and not person.email:
        raise ValidationError({"channel": "We do not have an email address for you. Send us your email first."})
    preference, _ = ContactPreference.objects.update_or_create(person=person, defaults={"channel": channel})
    audit_by_person(person, "portal.contact_preference_set", person, f"Prefers {Channel(channel).label.lower()}s")
    return preference


# ---------------------------------------------------------------------------------------------
# A change of phone number, email or address


def _clean_change(values: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The new details in their usual form, and what is wrong with them, by field."""
    clean = {name: str(values.get(name) or "").strip() for name in ("phone", "email", "address", "postcode")}
    errors: dict[str, str] = {}
    if clean["phone"] and not PHONE_RE.match(clean["phone"]):
        errors["phone"] = "Enter a phone number, like 07700 900 982"
    if clean["email"]:
        try:
            validate_email(clean["email"])
        except ValidationError:
            errors["email"] = "Enter an email address, like name@example.com"
    if len(clean["address"]) > 300:
        errors["address"] = "Your address must be 300 characters or fewer"
    if clean["postcode"]:
        try:
            clean["postcode"] = normalise_postcode(clean["postcode"])
        except ValidationError:
            errors["postcode"] = "Enter a real postcode, like NE1 4ST"
    if clean["address"] and not clean["postcode"] and "postcode" not in errors:
        errors["postcode"] = "Enter the postcode of your new address"
    if not any(clean.values()) and not errors:
        errors["phone"] = "Tell us at least one new detail: a phone number, an email or an address"
    return clean, errors


@transaction.atomic
def contact_change_send(*, person: Person, values: dict[str, str], idempotency_key: str) -> ContactChange:
    """The person sends new contact details, for their practitioner to confirm. One change waits at
    a time; a repeated submit (the same key) gives back the change first sent."""
    key = _key(idempotency_key)
    Person.objects.select_for_update().get(pk=person.pk)
    previous = ContactChange.objects.filter(idempotency_key=key).first()
    if previous is not None:
        if previous.person_id != person.pk:
            raise ValidationError({"idempotency_key": REPLAYED})
        return previous
    clean, errors = _clean_change(values)
    if ContactChange.objects.filter(person=person, status=ChangeStatus.WAITING).exists():
        errors = {"phone": "We are still checking the last change you sent. You can send another one after that."}
    if errors:
        raise ValidationError(errors)
    change = ContactChange.objects.create(person=person, idempotency_key=key, **clean)
    audit_by_person(person, "portal.contact_change_sent", change, "Sent new contact details to be checked")
    notices.contact_change_sent(change)
    return change


@transaction.atomic
def contact_change_decide(*, actor: User, change: ContactChange, confirm: bool, reason: str = "") -> ContactChange:
    """The practitioner confirms the new details (the case's details change) or says why not."""
    change = ContactChange.objects.select_for_update().select_related("person").get(pk=change.pk)
    if change.status != ChangeStatus.WAITING:
        raise ValidationError({"change": "This change has already been checked"})
    if not confirm and not reason.strip():
        raise ValidationError({"reason": "Enter why the change is not being made"})
    if len(reason) > 300:
        raise ValidationError({"reason": "The reason must be 300 characters or fewer"})
    person = change.person
    if confirm:
        before = {name: getattr(person, name) for name in change.changes}
        for name, value in change.changes.items():
            setattr(person, name, value)
        person.full_clean()
        person.save(update_fields=list(change.changes))
        names = ", ".join(name for name in change.changes)
        summary = f"Contact details changed as the person asked online: {names}"
        audit_record(actor=actor, action="person.contact_changed", obj=person, summary=summary, before=before)
    change.status = ChangeStatus.CONFIRMED if confirm else ChangeStatus.DECLINED
    change.decided_by, change.decided_at, change.decline_reason = actor, timezone.now(), reason.strip()
    change.save(update_fields=["status", "decided_by", "decided_at", "decline_reason"])
    verdict = "confirmed" if confirm else f"not made: {reason.strip()}"
    audit_record(
        actor=actor,
        action="portal.contact_change_decided",
        obj=change,
        summary=f"New contact details {verdict}",
        subject=f"person:{person.pk}",
    )
    return change


# ---------------------------------------------------------------------------------------------
# "I cannot come": the absence and its evidence


def _check_report(appointment: Appointment, reason: str, details: str, errors: dict[str, str]) -> None:
    if reason not in AbsenceReason.values:
        errors["reason"] = "Select why you cannot come"
    if not details.strip():
        errors["details"] = "Tell us what has happened"
    elif len(details) > 1000:
        errors["details"] = "What has happened must be 1,000 characters or fewer"
    if AbsenceReport.objects.filter(appointment=appointment).exists():
        errors["appointment"] = "You have already told us about this session"
    elif not explainable(appointment, today=timezone.localdate()):
        errors["appointment"] = "You cannot tell us about this session any more. Call your probation officer."


def _checked_file(upload: UploadedFile | None, errors: dict[str, str]) -> tuple[str, bytes]:
    if upload is None:
        return "", b""
    try:
        return enforcement.check_evidence_file(upload)
    except ValidationError as error:
        errors["file"] = error.message_dict["file"][0].replace("The selected file", "The file")
        return "", b""


@transaction.atomic
def absence_report_send(
    *,
    person: Person,
    appointment: Appointment,
    reason: str,
    details: str,
    upload: UploadedFile | None,
    idempotency_key: str,
) -> AbsenceReport:
    """The person tells us they cannot come to a booked session (or could not come to one the
    register has recorded them missing), why, with a photo or PDF if they have one. One report for
    each session; the same key again gives back the report first sent. Nothing is kept unless all of
    it is."""
    key = _key(idempotency_key)
    appointment = Appointment.objects.select_for_update().select_related("session").get(pk=appointment.pk)
    previous = AbsenceReport.objects.filter(idempotency_key=key).first()
    if previous is not None:
        if previous.appointment_id != appointment.pk or previous.person_id != person.pk:
            raise ValidationError({"idempotency_key": REPLAYED})
        return previous
    errors: dict[str, str] = {}
    if appointment.person_id != person.pk:
        raise ValidationError({"appointment": "Select one of your sessions"})
    _check_report(appointment, reason, details, errors)
    kind, content = _checked_file(upload, errors)
    if errors:
        raise ValidationError(errors)
    report = AbsenceReport(
        appointment=appointment,
        person=person,
        reason=reason,
        details=details.strip(),
        content_type=kind,
        size_bytes=len(content),
        idempotency_key=key,
    )
    if upload is not None:
        report.scan_status = scan(content)
        report.file.save(f"report{file_suffix(kind)}", SimpleUploadedFile("report", content), save=False)
    try:
        report.save()
    except Exception:
        if report.file:
            report.file.delete(save=False)
        raise
    summary = f"Told us they cannot come on {appointment.date:%-d %B %Y}: {AbsenceReason(reason).label.lower()}"
    audit_by_person(person, "portal.absence_reported", report, summary)
    if appointment.outcome == "":  # before the session: the register is told
        appointment_said_cannot_come(appointment=appointment, because=reason)
    notices.absence_report_sent(report)
    return report


def file_suffix(kind: str) -> str:
    return {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}.get(kind, "")


def report_description(report: AbsenceReport) -> str:
    sent = timezone.localtime(report.sent_at)
    text = f"Sent online by the person on {sent:%-d %B %Y}: {report.get_reason_display()}. {report.details}"
    return text[:500]


@transaction.atomic
def absence_report_to_evidence(*, actor: User, report: AbsenceReport) -> Evidence:
    """The practitioner adds the person's report, with its file, to the evidence for the failure the
    register recorded at that session (through enforcement's own service: its checks, its audit).
    Once only: a report already added gives back its evidence."""
    report = AbsenceReport.objects.select_for_update().select_related("appointment").get(pk=report.pk)
    if report.evidence_id is not None:
        return Evidence.objects.get(pk=report.evidence_id)
    if report.appointment.outcome not in delivery_rules.FAILURES:
        raise ValidationError(
            {"report": "The register has not recorded this session as missed: there is nothing to decide yet"}
        )
    source = failure_source_get(actor, f"A{report.appointment_id}")
    upload = None
    if report.file:
        with report.file.open("rb") as stored:
            content = stored.read()
        upload = SimpleUploadedFile(f"sent-online{file_suffix(report.content_type)}", content, report.content_type)
    received: date = timezone.localtime(report.sent_at).date()
    evidence = enforcement.evidence_record(
        actor=actor, source=source, description=report_description(report), received_on=received, upload=upload
    )
    report.evidence = evidence
    report.save(update_fields=["evidence"])
    return evidence
