"""Evidence a person gives to explain a failure: a note of what it is, and the file where there is
one. A file must be a PDF or a photo (JPEG or PNG) under the size limit, judged by its contents,
not its name; it is scanned for viruses where a scanner is configured and withheld if infected."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.module_loading import import_string

from payback.staff.models import User

from ..models import Evidence, ScanStatus
from ..selectors import FailureSource, current_decision
from .common import failure_audit, failure_take_up, once, today

# What a file's first bytes say it is, and the type it is then served as.
SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}


def evidence_file_type(head: bytes) -> str | None:
    """The type of a file from its first bytes, or None if it is not a PDF, JPEG or PNG."""
    return next((kind for magic, kind in SIGNATURES.items() if head.startswith(magic)), None)


def check_evidence_file(upload: UploadedFile) -> tuple[str, bytes]:
    """The file's type and contents, or a ValidationError on `file` saying what is wrong."""
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError({"file": f"The file must be smaller than {limit // (1024 * 1024)} MB"})
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError({"file": f"The file must be smaller than {limit // (1024 * 1024)} MB"})
    if not content:
        raise ValidationError({"file": "The selected file is empty"})
    kind = evidence_file_type(content[:16])
    if kind is None:
        raise ValidationError({"file": "The selected file must be a PDF, JPG or PNG"})
    return kind, content


def scan(content: bytes) -> str:
    """Run the configured virus scanner over the file's contents."""
    if not settings.EVIDENCE_SCANNER:
        return ScanStatus.NOT_SCANNED
    clean = import_string(settings.EVIDENCE_SCANNER)(content)
    return ScanStatus.CLEAN if clean else ScanStatus.INFECTED


@transaction.atomic
def evidence_record(
    *,
    actor: User,
    source: FailureSource,
    description: str,
    received_on: date | None,
    upload: UploadedFile | None = None,
    idempotency_key: str | None = None,
) -> Evidence:
    """Record evidence received about a failure, with its file if there is one."""
    failure = failure_take_up(source)
    payload = {"failure": failure.pk, "description": description, "received_on": received_on, "file": _name(upload)}

    def write() -> Evidence:
        errors: dict[str, str] = {}
        if not description.strip():
            errors["description"] = "Enter what the evidence is"
        elif len(description) > 500:
            errors["description"] = "What the evidence is must be 500 characters or fewer"
        if received_on is None:
            errors["received_on"] = "Enter the date the evidence was received"
        elif received_on > today():
            errors["received_on"] = "The day received cannot be in the future"
        if current_decision(failure) is not None:
            errors["failure"] = "This failure has already been decided"
        kind, content = "", b""
        if upload is not None:
            try:
                kind, content = check_evidence_file(upload)
            except ValidationError as error:
                errors.update({k: v[0] for k, v in error.message_dict.items()})
        if errors or received_on is None:
            raise ValidationError(errors)
        evidence = Evidence(
            failure=failure,
            description=description.strip(),
            received_on=received_on,
            recorded_by=actor,
            content_type=kind,
            size_bytes=len(content),
            file_name=_name(upload),
        )
        if upload is not None:
            evidence.scan_status = scan(content)
            upload.seek(0)
            evidence.file.save(_name(upload) or "evidence", upload, save=False)
        evidence.save()
        failure_audit(actor, failure, "failure.evidence_recorded", f"Evidence recorded: {description.strip()}")
        return evidence

    return once(actor=actor, key=idempotency_key, scope="evidence", payload=payload, model=Evidence, write=write)


def _name(upload: UploadedFile | None) -> str:
    return (upload.name or "evidence")[:200] if upload is not None else ""
