"""Staff of the North East who are told things: senior probation officers of two PDUs, with email
addresses, and a way to read the messages folder."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from payback.staff.models import Pdu, User
from payback.staff.roles import SENIOR_PROBATION_OFFICER

MakeUser = Callable[..., User]


def with_email(user: User) -> User:
    user.email = f"{user.username}@probation.example"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def senior(make_user: MakeUser, pdu_a: Pdu) -> User:
    return with_email(make_user("sophie", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a))


@pytest.fixture
def other_senior(make_user: MakeUser, pdu_a: Pdu) -> User:
    return with_email(make_user("simon", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a))


@pytest.fixture
def senior_next_door(make_user: MakeUser, pdu_a2: Pdu) -> User:
    """A senior probation officer of another PDU of the same region."""
    return with_email(make_user("nadia", role=SENIOR_PROBATION_OFFICER, pdu=pdu_a2))


@pytest.fixture
def outbox(settings: Any, tmp_path: Path) -> Path:
    """The messages folder of this test alone (no Notify key: emails are written there)."""
    settings.NOTIFY_API_KEY = ""
    settings.MESSAGES_OUTBOX = tmp_path / "messages"
    return settings.MESSAGES_OUTBOX


def messages_in(folder: Path) -> dict[str, str]:
    return {path.name: path.read_text() for path in sorted(folder.glob("*"))} if folder.exists() else {}
