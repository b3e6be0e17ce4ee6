"""Bad input to enforcement: each refused with a message naming the field, and nothing saved."""

from collections.abc import Callable
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from payback.cases.models import Requirement
from payback.delivery.models import Appointment
from payback.enforcement import services
from payback.enforcement.models import Evidence, ExtensionApplication, ScanStatus
from payback.enforcement.tests.conftest import source_of
from payback.staff.models import User
from payback.testing.builders import Clock, new_case, placeable_person

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-18")]

OnSession = Callable[[Requirement, date, str], Appointment]


def test_an_extension_past_a_suspended_sentences_operational_period_is_refused(
    clock: Clock, practitioner: User
) -> None:
    # A 2-year suspended sentence from 2 March 2026: its operational period ends on 2 March 2028.
    case = new_case(practitioner, order_type="suspended_sentence_order", operational_period_months=24)
    clock.today = date(2026, 9, 1)
    with pytest.raises(ValidationError) as error:
        services.extension_apply(
            actor=practitioner, requirement=case, asked_until=date(2028, 6, 1), reason="Long illness"
        )
    assert "operational period, 2 March 2028" in error.value.message_dict["asked_until"][0]
    assert not ExtensionApplication.objects.exists()
    made = services.extension_apply(
        actor=practitioner, requirement=case, asked_until=date(2028, 3, 2), reason="Illness"
    )
    assert made.asked_until == date(2028, 3, 2)


def test_an_extension_after_the_nine_month_point_is_refused(clock: Clock, practitioner: User) -> None:
    case = new_case(practitioner)
    clock.today = date(2026, 12, 3)  # sentenced 2 March: the 9-month point was 2 December
    with pytest.raises(ValidationError) as error:
        services.extension_apply(actor=practitioner, requirement=case, asked_until=date(2027, 6, 1), reason="Ill")
    assert "had to be applied for by 2 December 2026" in error.value.message_dict["requirement"][0]


def test_evidence_too_large_or_not_a_document_is_refused(
    clock: Clock, practitioner: User, on_session: OnSession, settings: object
) -> None:
    person = placeable_person(practitioner, hours=100)
    absence = on_session(person, date(2026, 6, 1), "unacceptable_absence")
    settings.EVIDENCE_MAX_BYTES = 1024  # type: ignore[attr-defined]
    big = SimpleUploadedFile("scan.pdf", b"%PDF-" + b"0" * 2000, content_type="application/pdf")
    with pytest.raises(ValidationError) as too_big:
        services.evidence_record(
            actor=practitioner,
            source=source_of(practitioner, absence),
            description="Scan",
            received_on=date(2026, 6, 1),
            upload=big,
        )
    assert too_big.value.message_dict["file"][0].startswith("The file must be smaller than")
    program = SimpleUploadedFile("note.jpg", b"#!/bin/sh\nrm -rf /\n", content_type="image/jpeg")
    with pytest.raises(ValidationError) as not_a_document:
        services.evidence_record(
            actor=practitioner,
            source=source_of(practitioner, absence),
            description="Note",
            received_on=date(2026, 6, 1),
            upload=program,
        )
    assert not_a_document.value.message_dict["file"] == ["The selected file must be a PDF, JPG or PNG"]
    assert not Evidence.objects.exists()


def infected(content: bytes) -> bool:
    """A stand-in scanner: clean unless the file carries the EICAR test string."""
    return b"EICAR" not in content


def test_a_file_the_scanner_finds_infected_is_withheld(
    clock: Clock, practitioner: User, on_session: OnSession, settings: object
) -> None:
    person = placeable_person(practitioner, hours=100)
    absence = on_session(person, date(2026, 6, 1), "unacceptable_absence")
    settings.EVIDENCE_SCANNER = "payback.enforcement.tests.test_bad_input.infected"  # type: ignore[attr-defined]
    upload = SimpleUploadedFile("note.pdf", b"%PDF-1.7 EICAR test", content_type="application/pdf")
    evidence = services.evidence_record(
        actor=practitioner,
        source=source_of(practitioner, absence),
        description="Note",
        received_on=date(2026, 6, 1),
        upload=upload,
    )
    assert evidence.scan_status == ScanStatus.INFECTED
    client = Client()
    client.force_login(practitioner)
    assert client.get(f"/enforcement/evidence/{evidence.pk}/file/").status_code == 404
