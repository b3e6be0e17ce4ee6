"""The ledger's running sums kept on each requirement: moved by every entry, never written back
from a requirement read before, rebuilt from the ledger."""

from collections.abc import Callable
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from payback.cases.models import CaseStatus, Requirement
from payback.cases.selectors import with_balance
from payback.cases.services import ledger_record_court_variation, ledger_record_travel, ledger_totals_rebuild
from payback.core.selectors import policy_book
from payback.staff.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-18")]


def test_each_entry_moves_its_sum_and_what_remains(make_case: Callable[..., Requirement], practitioner: User) -> None:
    requirement = make_case(hours=100)
    ledger_record_travel(
        actor=practitioner, requirement=requirement, minutes=90, occurred_on=date(2026, 11, 16), reason="Bus"
    )
    ledger_record_court_variation(
        actor=practitioner, requirement=requirement, minutes=-600, occurred_on=date(2026, 11, 17), reason="Varied"
    )
    requirement.refresh_from_db()
    assert (requirement.credited_minutes, requirement.variation_minutes) == (90, -600)
    listed = with_balance(Requirement.objects.filter(pk=requirement.pk), book=policy_book(), today=date(2026, 11, 18))
    assert listed.get().remaining == 100 * 60 - 600 - 90  # type: ignore[attr-defined]


def test_a_requirement_read_before_an_entry_keeps_the_entry_when_saved(
    make_case: Callable[..., Requirement], practitioner: User
) -> None:
    requirement = make_case(hours=100)
    stale = Requirement.objects.get(pk=requirement.pk)
    partly = Requirement.objects.only("id", "status").get(pk=requirement.pk)
    ledger_record_travel(
        actor=practitioner, requirement=requirement, minutes=120, occurred_on=date(2026, 11, 16), reason="Train"
    )
    stale.earning_stopped_on = date(2026, 11, 18)
    stale.save()
    partly.status = CaseStatus.PAUSED
    with CaptureQueriesContext(connection) as queries:
        partly.save()
    assert len(queries) == 1 and "credited_minutes" not in queries[0]["sql"]  # its own column, nothing read
    saved = Requirement.objects.get(pk=requirement.pk)
    assert (saved.credited_minutes, saved.earning_stopped_on, saved.status) == (
        120,
        date(2026, 11, 18),
        CaseStatus.PAUSED,
    )


def test_the_rebuild_sets_the_sums_from_the_ledger(make_case: Callable[..., Requirement], practitioner: User) -> None:
    first, second = make_case(hours=100), make_case(hours=50)
    ledger_record_travel(
        actor=practitioner, requirement=first, minutes=60, occurred_on=date(2026, 11, 16), reason="Bus"
    )
    assert ledger_totals_rebuild(requirement_ids=[first.pk, second.pk]) == 2
    sums = dict(Requirement.objects.filter(pk__in=[first.pk, second.pk]).values_list("pk", "credited_minutes"))
    assert sums == {first.pk: 60, second.pk: 0}
