"""The demo's person doing unpaid work signs in at /my/ with the code written to the messages folder,
and `demo_signins` says who they are."""

import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from payback.demo.portal import demo_person

pytestmark = pytest.mark.django_db


def test_the_demo_person_signs_in_with_the_code_in_the_messages_folder(settings: Any, tmp_path: Path) -> None:
    settings.NOTIFY_API_KEY = ""
    settings.MESSAGES_OUTBOX = tmp_path / "messages"
    call_command("seed_demo", size="small", stdout=StringIO())
    person = demo_person(today=timezone.localdate())
    assert person is not None and person.practitioner.username == "practitioner" and person.phone
    out = StringIO()
    call_command("demo_signins", stdout=out)
    assert f"case number {person.crn}" in out.getvalue()
    client = Client()
    born = person.date_of_birth
    client.post(
        "/my/sign-in/",
        {"crn": person.crn, "date_of_birth_0": born.day, "date_of_birth_1": born.month, "date_of_birth_2": born.year},
    )
    (message,) = [path.read_text() for path in settings.MESSAGES_OUTBOX.glob("text-sign-in-*.txt")]
    code = re.search(r"code is ([0-9]{6})", message).group(1)  # type: ignore[union-attr]
    assert client.post("/my/sign-in/code/", {"code": code})["Location"] == "/my/"
    assert person.first_name in client.get("/my/sessions/").content.decode()
