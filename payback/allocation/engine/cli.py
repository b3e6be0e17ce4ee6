"""Run the engine on a week in JSON: python -m payback.allocation --instance week.json --time-limit 10

Prints the plan as JSON (status, objective, bound, gap, seconds, assignments, reasons and the
hard-rule violations the independent verifier finds). Exit status: 0 for a plan that keeps
every rule; 1 when there is no plan (pinned choices that cannot be kept together, or no plan
within the time limit) or it breaks a rule; 2 when the week cannot be read."""

import argparse
import json
import sys

from .greedy import greedy
from .instance import InstanceError, load, plan_to_dict
from .solver import solve
from .verifier import violations


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m payback.allocation", description=__doc__.split("\n\n")[0])
    parser.add_argument("--instance", required=True, help="the week as JSON (see docs/allocation.md)")
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds for the solver (default 10)")
    parser.add_argument("--workers", type=int, default=1, help="CP-SAT workers (default 1)")
    parser.add_argument("--greedy", action="store_true", help="use the simple baseline instead of the solver")
    args = parser.parse_args(argv)
    if args.time_limit <= 0:
        parser.error("--time-limit must be more than 0 seconds")
    try:
        instance = load(args.instance)
    except (OSError, InstanceError, json.JSONDecodeError) as error:
        print(f"Cannot read the week: {error}", file=sys.stderr)
        return 2
    plan = greedy(instance) if args.greedy else solve(instance, time_limit=args.time_limit, workers=args.workers)
    result = plan_to_dict(plan)
    result["violations"] = violations(instance, plan.assignments)
    json.dump(result, sys.stdout, indent=2)
    print()
    if plan.status not in ("OPTIMAL", "FEASIBLE", "GREEDY"):
        message = next(iter(plan.reasons.values()), "No plan")
        print(f"No plan ({plan.status}): {message}", file=sys.stderr)
        return 1
    if result["violations"]:
        print(f"The plan breaks {len(result['violations'])} hard rules", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
