"""The demo's beneficiary contact signs in at /partners/ with the code written to the messages
folder, sees their organisation's placement, and `demo_signins` says who they are."""

import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils.html import escape

from payback.demo.partners import DEMO_CONTACT_EMAIL, demo_contact

pytestmark = pytest.mark.django_db


def test_the_demo_contact_signs_in_with_the_code_in_the_messages_folder(settings: Any, tmp_path: Path) -> None:
    settings.NOTIFY_API_KEY = ""
    settings.MESSAGES_OUTBOX = tmp_path / "messages"
    call_command("seed_demo", size="small", stdout=StringIO())
    contact = demo_contact()
    assert contact is not None and contact.email == DEMO_CONTACT_EMAIL
    out = StringIO()
    call_command("demo_signins", stdout=out)
    assert f"email {DEMO_CONTACT_EMAIL}" in out.getvalue()
    client = Client()
    client.post("/partners/sign-in/", {"email": DEMO_CONTACT_EMAIL})
    (message,) = [path.read_text() for path in settings.MESSAGES_OUTBOX.glob("email-partner-sign-in-*.txt")]
    code = re.search(r"code is ([0-9]{6})", message).group(1)  # type: ignore[union-attr]
    assert client.post("/partners/sign-in/code/", {"code": code})["Location"] == "/partners/"
    assert escape(contact.beneficiary.name) in client.get("/partners/").content.decode()
