"""A task worker for the queue tests: `manage.py run_worker` exactly as deployed (its settings from
the environment: TASKS_BACKEND=rq, REDIS_URL, DATABASE_URL), on the test's clock rather than the
machine's: the test's time when it started the worker (``--now``), ticking on from the machine's
time then (``--launched``). With ``--hold DIR`` the solver waits, once a plan reaches it, until the
file DIR/release appears; DIR/solving then holds the id of the process solving, so that a test can
kill the worker in the middle of a plan. Everything else is the real path: the task, make_plan,
the engine.

    python -m payback.allocation.tests.queue_worker --now ISO --launched EPOCH [--hold DIR] -- <options>
"""

import argparse
import faulthandler
import os
import signal
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import time_machine


def held(solve: Any, folder: Path) -> Any:
    def solve_when_released(*args: Any, **kwargs: Any) -> Any:
        (folder / "solving").write_text(str(os.getpid()))
        while not (folder / "release").exists():
            time.sleep(0.05)
        return solve(*args, **kwargs)

    return solve_when_released


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--now", required=True, type=datetime.fromisoformat)
    parser.add_argument("--launched", required=True, type=float)
    parser.add_argument("--hold", type=Path)
    parser.add_argument("options", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    faulthandler.register(signal.SIGUSR1)  # a test that finds the worker still running says where it is
    start = args.now + timedelta(seconds=time.time() - args.launched)
    with time_machine.travel(start, tick=True):
        import django

        django.setup()
        from django.core.management import call_command

        from payback.allocation import tasks

        if args.hold:
            tasks.solve = held(tasks.solve, args.hold)  # type: ignore[attr-defined]
        options = [option for option in args.options if option != "--"]
        call_command("run_worker", *options)


if __name__ == "__main__":
    main(sys.argv[1:])
