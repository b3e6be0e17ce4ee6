"""The demo's teams: one for each senior probation officer of a PDU, every practitioner in one."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F

from payback.staff.models import Team, User
from payback.staff.roles import PROBATION_PRACTITIONER, SENIOR_PROBATION_OFFICER

pytestmark = pytest.mark.django_db


def test_each_senior_leads_a_team_of_practitioners_of_their_pdu() -> None:
    call_command("seed_demo", size="small", stdout=StringIO())
    seniors = User.objects.filter(groups__name=SENIOR_PROBATION_OFFICER, pdu__isnull=False)
    assert Team.objects.count() == seniors.count() > 0
    assert set(Team.objects.values_list("lead_id", flat=True)) == set(seniors.values_list("pk", flat=True))
    practitioners = User.objects.filter(groups__name=PROBATION_PRACTITIONER, pdu__isnull=False)
    assert not practitioners.filter(team__isnull=True).exists()
    assert not practitioners.exclude(team__pdu=F("pdu")).exists()
    fixed = User.objects.get(username="practitioner")
    assert fixed.team is not None and fixed.team.lead.username == "spo"
