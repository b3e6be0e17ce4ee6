"""The demo's notifications: the demo senior on duty today hears, with the practitioner, of an
urgent concern about one of the practitioner's cases."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from payback.notifications.models import Category, DutySenior, Notification
from payback.notifications.selectors import for_home
from payback.staff.models import User

pytestmark = pytest.mark.django_db


def test_the_demo_practitioner_and_senior_have_an_urgent_concern_to_act_on() -> None:
    call_command("seed_demo", size="small", stdout=StringIO())
    duty = DutySenior.objects.get(on=timezone.localdate())
    assert duty.user.username == "spo"
    practitioner = User.objects.get(username="practitioner")
    first = for_home(practitioner)[0]
    assert (first.category, first.urgent) == (Category.RISK_CONCERN, True)
    assert Notification.objects.filter(recipient__username="spo", category=Category.RISK_CONCERN, urgent=True).exists()
    assert Notification.objects.filter(recipient__username="practitioner", urgent=False).count() == 1
