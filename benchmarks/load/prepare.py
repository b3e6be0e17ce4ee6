"""Get the load database ready for real sign-ins: `python -m benchmarks.load.prepare`, with the
production settings and DATABASE_URL pointing at the load database (the runner does this).

It writes only to the load database, never to `payback_bench`, and only for the staff it picks:

- practitioners with a caseload, supervisors with a session today that has started and has people
  booked on it (none of them on a booking that breaks a placement rule, so every outcome can be
  recorded), and placement coordinators, each from a different PDU where there are enough;
- each of them gets the demo password hashed by the production settings' hasher (the demo hashes it
  with the fast test hasher, which production does not accept) and an authenticator app (a TOTP
  device, confirmed) whose secret goes into the accounts file, so the load signs in with the
  password and a code, as staff do in production;
- for each coordinator's PDU, a plan for next week (an allocation run made through the service and
  solved here), for them to review.

The accounts file (benchmarks/results/load/accounts.json, git-ignored) lists them by role."""

import argparse
import json
import secrets
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ACCOUNTS = Path(__file__).resolve().parents[1] / "results" / "load" / "accounts.json"
PASSWORD = "payback-demo-2026"  # the demo password (docs/demo-data.md)
PLAN_SECONDS = 10.0  # the shortest time limit a coordinator may choose


def _setup() -> None:
    import django

    django.setup()


def _sign_in_ready(users: list[Any], password_hash: str) -> dict[int, str]:
    """The production hash of the demo password and a fresh authenticator app for each; their keys."""
    from django.db import transaction
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from payback.staff.models import User
    from payback.staff.two_factor import DEVICE_NAME

    keys = {user.pk: secrets.token_hex(20) for user in users}
    with transaction.atomic():
        User.objects.filter(pk__in=keys).update(password=password_hash, is_active=True)
        TOTPDevice.objects.filter(user_id__in=keys).delete()
        TOTPDevice.objects.bulk_create(
            TOTPDevice(user_id=pk, name=DEVICE_NAME, key=key, confirmed=True) for pk, key in keys.items()
        )
    return keys


def _one_per_pdu(rows: list[Any], count: int, pdu_of: Any) -> list[Any]:
    """Up to `count` rows, each from a different PDU first, then more from PDUs already used."""
    first: list[Any] = []
    rest: list[Any] = []
    seen: set[int] = set()
    for row in rows:
        (rest if pdu_of(row) in seen else first).append(row)
        seen.add(pdu_of(row))
    return (first + rest)[:count]


def practitioners(count: int) -> list[Any]:
    from payback.cases.models import Person
    from payback.staff.models import User
    from payback.staff.roles import PROBATION_PRACTITIONER

    with_cases = (
        User.objects.filter(groups__name=PROBATION_PRACTITIONER, is_active=True, pdu__isnull=False)
        .filter(pk__in=Person.objects.values("practitioner"))
        .exclude(username__in=["practitioner", "practitioner-london"])  # the demo's own, kept as they are
        .order_by("pdu_id", "username")
    )
    return _one_per_pdu(list(with_cases), count, lambda user: user.pdu_id)


def started_sessions(count: int, now: datetime) -> list[Any]:
    """Today's planned sessions that have started, each with its own supervisor, people booked and
    no booking that breaks a placement rule."""
    from django.db.models import Exists, OuterRef

    from payback.delivery.models import Appointment, Session, SessionStatus

    live = Appointment.objects.filter(session=OuterRef("pk"), cancelled_at__isnull=True)
    sessions = (
        Session.objects.filter(
            date=now.date(),
            start_time__lte=now.time(),
            status=SessionStatus.PLANNED,
            supervisor__is_active=True,
        )
        .filter(Exists(live))
        .exclude(Exists(live.exclude(conflict="")))
        .select_related("supervisor", "project")
        .order_by("project__pdu_id", "supervisor_id", "pk")
    )
    by_supervisor: dict[int, Any] = {}
    for session in sessions:
        by_supervisor.setdefault(session.supervisor_id or 0, session)
    return _one_per_pdu(list(by_supervisor.values()), count, lambda session: session.project.pdu_id)


def coordinators(count: int, per_pdu: int) -> list[Any]:
    from payback.staff.models import User
    from payback.staff.roles import PLACEMENT_COORDINATOR

    users = list(
        User.objects.filter(groups__name=PLACEMENT_COORDINATOR, is_active=True, pdu__isnull=False)
        .exclude(username="coordinator")
        .select_related("pdu")
        .order_by("pdu_id", "username")
    )
    chosen: list[Any] = []
    taken: dict[int, int] = {}
    for user in users:
        pdu = user.pdu_id or 0
        if taken.get(pdu, 0) < per_pdu and len(chosen) < count:
            chosen.append(user)
            taken[pdu] = taken.get(pdu, 0) + 1
    return chosen


def plan_for(coordinator: Any, week_start: Any) -> int | None:
    """A plan of next week for the coordinator's PDU to review: the one made earlier, or a new one
    made through the service and solved here (the worker would otherwise make it)."""
    from payback.allocation.models import AllocationRun, RunStatus
    from payback.allocation.services import allocation_run_start
    from payback.allocation.tasks import make_plan

    done = AllocationRun.objects.filter(pdu=coordinator.pdu, week_start=week_start, status=RunStatus.DONE)
    existing = done.order_by("-pk").first()
    if existing is not None:
        return existing.pk
    run = allocation_run_start(actor=coordinator, pdu=coordinator.pdu, week_start=week_start, time_limit=PLAN_SECONDS)
    status = make_plan(run.pk)
    print(f"  plan for {coordinator.pdu.name}, week of {week_start}: {status}", flush=True)
    return run.pk if status == RunStatus.DONE else None


def prepare(practitioner_count: int, supervisor_count: int, coordinator_count: int) -> dict[str, Any]:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from payback.allocation.adapter import monday_of

    now = timezone.localtime()
    chosen_practitioners = practitioners(practitioner_count)
    sessions = started_sessions(supervisor_count, now)
    if len(sessions) < supervisor_count:
        raise SystemExit(
            f"Only {len(sessions)} sessions today have started with people booked (at {now:%H:%M}): "
            "run the load after the day's first sessions start (09:00), or seed the demo data again."
        )
    chosen_coordinators = coordinators(coordinator_count, per_pdu=2)
    week_start = monday_of(now.date()) + timedelta(weeks=1)
    print(f"Making plans for the week of {week_start} ({PLAN_SECONDS:g} s each)…", flush=True)
    runs = {user.pdu_id: plan_for(user, week_start) for user in chosen_coordinators}
    chosen_coordinators = [user for user in chosen_coordinators if runs.get(user.pdu_id)]
    supervisors = [session.supervisor for session in sessions]
    keys = _sign_in_ready([*chosen_practitioners, *supervisors, *chosen_coordinators], make_password(PASSWORD))

    def account(user: Any, **extra: Any) -> dict[str, Any]:
        return {"username": user.username, "totp_key": keys[user.pk], **extra}

    return {
        "prepared_at": now.isoformat(timespec="seconds"),
        "password": PASSWORD,
        "practitioners": [account(user) for user in chosen_practitioners],
        "supervisors": [account(session.supervisor, session_id=session.pk) for session in sessions],
        "coordinators": [account(user, run_id=runs[user.pdu_id]) for user in chosen_coordinators],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load.prepare", description=__doc__.split("\n\n")[0])
    parser.add_argument("--practitioners", type=int, default=60)
    parser.add_argument("--supervisors", type=int, default=30)
    parser.add_argument("--coordinators", type=int, default=16)
    parser.add_argument("--output", type=Path, default=ACCOUNTS)
    args = parser.parse_args(argv)
    _setup()
    accounts = prepare(args.practitioners, args.supervisors, args.coordinators)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(accounts, indent=2) + "\n")
    counts = ", ".join(f"{len(accounts[role])} {role}" for role in ("practitioners", "supervisors", "coordinators"))
    print(f"Ready to sign in: {counts}. Written to {args.output}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
