"""Who may change a policy rule, backdating only with an audited confirmation, and the history of changes."""

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from payback.core.models import AuditEvent, PolicyVersion
from payback.core.selectors import policy_value
from payback.core.services import policy_version_add
from payback.staff.models import Pdu, Scope, User
from payback.staff.roles import HEAD_OF_UNPAID_WORK

pytestmark = pytest.mark.django_db

URL = "/policy/stand_down_credit_minutes/add/"


def _form(day: date, **extra: str) -> dict[str, str]:
    return {
        "effective_from_0": str(day.day),
        "effective_from_1": str(day.month),
        "effective_from_2": str(day.year),
        "value": "1",
        "reason": "Review of stand-downs",
        **extra,
    }


@pytest.fixture
def regional_head(make_user: Callable[..., User], pdu_a: Pdu) -> User:
    return make_user("rhona", role=HEAD_OF_UNPAID_WORK, scope=Scope.REGION, region=pdu_a.region)


@pytest.fixture
def national_head(make_user: Callable[..., User]) -> User:
    return make_user("nadia", role=HEAD_OF_UNPAID_WORK, scope=Scope.NATIONAL)


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_regional_head_cannot_change_a_national_rule(regional_head: User) -> None:
    client = _signed_in(regional_head)
    backdated = timezone.localdate() - timedelta(days=400)
    confirmed = _form(backdated, confirm_backdating="on", backdating_reason="Because")
    assert client.get(URL).status_code == 403
    assert client.post(URL, confirmed).status_code == 403
    assert client.post(URL, _form(timezone.localdate() + timedelta(days=30))).status_code == 403
    # the rule page offers no way to change it either
    page = client.get("/policy/stand_down_credit_minutes/")
    assert page.status_code == 200
    assert URL not in page.content.decode()
    # and the service refuses whoever calls it
    with pytest.raises(PermissionDenied):
        policy_version_add(
            actor=regional_head,
            key="stand_down_credit_minutes",
            effective_from=backdated,
            value=1,
            reason="x",
            confirm_backdating=True,
            backdating_reason="x",
        )
    assert not PolicyVersion.objects.filter(key="stand_down_credit_minutes", value=1).exists()
    assert policy_value("stand_down_credit_minutes", on=timezone.localdate()) == 60


def test_a_backdated_version_without_confirmation_is_refused_on_the_date(national_head: User) -> None:
    client = _signed_in(national_head)
    backdated = timezone.localdate() - timedelta(days=400)
    response = client.post(URL, _form(backdated))
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"effective_from"}
    assert "400 days in the past" in form.errors["effective_from"][0]
    assert 'href="#id_effective_from-day"' in response.content.decode()  # the error summary names the field
    assert not PolicyVersion.objects.filter(key="stand_down_credit_minutes", value=1).exists()

    with pytest.raises(ValidationError) as caught:
        policy_version_add(
            actor=national_head,
            key="stand_down_credit_minutes",
            effective_from=timezone.localdate() - timedelta(days=1),
            value=1,
            reason="x",
        )
    assert set(caught.value.message_dict) == {"effective_from"}


def test_confirming_backdating_needs_its_own_reason(national_head: User) -> None:
    backdated = timezone.localdate() - timedelta(days=400)
    response = _signed_in(national_head).post(URL, _form(backdated, confirm_backdating="on"))
    assert set(response.context["form"].errors) == {"backdating_reason"}
    assert not PolicyVersion.objects.filter(key="stand_down_credit_minutes", value=1).exists()


def test_a_confirmed_backdated_version_is_accepted_and_audited(national_head: User) -> None:
    today = timezone.localdate()
    backdated = today - timedelta(days=400)
    response = _signed_in(national_head).post(
        URL, _form(backdated, confirm_backdating="on", backdating_reason="Court of Appeal ruling")
    )
    assert response.status_code == 302
    version = PolicyVersion.objects.get(key="stand_down_credit_minutes", effective_from=backdated)
    assert (version.value, version.created_by) == (1, national_head)
    assert version.backdating_reason == "Court of Appeal ruling"
    assert policy_value("stand_down_credit_minutes", on=today) == 1
    event = AuditEvent.objects.get(action="policy.version_added", object_id=str(version.pk))
    assert event.actor == national_head
    assert event.subject == "policy:stand_down_credit_minutes"
    assert event.after["backdated_days"] == 400
    assert event.after["backdating_reason"] == "Court of Appeal ruling"
    assert "backdated 400 days" in event.summary


def test_today_and_later_need_no_confirmation(national_head: User) -> None:
    today = timezone.localdate()
    for day in (today, today + timedelta(days=1)):
        version = policy_version_add(
            actor=national_head, key="stand_down_credit_minutes", effective_from=day, value=30, reason="Review"
        )
        assert version.backdating_reason == ""
        event = AuditEvent.objects.get(action="policy.version_added", object_id=str(version.pk))
        assert "backdated_days" not in event.after


def test_the_rule_page_shows_who_changed_what_and_when(national_head: User, practitioner: User) -> None:
    backdated = timezone.localdate() - timedelta(days=10)
    _signed_in(national_head).post(URL, _form(backdated, confirm_backdating="on", backdating_reason="Late guidance"))
    _signed_in(national_head).post(URL, _form(timezone.localdate() + timedelta(days=7), value="45"))
    page = _signed_in(practitioner).get("/policy/stand_down_credit_minutes/").content.decode()
    history = page.split('<h2 class="govuk-heading-m">History</h2>')[1]
    assert history.count("Nadia Tester") >= 4  # two versions in the table, two entries in the changes
    assert "Late guidance" in history
    assert "Backdated" in history
    assert f"{timezone.localtime():%-d %b %Y}" in history  # when each was added
    assert "set to 45 from" in history
    assert "backdated 10 days: Late guidance" in history
