"""Demo data for the work itself, added to the cases `seed_demo` has already built: inductions,
UPW assessments with the risk picture, non-associations, beneficiaries, projects with their
assessments and tasks, nominations, vehicles and drivers, and sessions from four weeks ago to two
weeks ahead with their registers.

Everything is written with `bulk_create` in one transaction and is reproducible with the seed.
Seeded registers do not credit the ledger (`credited_entry` stays empty): the cases seed already
holds the hours worked. See docs/demo-data.md."""

import random
from datetime import date

from django.db import transaction
from django.utils import timezone
from faker import Faker

from payback.demo.common import DEFAULT_SEED, Stream
from payback.demo.sessions import WorkBuilder
from payback.demo.work_base import historical_work_timestamps


def seed_demo_work(
    *, size: str, seed: int = DEFAULT_SEED, out: Stream | None = None, today: date | None = None
) -> dict[str, int]:
    """Add the work data for the cases already seeded. `size` is accepted for symmetry with the
    cases seed: the amounts follow the caseload of each PDU."""
    rng = random.Random(seed + 1)
    fake = Faker("en_GB")
    fake.seed_instance(seed + 1)
    with transaction.atomic(), historical_work_timestamps():
        builder = WorkBuilder(rng, fake, today or timezone.localdate(), out)
        builder.inductions_and_assessments()
        builder.projects()
        builder.sessions()
    return dict(builder.counts)
