"""What the tests of the services outside the office share (the person's at /my/ and a beneficiary
contact's at /partners/): a messages folder of each test's own, where codes are written instead of
sent, the code found in it, signing in with it through the pages, and the coordinator and manager
who set up the placements."""

import re
from pathlib import Path
from typing import Any

from django.test import Client

from payback.staff.models import Pdu, User
from payback.staff.roles import OPERATIONS_MANAGER, PLACEMENT_COORDINATOR

from .builders import make_staff

CODE = re.compile(r"code is ([0-9]{6})")


def messages_outbox(settings: Any, tmp_path: Path) -> Path:
    """This test's own messages folder (no Notify key: codes and messages are written there)."""
    settings.NOTIFY_API_KEY = ""
    settings.MESSAGES_OUTBOX = tmp_path / "messages"
    return Path(settings.MESSAGES_OUTBOX)


def sent(outbox: Path) -> dict[str, str]:
    """Every message written to the folder, by file name."""
    return {path.name: path.read_text() for path in sorted(outbox.glob("*"))} if outbox.exists() else {}


def last_code(outbox: Path) -> str:
    """The code in the newest sign-in message."""
    codes = sorted(outbox.glob("*sign-in-*.txt"), key=lambda path: int(re.findall(r"[0-9]+", path.name)[-1]))
    found = CODE.search(codes[-1].read_text())
    assert found, codes[-1].read_text()
    return found.group(1)


def only_code(outbox: Path, pattern: str, to: str) -> str:
    """The code in the one sign-in message matching `pattern`, which was for `to`."""
    (message,) = [path.read_text() for path in outbox.glob(pattern)]
    found = CODE.search(message)
    assert found and message.startswith(f"To: {to}")
    return found.group(1)


def signed_in(client: Client, home: str, details: dict[str, str], outbox: Path) -> Client:
    """Sign in to the service at `home` through its pages, with `details`, then the code sent."""
    assert client.post(f"{home}sign-in/", details).status_code == 302
    response = client.post(f"{home}sign-in/code/", {"code": last_code(outbox)})
    assert response.status_code == 302 and response["Location"] == home, response.content.decode()[:500]
    return client


def coordinator_and_manager(pdu: Pdu) -> tuple[User, User]:
    """The placement coordinator (Cora) and operations manager (Mo) who set the projects up."""
    coordinator = make_staff("cora", role=PLACEMENT_COORDINATOR, pdu=pdu)
    return coordinator, make_staff("mo", role=OPERATIONS_MANAGER, pdu=pdu)
