"""The demo's oversight: the fixed senior's team has 1:1s, touch points, absences and SBAR
consultations, recorded through the services, so the daily checklist has something in it."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from payback.cases.models import SbarConsultation
from payback.core.selectors import policy_book
from payback.oversight.checklist import daily_checklist
from payback.oversight.models import Absence, SupervisionMeeting
from payback.staff.models import User

pytestmark = pytest.mark.django_db


def test_the_fixed_seniors_team_has_oversight_records_and_a_checklist() -> None:
    call_command("seed_demo", size="small", stdout=StringIO())
    spo = User.objects.get(username="spo")
    assert SupervisionMeeting.objects.filter(senior=spo).exists()
    assert Absence.objects.filter(staff=spo).exists()
    assert SbarConsultation.objects.filter(addressed_to=spo).exists()
    checklist = daily_checklist(spo, today=timezone.localdate(), book=policy_book())
    assert checklist.workloads and checklist.away_today and checklist.risk_points
    assert checklist.consultations
