"""Counting tools back in without signal before the tools counted out have reached the service:
the copy kept on the phone in the morning takes the tools written as the before-work checks take
them, and, sent after the checks (as the phone sends them, oldest first), is matched against the
tools counted out with the same rules as counting them in with signal."""

import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from payback.delivery.models import IdempotentRequest, Session, ToolCount
from payback.staff.models import Pdu, User
from payback.testing.builders import actions_since, active_project, audit_mark, plan_session

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-18", at="10:30")]

CHECKS_KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
TOOLS_KEY = "1a2b3c4d5e6f708192a3b4c5d6e7f809"
CHECKS = {
    "idempotency_key": CHECKS_KEY,
    "toolbox_talk_given": "on",
    "hazards_seen": "",
    "controls": "",
    "go": "go",
    "tools_out": "Spade, 6\nRake, 2",
}


@pytest.fixture
def session(supervisor: User, coordinator: User, manager: User, pdu_a: Pdu) -> Session:
    project = active_project(coordinator, manager, pdu_a)
    return plan_session(coordinator, project, timezone.localdate(), supervisor=supervisor)


@pytest.fixture
def phone(supervisor: User) -> Client:
    client = Client()
    client.force_login(supervisor)
    return client


def text_of(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def tools_in(phone: Client, session: Session, **fields: str) -> Any:
    data = {"idempotency_key": TOOLS_KEY, "tools_back": "", "tools_damaged": "", "note": "", **fields}
    return phone.post(f"/sessions/{session.pk}/tools-in/", data, follow=True)


def counted(session: Session) -> dict[str, tuple[int, int | None, int | None, str]]:
    return {t.tool: (t.counted_out, t.counted_in, t.damaged, t.note) for t in ToolCount.objects.filter(session=session)}


def test_before_tools_are_counted_out_the_phone_keeps_the_copy_that_takes_them_written(
    phone: Client, session: Session
) -> None:
    assert f"/sessions/{session.pk}/tools-in/?kept=phone" in phone.get("/sessions/today/offline/").json()["pages"]
    page = phone.get(f"/sessions/{session.pk}/tools-in/?kept=phone")
    assert page.status_code == 200
    text = text_of(page)
    assert "Count tools back in" in text and "Write every tool you counted out" in text
    assert 'name="tools_back"' in text and 'name="tools_damaged"' in text and 'name="note"' in text
    assert 'name="idempotency_key"' in text
    # With signal and no copy asked for, the page is refused as it always was.
    refused = phone.get(f"/sessions/{session.pk}/tools-in/", follow=True)
    assert "No tools were counted out for this session" in text_of(refused)


def test_tools_in_sent_after_the_checks_are_matched_against_the_tools_counted_out(
    phone: Client, session: Session
) -> None:
    mark = audit_mark()
    phone.post(f"/sessions/{session.pk}/before-work/", CHECKS)
    response = tools_in(
        phone, session, tools_back="spade, 5\nRake, 2", tools_damaged="Rake, 1", note="Lost by the lock"
    )
    assert response.redirect_chain[-1][0] == f"/sessions/{session.pk}/"
    assert "Tools counted back in" in text_of(response)
    assert actions_since(mark) == ["session.checks", "session.tools_in"]
    assert counted(session) == {"Spade": (6, 5, 0, "Lost by the lock"), "Rake": (2, 2, 1, "Lost by the lock")}


def test_tools_in_all_back_keep_no_note(phone: Client, session: Session) -> None:
    phone.post(f"/sessions/{session.pk}/before-work/", CHECKS)
    tools_in(phone, session, tools_back="Spade, 6\nRake, 2")
    assert counted(session) == {"Spade": (6, 6, 0, ""), "Rake": (2, 2, 0, "")}


def test_tools_in_arriving_before_any_tool_is_counted_out_are_refused_and_kept_to_send_again(
    phone: Client, session: Session
) -> None:
    mark = audit_mark()
    response = tools_in(phone, session, tools_back="Spade, 6")
    assert response.status_code == 200 and not response.redirect_chain
    text = text_of(response)
    assert "There is a problem" in text
    assert "No tools were counted out for this session: record the before-work checks with the tools first" in text
    assert "Spade, 6</textarea>" in text  # what was written is there to send again
    assert actions_since(mark) == []
    assert not IdempotentRequest.objects.filter(key=TOOLS_KEY).exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"tools_back": "Spade, 6\nRake, 2\nHoe, 1"}, "Hoe was not counted out"),
        ({"tools_back": "Spade, 7\nRake, 2"}, "Between 0 and 6 of Spade can come back"),
        ({"tools_back": "Spade, 6\nRake, 1", "tools_damaged": "Rake, 2", "note": "Bent"}, "Damaged Rake must be"),
        ({"tools_back": "Spade, 5\nRake, 2"}, "Say what happened to the missing or damaged Spade"),
        ({"tools_back": "Spade, 6"}, "Say how many of Rake came back"),
        ({"tools_back": "Spade six"}, "Line 1: enter the tool, a comma and how many, like Spade, 6"),
        ({"tools_back": ""}, "Enter the tools counted back in"),
    ],
)
def test_tools_in_that_do_not_match_the_tools_counted_out_are_refused_naming_the_tool(
    phone: Client, session: Session, fields: dict[str, str], message: str
) -> None:
    phone.post(f"/sessions/{session.pk}/before-work/", CHECKS)
    mark = audit_mark()
    response = tools_in(phone, session, **fields)
    assert response.status_code == 200
    text = text_of(response)
    assert "There is a problem" in text and message in text
    assert 'href="#id_tools_back"' in text
    assert actions_since(mark) == []
    assert {t.counted_in for t in ToolCount.objects.filter(session=session)} == {None}


def test_tools_in_sent_twice_are_recorded_once(phone: Client, session: Session) -> None:
    phone.post(f"/sessions/{session.pk}/before-work/", CHECKS)
    mark = audit_mark()
    for _ in range(2):
        response = tools_in(phone, session, tools_back="Spade, 6\nRake, 2")
        assert response.redirect_chain[-1][1] == 302
        assert "Tools counted back in" in text_of(response)
    assert actions_since(mark) == ["session.tools_in"]
    assert IdempotentRequest.objects.get(key=TOOLS_KEY).scope == "session.tools_in"


def test_once_tools_are_counted_out_with_signal_the_page_is_as_it_was(phone: Client, session: Session) -> None:
    phone.post(f"/sessions/{session.pk}/before-work/", CHECKS)
    pages = phone.get("/sessions/today/offline/").json()["pages"]
    assert f"/sessions/{session.pk}/tools-in/" in pages
    for url in (f"/sessions/{session.pk}/tools-in/", f"/sessions/{session.pk}/tools-in/?kept=phone"):
        text = text_of(phone.get(url))
        assert "Spade: 6 out" in text and "Rake: 2 out" in text
        assert 'name="tools_back"' not in text
