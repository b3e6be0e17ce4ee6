"""Run the engine on a week in JSON: python -m payback.allocation --instance week.json --time-limit 10

Prints the plan as JSON (status, CP-SAT's status, a note on how the plan was made if it is not
the solver's own, objective, bound, gap, seconds, assignments, reasons and the hard-rule
violations the independent verifier finds). Exit status: 0 for a plan that keeps every rule
(with the note, if any, on standard error); 1 when there is no plan (pinned choices that cannot
be kept together, or no plan within the time limit) or it breaks a rule; 2 when the week cannot
be read (every problem found is printed, one a line) or an option is wrong."""

import argparse
import json
import sys

from .cpsat import default_workers
from .greedy import greedy
from .instance import InstanceError, load, plan_to_dict
from .solver import solve
from .verifier import violations

MAX_PROBLEMS_SHOWN = 100


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m payback.allocation", description=__doc__.split("\n\n")[0])
    parser.add_argument("--instance", required=True, help="the week as JSON (see docs/allocation.md)")
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds for the solver (default 10)")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help=f"cores to use (default: every core, {default_workers()} here; 1 for a repeatable search)",
    )
    parser.add_argument("--greedy", action="store_true", help="use the simple baseline instead of the solver")
    args = parser.parse_args(argv)
    if not args.time_limit > 0:
        parser.error("--time-limit must be more than 0 seconds")
    if args.workers is not None and args.workers < 1:
        parser.error("--workers must be 1 or more")
    try:
        instance = load(args.instance)
    except InstanceError as error:
        _cannot_read(error.problems)
        return 2
    except (OSError, ValueError, RecursionError) as error:  # not JSON, not UTF-8, or nested too deep
        _cannot_read([str(error)])
        return 2
    plan = greedy(instance) if args.greedy else solve(instance, time_limit=args.time_limit, workers=args.workers)
    result = plan_to_dict(plan)
    result["violations"] = violations(instance, plan.assignments)
    json.dump(result, sys.stdout, indent=2)
    print()
    if plan.status not in ("OPTIMAL", "FEASIBLE", "GREEDY"):
        message = next(iter(plan.reasons.values()), plan.note or "No plan")
        print(f"No plan ({plan.status}): {message}", file=sys.stderr)
        return 1
    if plan.note:
        print(f"Note ({plan.status}, CP-SAT {plan.solver_status}): {plan.note}", file=sys.stderr)
    if result["violations"]:
        print(f"The plan breaks {len(result['violations'])} hard rules", file=sys.stderr)
        return 1
    return 0


def _cannot_read(problems: list[str]) -> None:
    count = len(problems)
    print(f"Cannot read the week ({count} problem{'s' if count != 1 else ''}):", file=sys.stderr)
    for problem in problems[:MAX_PROBLEMS_SHOWN]:
        print(f"  {problem}", file=sys.stderr)
    if count > MAX_PROBLEMS_SHOWN:
        print(f"  … and {count - MAX_PROBLEMS_SHOWN} more", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
