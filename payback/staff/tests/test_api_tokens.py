"""API tokens expire, and staff see and revoke their own; a command revokes all of someone's tokens."""

from collections.abc import Callable
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from payback.core.models import AuditEvent
from payback.staff.models import ApiToken, Pdu, User
from payback.staff.services import api_token_create

pytestmark = pytest.mark.django_db


def api_get(token: str) -> int:
    return Client().get("/api/v1/requirements", headers={"Authorization": f"Bearer {token}"}).status_code


def test_a_token_works_until_it_expires_then_is_refused_with_401(practitioner: User) -> None:
    record, raw = api_token_create(actor=None, user=practitioner, name="Reporting", days=30)
    assert abs(record.expires_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    assert api_get(raw) == 200
    with time_machine.travel(record.expires_at - timedelta(minutes=1), tick=False):
        assert api_get(raw) == 200
    with time_machine.travel(record.expires_at + timedelta(seconds=1), tick=False):
        assert api_get(raw) == 401
        record.refresh_from_db()
        assert record.status == "Expired"


def test_tokens_last_90_days_unless_made_for_less_and_never_more_than_a_year(practitioner: User) -> None:
    record, _ = api_token_create(actor=None, user=practitioner, name="Default")
    assert timedelta(days=89) < record.expires_at - timezone.now() <= timedelta(days=90)
    for days in (0, 366, -1):
        with pytest.raises(ValidationError) as caught:
            api_token_create(actor=None, user=practitioner, name="Bad", days=days)
        assert set(caught.value.message_dict) == {"days"}


def test_the_command_makes_a_token_for_the_days_asked(practitioner: User) -> None:
    out, err = StringIO(), StringIO()
    call_command("create_api_token", "pat", "Sync", "--days", "7", stdout=out, stderr=err)
    record = ApiToken.objects.get(user=practitioner, name="Sync")
    assert timedelta(days=6) < record.expires_at - timezone.now() <= timedelta(days=7)
    assert "working until" in err.getvalue()
    with pytest.raises(CommandError, match="1 to 365 days"):
        call_command("create_api_token", "pat", "Sync", "--days", "400", stdout=StringIO(), stderr=StringIO())


def test_staff_see_their_own_tokens_and_revoke_them(
    practitioner: User, make_user: Callable[..., User], pdu_a: Pdu
) -> None:
    other = make_user("olly", pdu=pdu_a)
    mine, raw = api_token_create(actor=None, user=practitioner, name="My reporting")
    theirs, their_raw = api_token_create(actor=None, user=other, name="Their sync")
    client = Client()
    client.force_login(practitioner)
    page = client.get("/account/api-tokens/").content.decode()
    assert "My reporting" in page and mine.prefix in page
    assert "Their sync" not in page
    # someone else's token: not found, and it keeps working
    assert client.post(f"/account/api-tokens/{theirs.pk}/revoke/").status_code == 404
    assert api_get(their_raw) == 200
    assert client.get(f"/account/api-tokens/{mine.pk}/revoke/").status_code == 405

    response = client.post(f"/account/api-tokens/{mine.pk}/revoke/")
    assert response.status_code == 302
    assert api_get(raw) == 401
    page = client.get("/account/api-tokens/").content.decode()
    assert "Revoked" in page
    assert AuditEvent.objects.filter(action="staff.api_token_revoked", actor=practitioner).exists()


def test_the_command_revokes_every_token_of_a_user(
    practitioner: User, make_user: Callable[..., User], pdu_a: Pdu
) -> None:
    other = make_user("olly", pdu=pdu_a)
    raws = [api_token_create(actor=None, user=practitioner, name=f"T{i}")[1] for i in range(3)]
    _, other_raw = api_token_create(actor=None, user=other, name="Keep")
    out = StringIO()
    call_command("revoke_api_tokens", "pat", stdout=out)
    assert "Revoked 3 API tokens of pat" in out.getvalue()
    assert [api_get(raw) for raw in raws] == [401, 401, 401]
    assert api_get(other_raw) == 200
    assert AuditEvent.objects.filter(action="staff.api_token_revoked", channel="command").count() == 3
    with pytest.raises(CommandError):
        call_command("revoke_api_tokens", "nobody", stdout=StringIO())
