"""Sign-in codes and the counts the sign-in limits go by are deleted a week after they end; API
tokens a month after they expire; nothing newer is touched."""

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from payback.core.tidy import kept, tidy
from payback.portal.models import PersonToken, SignInAttempt, SignInChallenge
from payback.portal.signin import person_token_create

from .conftest import World, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-18")]


def test_old_sign_ins_and_tokens_go_and_new_ones_stay(world: World, outbox: Path) -> None:
    sign_in(Client(), world.jo.person, outbox)
    sign_in(Client(), world.other.person, outbox)
    person_token_create(world.jo.person)
    person_token_create(world.other.person)
    now = timezone.now()
    old, new = SignInChallenge.objects.order_by("pk")
    SignInChallenge.objects.filter(pk=old.pk).update(expires_at=now - timedelta(days=8))
    SignInAttempt.objects.filter(crn_digest=old.crn_digest).update(at=now - timedelta(days=8))
    expired, current = PersonToken.objects.order_by("pk")
    PersonToken.objects.filter(pk=expired.pk).update(expires_at=now - timedelta(days=31))

    out = StringIO()
    call_command("tidy_records", stdout=out)

    assert list(SignInChallenge.objects.all()) == [new]
    assert set(SignInAttempt.objects.values_list("crn_digest", flat=True)) == {new.crn_digest}
    assert list(PersonToken.objects.all()) == [current]
    assert "Sign-in codes asked for by people on probation (kept 7 days): 1 deleted" in out.getvalue()
    assert "API tokens of people on probation (kept 30 days): 1 deleted" in out.getvalue()
    # Run again: nothing more to delete.
    again = tidy(now=now)
    assert sum(again.values()) == 0 and set(again) == {k.label for k in kept()}
    # The beneficiaries' contacts' sign-ins are kept the same way.
    assert {"Sign-in codes asked for by beneficiaries' contacts", "API tokens of beneficiaries' contacts"} <= set(again)
