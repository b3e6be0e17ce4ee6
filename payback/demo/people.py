"""Demo data: staff in every role, and cases with plausible histories, at four sizes.

Everything is built in memory and written with `bulk_create`, a few thousand requirements at
a time, inside one transaction, so a failure leaves nothing half-seeded. The per-case
services are not called (at national size they would take hours), but the same rules hold:
key dates and completion windows come from the policy in force, credits never exceed what
is owed, ETE stays within its cap and travel adjustments within theirs, a correction is a
reversing entry of the same kind, status changes follow the allowed transitions, and every
change has its audit event. Each requirement's ledger is checked with the pure rules in
`rules.py` before it is written. See docs/demo-data.md.
"""

import random
import time
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone
from faker import Faker

from payback.cases import rules
from payback.cases.models import Order, Person, Requirement
from payback.cases.services import ledger_totals_rebuild, requirement_due_dates_rebuild
from payback.core.selectors import policy_book
from payback.core.workingdays import is_working_day
from payback.demo.accounts import (
    DEMO_PASSWORD,
)
from payback.demo.case_history import CaseBuilder
from payback.demo.case_records import Case, Chunk
from payback.demo.common import (
    CHUNK_REQUIREMENTS,
    DEFAULT_SEED,
    DemoDataError,
    Progress,
    SeedResult,
    Stream,
    historical_timestamps,
)
from payback.demo.home_postcodes import load_demo_postcodes
from payback.demo.population import FIXED_CASELOAD, SECOND_ORDER_SHARE, SIZES, requirements_plan
from payback.demo.staff import PduStaff, StaffBuilder, build_staff
from payback.demo.writing import write_chunk
from payback.staff.models import Pdu, Region, User
from payback.staff.roles import (
    sync_roles,
)


def _worked(
    builder: CaseBuilder,
    order: Order,
    hours: int,
    team: PduStaff,
    actor: User | None,
    concurrent: Requirement | None = None,
) -> Case:
    """The order's requirement with its whole history, from the sentence to today."""
    case = builder.requirement(order, hours, team, actor, concurrent)
    builder.history(case)
    builder.finish(case)
    return case


def _second_order(builder: CaseBuilder, pdu: Pdu, first: Case, team: PduStaff, actor: User | None) -> bool:
    """A later order for the same person some months on, if that day has come; its requirement runs
    concurrently with the first while that is live and the two together pass the most hours
    allowed. Whether one was made."""
    later = first.order.sentence_date + timedelta(days=builder.rng.randint(45, 270))
    while not is_working_day(later):
        later += timedelta(days=1)
    if later > builder.today:
        return False
    order = builder.order(first.person, pdu, later)
    hours = builder.pick_hours()
    live = first.closed_on is None or first.closed_on > later
    concurrent = live and first.ordered // 60 + hours > rules.MAX_AGGREGATE_HOURS
    _worked(builder, order, hours, team, actor, first.req if concurrent else None)
    return True


def cases_for_pdu(builder: CaseBuilder, pdu: Pdu, count: int, team: PduStaff, after_chunk: Callable[[], None]) -> None:
    """People, orders and requirements for one PDU, `count` requirements in all."""
    rng = builder.rng
    fixed_quota = FIXED_CASELOAD.get(pdu.code, 0) if team.fixed_practitioner else 0
    generated = [u for u in team.practitioners if u is not team.fixed_practitioner]
    made = 0
    while made < count:
        if fixed_quota > 0:
            practitioner, fixed_quota = team.fixed_practitioner, fixed_quota - 1
        else:
            practitioner = rng.choice(generated) if generated else team.fixed_practitioner
        sentenced = rng.choice(builder.sentence_days)
        person = builder.person(pdu, practitioner, sentenced)
        admin = rng.choice(team.administrators) if team.administrators else practitioner
        order = builder.order(person, pdu, sentenced)
        builder.audit(
            person.created_at,
            admin,
            "case.created",
            person,
            f"{person.full_name} ({person.crn}) recorded with a {order.get_order_type_display()} made at {order.court}",
            person,
            after={"crn": person.crn, "order_type": order.order_type, "sentence_date": sentenced.isoformat()},
        )
        first = _worked(builder, order, builder.pick_hours(), team, admin)
        made += 1
        if made < count and rng.random() < SECOND_ORDER_SHARE and _second_order(builder, pdu, first, team, admin):
            made += 1
        if builder.chunk.size >= CHUNK_REQUIREMENTS:
            after_chunk()


def _save_staff(builder: StaffBuilder, out: Stream | None) -> int:
    progress = Progress("Staff", len(builder.new), "users", out)
    saved = builder.save()
    progress.advance(saved)
    progress.finish()
    return saved


def _rebuild_totals(out: Stream | None) -> None:
    """The ledger totals and completion dates, from the rows just written."""
    progress = Progress("Ledger totals and completion dates", 2, "steps", out)
    ledger_totals_rebuild()
    progress.advance(1)
    requirement_due_dates_rebuild()
    progress.advance(1)
    progress.finish()


def seed_demo(
    *,
    size: str,
    seed: int = DEFAULT_SEED,
    out: Stream | None = None,
    today: date | None = None,
    use_copy: bool | None = None,
) -> SeedResult:
    """Build the demo data for `size` (see SIZES), all in one transaction.

    `use_copy` writes the ledger, status changes and audit events with COPY (PostgreSQL only;
    the default there); otherwise everything is written with bulk_create."""
    if use_copy is None:
        use_copy = connection.vendor == "postgresql"
    if use_copy and connection.vendor != "postgresql":
        raise DemoDataError("COPY is only available on PostgreSQL")
    if size not in SIZES:
        raise DemoDataError(f"Unknown size {size!r}: choose one of {', '.join(SIZES)}")
    started = time.perf_counter()
    today = today or timezone.localdate()
    now = timezone.now()
    rng = random.Random(seed)
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    sync_roles()
    book = policy_book()
    pdus = {p.code: p for p in Pdu.objects.select_related("region").order_by("code")}
    regions = {r.code: r for r in Region.objects.all()}
    plan = requirements_plan(size, sorted(pdus.values(), key=lambda p: p.code), rng)
    totals: Counter[str] = Counter()

    with transaction.atomic(), historical_timestamps():
        staff_builder = StaffBuilder(rng, fake, make_password(DEMO_PASSWORD), today)
        staff = build_staff(plan=plan, pdus=pdus, regions=regions, builder=staff_builder)
        totals["staff"] = _save_staff(staff_builder, out)
        totals["postcodes"] = load_demo_postcodes(out)

        builder = CaseBuilder(
            rng=rng, fake=fake, book=book, today=today, now=now, crns=set(Person.objects.values_list("crn", flat=True))
        )
        progress = Progress("Cases", sum(plan.values()), "requirements", out)

        def flush() -> None:
            written = write_chunk(builder.chunk, use_copy=use_copy)
            totals.update(written)
            progress.advance(written["requirements"])
            builder.chunk = Chunk()

        for code, count in plan.items():
            cases_for_pdu(builder, pdus[code], count, staff[code], flush)
        flush()
        progress.finish()

        _rebuild_totals(out)

    return SeedResult(size=size, seconds=time.perf_counter() - started, counts=dict(totals))


def status_counts() -> dict[str, int]:
    """Requirements by status, for the command's summary."""
    rows = Requirement.objects.values_list("status").annotate(n=models.Count("id")).order_by()
    return dict(rows)
